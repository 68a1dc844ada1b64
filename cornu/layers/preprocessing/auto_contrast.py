"""``AutoContrast``: stretch each image channel to the full value range."""
from cornu import ops
from cornu.layers.preprocessing._color_base import check_value_range, refuse_dict, rescale_range
from cornu.layers.preprocessing._image_base import ImageLayer


class AutoContrast(ImageLayer):
    """Rescales every channel of every image so its values span ``value_range``.

    For each image and channel the lowest value becomes ``low`` and the
    highest ``high`` (a linear stretch); constant channels are left as they
    are.  Deterministic: applied in training and in inference alike.

    Args:
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range(value_range, self)
        self.built = True

    def call(self, inputs, training=True):
        refuse_dict(self, inputs)
        x = self._float_images(inputs)
        x, unbatched = self._batched(x)
        h_axis, w_axis = self._hw_axes(4)
        scaled = rescale_range(x, self.value_range, (0, 255))
        low = ops.min(scaled, axis=(h_axis, w_axis), keepdims=True)  # per image and channel
        high = ops.max(scaled, axis=(h_axis, w_axis), keepdims=True)
        spread = high - low
        varies = ops.greater(spread, 0.0)
        scale = 255.0 / ops.where(varies, spread, 1.0)
        out = ops.clip((scaled - low) * scale, 0.0, 255.0)
        out = ops.where(varies, rescale_range(out, (0, 255), self.value_range), x)
        return ops.squeeze(out, 0) if unbatched else out

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range})
        return config
