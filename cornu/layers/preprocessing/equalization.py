"""``Equalization``: histogram equalization of each colour channel in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import check_value_range, refuse_dict, rescale_range
from cornu.layers.preprocessing._image_base import ImageLayer, check_size


class Equalization(ImageLayer):
    """Spreads each channel's values evenly over the range by histogram equalization.

    Per channel, values (mapped to ``[0, 255]``) are counted into ``bins``
    equal-width bins, ``index = int(x * (bins - 1) / 255)``; the cumulative
    counts give a lookup table ``round(255 * (cdf - cdf_min) / (n - cdf_min))``
    (``cdf_min`` the first non-zero count, ``n`` the total) that replaces every
    value.  A channel whose values all fall into one bin is left unchanged.
    As in Keras the histogram of a channel is taken over the whole batch.
    Applied in training only (the identity in inference).

    Args:
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        bins: number of histogram bins (default 256).
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = check_size(bins, self.name, "Equalization", "bins")
        self.value_range = check_value_range(value_range, self)
        self.built = True

    def call(self, inputs, training=True):
        refuse_dict(self, inputs)
        x = self._float_images(inputs)
        if not training:
            return x
        self._check_rank(ops.shape(x))
        channels_first = self.data_format == "channels_first"
        if channels_first:
            x = ops.moveaxis(x, -3, -1)  # (..., c, h, w) -> (..., h, w, c)
        shape = ops.shape(x)
        flat = ops.reshape(rescale_range(x, self.value_range, (0, 255)), (-1, shape[-1]))  # (pixels, c)
        out = ops.reshape(self._equalize(flat, int(shape[-1])), shape)
        out = rescale_range(out, (0, 255), self.value_range)
        return ops.moveaxis(out, -1, -3) if channels_first else out

    def _equalize(self, flat, channels):
        """Equalize every column of ``flat`` (pixels of one channel, on the [0, 255] scale) on its own."""
        bins = self.bins
        offsets = ops.arange(channels, dtype="int32") * bins  # channel c owns bins [c*bins, (c+1)*bins)
        index = ops.clip(ops.cast(flat * ((bins - 1) / 255.0), "int32"), 0, bins - 1)
        # Counts per (channel, bin); a segment sum keeps the output length static under jit.
        segments = ops.reshape(index + offsets, (-1,))
        hist = ops.segment_sum(ops.ones_like(segments, dtype="float32"), segments, num_segments=channels * bins)
        hist = ops.reshape(ops.cast(hist, "float32"), (channels, bins))
        cdf = ops.cumsum(hist, axis=1)
        first = ops.expand_dims(ops.argmax(ops.cast(ops.greater(cdf, 0.0), "int32"), axis=1), 1)
        cdf_min = ops.take_along_axis(cdf, first, axis=1)  # (c, 1): the first non-zero entry
        denominator = cdf[:, -1:] - cdf_min
        denominator = ops.where(ops.equal(denominator, 0.0), 1.0, denominator)
        table = ops.clip(ops.round((cdf - cdf_min) * 255.0 / denominator), 0.0, 255.0)  # (c, bins)
        lookup = ops.cast(ops.clip(flat / 255.0 * (bins - 1), 0, bins - 1), "int32") + offsets
        equalized = ops.cast(ops.take(ops.reshape(table, (-1,)), lookup), flat.dtype)
        single_bin = ops.less_equal(ops.count_nonzero(hist, axis=1), 1)  # (c,): leave such channels alone
        return ops.where(single_bin, flat, equalized)

    def get_config(self):
        config = super().get_config()
        config.update({"bins": self.bins, "value_range": self.value_range})
        return config
