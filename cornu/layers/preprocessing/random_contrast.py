"""``RandomContrast``: randomly scale each image's contrast in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, parse_factor


class RandomContrast(ImageLayer):
    """Adjusts the contrast of each image by a random factor during training.

    For each image a factor ``c`` is drawn uniformly from
    ``[1 - lower, 1 + upper]``; every channel becomes
    ``(x - mean) * c + mean`` (``mean`` over the channel's pixels), clipped to
    ``value_range``.  The identity in inference.

    Args:
        factor: a float ``f`` in ``[0, 1]`` (``lower = upper = f``) or a pair
            ``(lower, upper)``.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        seed: int for repeatable factors.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, self.name, "RandomContrast", bounds=(0.0, 1.0), symmetric=False)
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or \
                value_range[0] > value_range[1]:
            raise ValueError(
                f"Layer '{self.name}' (RandomContrast) expects `value_range` as (low, high); received "
                f"value_range={value_range!r}."
            )
        self.value_range = tuple(value_range)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)
        batch = ops.shape(x)[0]
        contrast = random.uniform((batch, 1, 1, 1), minval=1.0 - self.factor[0], maxval=1.0 + self.factor[1],
                                  dtype=self.compute_dtype, seed=self.seed_generator)
        h_axis, w_axis = self._hw_axes(4)
        mean = ops.mean(x, axis=(h_axis, w_axis), keepdims=True)  # per image and channel
        out = ops.clip((x - mean) * contrast + mean, self.value_range[0], self.value_range[1])
        return ops.squeeze(out, 0) if unbatched else out

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
