"""``RandomHue``: rotate the hue of each image in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor, rescale_range


class RandomHue(ColorLayer):
    """Shifts each image's hue by a random amount during training.

    For each image ``f`` is drawn uniformly from ``factor`` and a random sign
    ``s``; the hue (in ``[0, 1]``) is shifted by ``s * f / 2`` and wrapped
    around the colour wheel.  Pixels are mapped from ``value_range`` to
    ``[0, 1]`` for the HSV round trip, clipped there and mapped back.  The
    identity in inference.

    Args:
        factor: a float ``f`` in ``[0, 1]`` (the range ``(0, f)``) or a pair
            ``(lower, upper)``.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, (0, 1), self)
        self.value_range = check_value_range(value_range, self, sort=False)

    def _augment(self, images, batch):
        sign = ops.where(ops.greater(self._uniform((batch, 1, 1)), 0.5), -1.0, 1.0)
        shift = sign * self._uniform((batch, 1, 1), self.factor[0], self.factor[1]) * 0.5
        return shift_hue(images, shift, self.value_range, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def shift_hue(images, shift, value_range, data_format):
    """Add ``shift`` (shape ``(batch, 1, 1)``) to the hue of a batch, wrapping into ``[0, 1]``."""
    axis = 1 if data_format == "channels_first" else 3
    hsv = ops.image.rgb_to_hsv(rescale_range(images, value_range, (0, 1)), data_format=data_format)
    hue, sat, val = (ops.take(hsv, i, axis=axis) for i in range(3))  # each (batch, h, w)
    hue = hue + ops.cast(shift, hue.dtype)
    hue = ops.where(hue > 1.0, hue - 1.0, hue)
    hue = ops.where(hue < 0.0, hue + 1.0, hue)
    rgb = ops.image.hsv_to_rgb(ops.stack([hue, sat, val], axis=axis), data_format=data_format)
    return rescale_range(ops.clip(rgb, 0.0, 1.0), (0, 1), value_range)
