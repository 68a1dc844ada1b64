"""``RandomRotation``: randomly rotate images about their center in training."""
import math

from cornu import ops, random
from cornu.layers.preprocessing._affine_base import AffineAugment, column
from cornu.layers.preprocessing._image_base import parse_factor


class RandomRotation(AffineAugment):
    """Rotates each image by a random angle during training; the identity in inference.

    The angle is drawn uniformly from ``[lower * 2pi, upper * 2pi]`` (positive
    values rotate counter-clockwise); points falling outside the input are
    filled according to ``fill_mode``.

    Args:
        factor: a float ``f`` (angles in ``[-f * 2pi, f * 2pi]``) or a pair
            ``(lower, upper)`` of fractions of a full turn, in ``[-1, 1]``.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: int for repeatable rotations.
        fill_value: value outside the image when ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Call arguments:
        inputs: images of rank 3 or 4.
        training: apply the augmentation (default ``True``, as in Keras).
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, self.name, "RandomRotation")

    def _transforms(self, batch, height, width):
        lower, upper = self.factor
        angle = random.uniform((batch, 1), minval=lower * 2.0 * math.pi, maxval=upper * 2.0 * math.pi,
                               dtype="float32", seed=self.seed_generator)
        cos, sin = ops.cos(angle), ops.sin(angle)
        h, w = float(height - 1), float(width - 1)
        x_offset = (w - (cos * w - sin * h)) / 2.0
        y_offset = (h - (sin * w + cos * h)) / 2.0
        zeros = column(0.0, batch)
        # [cos, -sin, x_offset, sin, cos, y_offset, 0, 0] per image: (batch, 8)
        return ops.concatenate([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
