"""``RandomZoom``: randomly zoom images in or out in training."""
from cornu import ops, random
from cornu.layers.preprocessing._affine_base import AffineAugment, column
from cornu.layers.preprocessing._image_base import parse_factor


class RandomZoom(AffineAugment):
    """Zooms each image by a random factor during training; the identity in inference.

    A zoom factor ``z`` is drawn uniformly from ``[1 + lower, 1 + upper]`` and
    the output pixel ``(x, y)`` samples the input at ``c + z * (p - c)``
    around the center ``c``: positive factors zoom *out* (the image shrinks),
    negative ones zoom *in*.

    Args:
        height_factor: a float ``f`` (``[-f, f]``) or a pair ``(lower, upper)``
            in ``[-1, 1]`` for the vertical zoom.
        width_factor: same for the horizontal zoom; ``None`` (default) uses the
            vertical zoom for both, preserving the aspect ratio.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        seed: int for repeatable zooms.
        fill_value: value outside the image when ``fill_mode="constant"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed,
                         fill_value=fill_value, data_format=data_format, **kwargs)
        self.height_factor = list(height_factor) if isinstance(height_factor, tuple) else height_factor
        self.height_lower, self.height_upper = parse_factor(height_factor, self.name, "RandomZoom",
                                                            "height_factor")
        self.width_factor = list(width_factor) if isinstance(width_factor, tuple) else width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = parse_factor(width_factor, self.name, "RandomZoom",
                                                              "width_factor")

    def _transforms(self, batch, height, width):
        zoom_y = random.uniform((batch, 1), minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper,
                                dtype="float32", seed=self.seed_generator)
        if self.width_factor is not None:
            zoom_x = random.uniform((batch, 1), minval=1.0 + self.width_lower,
                                    maxval=1.0 + self.width_upper, dtype="float32",
                                    seed=self.seed_generator)
        else:
            zoom_x = zoom_y
        x_offset = (float(width) - 1.0) / 2.0 * (1.0 - zoom_x)
        y_offset = (float(height) - 1.0) / 2.0 * (1.0 - zoom_y)
        zeros = column(0.0, batch)
        # [zx, 0, x_offset, 0, zy, y_offset, 0, 0] per image: (batch, 8)
        return ops.concatenate([zoom_x, zeros, x_offset, zeros, zoom_y, y_offset, zeros, zeros], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config
