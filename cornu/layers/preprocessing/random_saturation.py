"""``RandomSaturation``: scale the colour saturation of each image in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor

_EPSILON = 1e-7


class RandomSaturation(ColorLayer):
    """Multiplies each image's HSV saturation by a random amount during training.

    For each image ``f`` is drawn uniformly from ``factor`` and the saturation
    channel is multiplied by ``f / (1 - f + 1e-7)`` (0 at ``f = 0`` gives a
    grey image, ``f`` near 1 a fully saturated one), clipped to
    ``value_range``, and the image converted back to RGB.  As in Keras the
    colour conversion runs on the pixel values as given.  The identity in
    inference.

    Args:
        factor: a float ``f`` in ``[-1, 1]`` (the range ``(-|f|, |f|)``) or a
            pair ``(lower, upper)``.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, (-1, 1), self)
        self.value_range = check_value_range(value_range, self)

    def _augment(self, images, batch):
        f = self._uniform((batch, 1, 1), self.factor[0], self.factor[1])
        return saturate(images, f / (1.0 - f + _EPSILON), self.value_range, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def saturate(images, scale, value_range, data_format):
    """Scale the saturation of a batch by ``scale`` (shape ``(batch, 1, 1)``), clipped to ``value_range``."""
    axis = 1 if data_format == "channels_first" else 3
    hsv = ops.image.rgb_to_hsv(images, data_format=data_format)
    hue, sat, val = (ops.take(hsv, i, axis=axis) for i in range(3))  # each (batch, h, w)
    sat = ops.clip(sat * scale, value_range[0], value_range[1])
    return ops.image.hsv_to_rgb(ops.stack([hue, sat, val], axis=axis), data_format=data_format)
