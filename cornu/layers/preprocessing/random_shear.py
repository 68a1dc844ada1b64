"""``RandomShear``: randomly shear images along x and/or y in training."""
from cornu import ops, random
from cornu.layers.preprocessing._affine_base import AffineAugment, column
from cornu.layers.preprocessing._image_base import _is_number


def _shear_range(factor, layer_name, arg):
    message = (f"Layer '{layer_name}' (RandomShear): `{arg}` should be a number in [0, 1] or a pair of numbers "
               f"in [-1, 1]; received {arg}={factor!r}.")
    if isinstance(factor, (list, tuple)):
        # Pairs may be negative so that the (-f, f) ranges written by get_config load back.
        if len(factor) != 2 or not all(_is_number(f) and -1.0 <= f <= 1.0 for f in factor):
            raise ValueError(message)
        lower, upper = sorted(float(f) for f in factor)
        return lower, upper
    if not _is_number(factor) or not 0.0 <= factor <= 1.0:
        raise ValueError(message)
    return -float(factor), float(factor)


class RandomShear(AffineAugment):
    """Shears each image by random amounts during training; the identity in inference.

    Per image, shear coefficients ``sx`` and ``sy`` are drawn uniformly from the
    ``x_factor`` and ``y_factor`` ranges and both flip sign together with
    probability 1/2. The output pixel ``(x, y)`` is read from the input point
    ``(x + sx * y, sy * x + y)``, i.e. the shear is about the top-left
    corner; points outside the input are filled according to ``fill_mode``.

    Args:
        x_factor: a number ``f`` in ``[0, 1]`` (range ``(-f, f)``) or a pair ``(lower, upper)``
            in ``[-1, 1]``.
        y_factor: likewise for the vertical shear.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: value outside the image when ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable shears.
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value,
                         data_format=data_format, **kwargs)
        self.x_factor = _shear_range(x_factor, self.name, "x_factor")
        self.y_factor = _shear_range(y_factor, self.name, "y_factor")

    def _transforms(self, batch, height, width):
        sign = ops.where(random.uniform((batch, 1), seed=self.seed_generator) > 0.5, -1.0, 1.0)
        sy = random.uniform((batch, 1), self.y_factor[0], self.y_factor[1], seed=self.seed_generator) * sign
        sx = random.uniform((batch, 1), self.x_factor[0], self.x_factor[1], seed=self.seed_generator) * sign
        ones, zeros = column(1.0, batch), column(0.0, batch)
        # [1, sx, 0, sy, 1, 0, 0, 0] per image: (batch, 8)
        return ops.concatenate([ones, ops.cast(sx, "float32"), zeros, ops.cast(sy, "float32"), ones, zeros,
                                zeros, zeros], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"x_factor": self.x_factor, "y_factor": self.y_factor})
        return config
