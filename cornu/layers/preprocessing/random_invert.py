"""``RandomInvert``: invert the colours of a random share of the images in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor


class RandomInvert(ColorLayer):
    """Inverts each image (``x -> high - x``) with a random probability.

    For each image a probability ``p`` is drawn uniformly from ``factor`` and
    the image is inverted when a second uniform draw in ``[0, 1)`` falls below
    ``p``.  The identity in inference.

    Args:
        factor: a float ``f`` in ``[0, 1]`` (``p`` drawn from ``[0, f]``) or a
            pair ``(lower, upper)``; default 1.0.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``);
            inverted pixels are ``high - x``.
        seed: int for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, (0, 1), self)
        self.value_range = check_value_range(value_range, self, sort=False)

    def _augment(self, images, batch):
        probability = self._uniform((batch, 1, 1, 1), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform((batch, 1, 1, 1)), probability)
        return ops.where(apply, float(self.value_range[1]) - images, images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
