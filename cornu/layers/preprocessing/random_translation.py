"""``RandomTranslation``: randomly shift images in training."""
from cornu import ops, random
from cornu.layers.preprocessing._affine_base import AffineAugment, column
from cornu.layers.preprocessing._image_base import parse_factor


class RandomTranslation(AffineAugment):
    """Shifts each image by a random offset during training; the identity in inference.

    The vertical shift is drawn from ``[lower, upper] * height`` pixels and the
    horizontal one from ``[lower, upper] * width`` (positive values move the
    content down/right).

    Args:
        height_factor: a float ``f`` (``[-f, f]``) or a pair ``(lower, upper)``
            in ``[-1, 1]``, as fractions of the height.
        width_factor: same, as fractions of the width.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: int for repeatable shifts.
        fill_value: value outside the image when ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = list(height_factor) if isinstance(height_factor, tuple) else height_factor
        self.height_lower, self.height_upper = parse_factor(height_factor, self.name, "RandomTranslation",
                                                            "height_factor")
        self.width_factor = list(width_factor) if isinstance(width_factor, tuple) else width_factor
        self.width_lower, self.width_upper = parse_factor(width_factor, self.name, "RandomTranslation",
                                                          "width_factor")

    def _transforms(self, batch, height, width):
        dy = random.uniform((batch, 1), minval=self.height_lower, maxval=self.height_upper,
                            dtype="float32", seed=self.seed_generator) * float(height)
        dx = random.uniform((batch, 1), minval=self.width_lower, maxval=self.width_upper,
                            dtype="float32", seed=self.seed_generator) * float(width)
        zeros, ones = column(0.0, batch), column(1.0, batch)
        # [1, 0, -dx, 0, 1, -dy, 0, 0] per image: (batch, 8)
        return ops.concatenate([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config
