"""``RandomColorDegeneration``: blend each image towards its grey version in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor


class RandomColorDegeneration(ColorLayer):
    """Blends each image with its grayscale version by a random amount.

    For each image ``f`` is drawn uniformly from ``factor`` and the output is
    ``x + f * (gray(x) - x)`` clipped to ``value_range``: ``f = 0`` keeps the
    image, ``f = 1`` makes it grey.  Expects 3-channel RGB images.  The
    identity in inference.

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
        f = self._uniform((batch, 1, 1, 1), self.factor[0], self.factor[1])
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.clip(images + f * (gray - images), self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        channels = input_shape[-3 if self.data_format == "channels_first" else -1]
        if channels is not None and channels != 3:
            raise ValueError(
                f"Layer '{self.name}' (RandomColorDegeneration) expects RGB images with 3 channels; received "
                f"input of shape {tuple(input_shape)}."
            )
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config
