"""``RandomPerspective``: randomly warp some images by a perspective transform in training."""
import numpy as np

from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, _is_number, check_choice, parse_factor


class RandomPerspective(ImageLayer):
    """Applies a random perspective warp to a random subset of the images in training.

    Each image is warped when a uniform draw falls below a probability drawn
    uniformly from ``factor``. The corners ``(0, 0)``, ``(w-1, 0)``, ``(0, h-1)``,
    ``(w-1, h-1)`` move to ``p + p * d`` with ``d`` uniform in
    ``[-scale/2, scale/2]`` per coordinate (so the top-left corner stays put),
    and the image is resampled through the homography mapping the moved corners
    back; points outside are ``fill_value``. The identity (cast to the compute
    dtype) in inference.

    Args:
        factor: probability range in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        scale: strength of the corner displacements, in ``[0, 1]``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_value: value of the points outside the input.
        seed: int for repeatable warps.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, self.name, "RandomPerspective", bounds=(0.0, 1.0))
        if not _is_number(scale) or not 0.0 <= scale <= 1.0:
            raise ValueError(f"Layer '{self.name}' (RandomPerspective) expects `scale` to be a number in "
                             f"[0, 1]; received scale={scale!r}.")
        self.scale = scale
        self.interpolation = check_choice(interpolation, ("nearest", "bilinear"), self.name,
                                          "RandomPerspective", "interpolation")
        self.fill_value = fill_value
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def warp(self, x, displacement):
        """Warps the batched ``x`` with per-image corner ``displacement`` ``(batch, 4, 2)``."""
        height, width = self._height_width(ops.shape(x))
        corners = np.array([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]],
                           "float32")[None]
        start = ops.convert_to_tensor(corners)
        end = start + start * ops.cast(displacement, "float32")
        start = ops.broadcast_to(start, ops.shape(end))
        return ops.image.perspective_transform(x, start, end, interpolation=self.interpolation,
                                               fill_value=self.fill_value, data_format=self.data_format)

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)
        batch = ops.shape(x)[0]
        probability = random.uniform((batch,), self.factor[0], self.factor[1], seed=self.seed_generator)
        apply = random.uniform((batch,), 0.0, 1.0, seed=self.seed_generator) < probability
        half = 0.5 * self.scale
        displacement = random.uniform((batch, 4, 2), -half, half, seed=self.seed_generator)
        x = ops.where(ops.reshape(apply, (-1, 1, 1, 1)), ops.cast(self.warp(x, displacement), x.dtype), x)
        return ops.squeeze(x, 0) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_value": self.fill_value, "seed": self.seed})
        return config
