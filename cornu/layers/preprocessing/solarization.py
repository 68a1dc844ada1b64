"""``Solarization``: invert the pixels above a random threshold in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, rescale_range


class Solarization(ColorLayer):
    """Solarizes images: pixels at or above a threshold become ``255 - x``.

    Working on the ``[0, 255]`` scale, each image gets an offset ``a`` drawn
    uniformly from ``[addition_factor[0], 255 * addition_factor[1]]`` and a
    threshold ``t`` from ``[threshold_factor[0], 255 * threshold_factor[1]]``
    (only the upper ends are scaled by 255, as in Keras).  Then
    ``y = clip(x + a, 0, 255)`` and the output is ``y`` where ``y < t`` and
    ``255 - y`` elsewhere, mapped back to ``value_range``.  With the defaults
    every pixel is inverted.  The identity in inference.

    Args:
        addition_factor: a float ``f`` in ``[0, 1]`` (the pair ``(0, f)``) or a
            pair; default 0.
        threshold_factor: same form as ``addition_factor``; default 0.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        seed: int for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = self._pair(addition_factor, "addition_factor")
        self.threshold_factor = self._pair(threshold_factor, "threshold_factor")
        self.value_range = check_value_range(value_range, self)

    def _pair(self, factor, arg):
        def number(f):
            return isinstance(f, (int, float)) and not isinstance(f, bool) and 0 <= f <= 1

        if isinstance(factor, (tuple, list)) and len(factor) == 2 and all(number(f) for f in factor):
            lower, upper = sorted(factor)
            return lower, upper
        if number(factor):
            return 0, factor
        raise ValueError(
            f"Layer '{self.name}' (Solarization): the `{arg}` argument should be a number (or a list of two "
            f"numbers) in the range [0, 1]. Received: {arg}={factor!r}"
        )

    def _augment(self, images, batch):
        additions = self._uniform((batch, 1, 1, 1), self.addition_factor[0], self.addition_factor[1] * 255)
        thresholds = self._uniform((batch, 1, 1, 1), self.threshold_factor[0], self.threshold_factor[1] * 255)
        return solarize(images, additions, thresholds, self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "addition_factor": self.addition_factor,
                       "threshold_factor": self.threshold_factor, "seed": self.seed})
        return config


def solarize(images, additions, thresholds, value_range):
    """The deterministic transform for given per-image ``additions`` and ``thresholds``."""
    x = ops.clip(rescale_range(images, value_range, (0, 255)) + additions, 0.0, 255.0)
    x = ops.where(ops.less(x, thresholds), x, 255.0 - x)
    return rescale_range(x, (0, 255), value_range)
