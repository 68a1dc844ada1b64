"""``RandomGaussianBlur``: blur a random share of the images in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor


class RandomGaussianBlur(ColorLayer):
    """Applies a Gaussian blur to each image with a random probability.

    For each image a probability ``p`` is drawn from ``factor`` and the image
    is blurred when a uniform draw falls below ``p``.  One pair of standard
    deviations, drawn uniformly from ``sigma`` (plus 1e-6), is shared by the
    batch; the blur uses ``ops.image.gaussian_blur`` with ``kernel_size``.  The
    output is clipped to ``value_range``.  The identity in inference.

    Args:
        factor: a float ``f`` in ``[0, 1]`` (``p`` drawn from ``[0, f]``) or a
            pair; default 1.0.
        kernel_size: an odd int or a pair of odd ints (default 3).
        sigma: a float ``s`` in ``[0, 1]`` (the range ``(0, s)``) or a pair;
            default 1.0.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable draws.
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None,
                 seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, (0, 1), self)
        self.kernel_size = self._kernel_size(kernel_size)
        self.sigma = keras_factor(sigma, (0, 1), self, "sigma")
        self.value_range = check_value_range(value_range, self, sort=False)

    def _kernel_size(self, size):
        pair = tuple(size) if isinstance(size, (tuple, list)) else (size, size)
        if len(pair) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0 and k % 2 == 1
                                     for k in pair):
            raise ValueError(
                f"Layer '{self.name}' (RandomGaussianBlur): `kernel_size` must be an odd positive int or a pair "
                f"of them. Received: kernel_size={size!r}"
            )
        return pair

    def _augment(self, images, batch):
        probability = self._uniform((batch, 1, 1, 1), self.factor[0], self.factor[1])
        apply = ops.less(self._uniform((batch, 1, 1, 1)), probability)
        sigma = self._uniform((2,), self.sigma[0], self.sigma[1]) + 1e-6
        return blur(images, apply, sigma, self.kernel_size, self.value_range, self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                       "value_range": self.value_range, "seed": self.seed})
        return config


def blur(images, apply, sigma, kernel_size, value_range, data_format):
    """Blur the images where ``apply`` (shape ``(batch, 1, 1, 1)``) holds, then clip to ``value_range``."""
    blurred = ops.image.gaussian_blur(images, kernel_size=kernel_size, sigma=sigma, data_format=data_format)
    return ops.clip(ops.where(apply, blurred, images), value_range[0], value_range[1])
