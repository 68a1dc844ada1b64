"""``RandomBrightness``: add a random offset to every pixel of each image in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor


class RandomBrightness(ColorLayer):
    """Shifts the brightness of each image by a random amount during training.

    For each image a value ``d`` is drawn uniformly from ``factor`` and
    ``d * (high - low)`` is added to every pixel and channel; the result is
    clipped to ``value_range = (low, high)``.  ``d = -1`` gives a black image,
    ``d = 1`` a white one.  The identity in inference.

    Args:
        factor: a float ``f`` in ``[-1, 1]`` (the range ``(-|f|, |f|)``) or a
            pair ``(lower, upper)``.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        seed: int for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = keras_factor(factor, (-1, 1), self)
        self.value_range = check_value_range(value_range, self)

    def _augment(self, images, batch):
        low, high = self.value_range
        delta = self._uniform((batch, 1, 1, 1), self.factor[0], self.factor[1]) * float(high - low)
        return ops.clip(images + delta, low, high)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
