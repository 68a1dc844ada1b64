"""``RandomPosterization``: keep only the top bits of each pixel in training."""
from cornu import ops, random
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor, rescale_range


class RandomPosterization(ColorLayer):
    """Reduces each image to ``b`` bits per channel, ``b`` drawn per image.

    Pixels are mapped to ``[0, 255]``, truncated to integers and their lowest
    ``8 - b`` bits cleared (``floor(x / 2**(8-b)) * 2**(8-b)``), then mapped
    back to ``value_range``.  When ``factor`` is a range, ``b`` is an integer
    drawn from ``[lower, upper)`` (the upper end excluded, as in Keras).  The
    identity in inference.

    Args:
        factor: an int ``n`` in ``[1, 8]`` (the range ``(1, n)``) or a pair of
            ints ``(lower, upper)``; equal ends give a fixed bit depth.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable draws.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, (1, 8), self)
        self.value_range = check_value_range(value_range, self)

    def _augment(self, images, batch):
        lower, upper = int(self.factor[0]), int(self.factor[1])
        if lower != upper:
            bits = random.randint((batch, 1, 1, 1), minval=lower, maxval=upper, dtype="int32",
                                  seed=self.seed_generator)
            bits = ops.cast(bits, self.compute_dtype)
        else:
            bits = ops.full((batch, 1, 1, 1), float(lower), dtype=self.compute_dtype)
        return posterize(images, bits, self.value_range)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def posterize(images, bits, value_range):
    """The deterministic transform for per-image bit depths ``bits`` (shape ``(batch, 1, 1, 1)``)."""
    step = ops.power(2.0, 8.0 - bits)
    x = ops.floor(ops.clip(rescale_range(images, value_range, (0, 255)), 0.0, 255.0))  # the uint8 cast
    return rescale_range(ops.floor(x / step) * step, (0, 255), value_range)
