"""Base of the random geometric augmentations (rotation, zoom, translation)."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, check_choice

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


class AffineAugment(ImageLayer):
    """Draws one affine transform per image in training and warps the images with it."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        cls_name = type(self).__name__
        self.fill_mode = check_choice(fill_mode, FILL_MODES, self.name, cls_name, "fill_mode")
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, self.name, cls_name,
                                          "interpolation")
        self.fill_value = float(fill_value)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def _transforms(self, batch, height, width):
        """``(batch, 8)`` transforms mapping output pixels to input points."""
        raise NotImplementedError

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)
        shape = ops.shape(x)
        height, width = self._height_width(shape)
        transforms = self._transforms(shape[0], height, width)
        x = ops.image.affine_transform(x, transforms, interpolation=self.interpolation,
                                       fill_mode=self.fill_mode, fill_value=self.fill_value,
                                       data_format=self.data_format)
        return ops.squeeze(x, 0) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value})
        return config


def column(value, batch):
    """A ``(batch, 1)`` float32 column filled with ``value``."""
    return ops.full((batch, 1), value, dtype="float32")
