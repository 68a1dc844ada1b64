"""``RandomSharpness``: sharpen or soften each image by a random amount in training."""
import numpy as np

from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range, keras_factor

# The smoothing filter the sharpness blend is measured against (weights sum to 1).
_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], "float64") / 13.0


class RandomSharpness(ColorLayer):
    """Blends each image with a smoothed copy: ``x + (1 - s) * (smooth(x) - x)``.

    For each image ``s = 2 * f`` with ``f`` drawn uniformly from ``factor``:
    ``s = 1`` keeps the image, ``s < 1`` blurs it and ``s > 1`` sharpens it.
    ``smooth`` is a 3x3 filter (centre 5/13, neighbours 1/13) with zero
    padding; the result is clipped to ``value_range``.  The identity in
    inference.

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
        self.value_range = check_value_range(value_range, self)

    def _augment(self, images, batch):
        sharpness = self._uniform((batch, 1, 1, 1), self.factor[0], self.factor[1]) * 2.0
        return sharpen(images, sharpness, self.value_range, self.data_format, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return config


def sharpen(images, sharpness, value_range, data_format, dtype):
    """The deterministic blend for per-image ``sharpness`` (shape ``(batch, 1, 1, 1)``)."""
    if data_format == "channels_first":
        images = ops.transpose(images, (0, 2, 3, 1))  # (b, c, h, w) -> (b, h, w, c)
    channels = int(images.shape[-1])
    kernel = np.tile(_SMOOTH[:, :, None, None], (1, 1, channels, 1)).astype(dtype)  # (3, 3, c, 1)
    smooth = ops.depthwise_conv(images, ops.convert_to_tensor(kernel), strides=1, padding="same",
                                data_format="channels_last")
    out = ops.clip(images + (1.0 - sharpness) * (smooth - images), value_range[0], value_range[1])
    return ops.transpose(out, (0, 3, 1, 2)) if data_format == "channels_first" else out
