"""``RandAugment``: apply ``num_ops`` augmentations picked at random from a fixed list in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, check_choice, parse_factor
from cornu.layers.preprocessing.auto_contrast import AutoContrast
from cornu.layers.preprocessing.equalization import Equalization
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_posterization import RandomPosterization
from cornu.layers.preprocessing.random_rotation import RandomRotation
from cornu.layers.preprocessing.random_sharpness import RandomSharpness
from cornu.layers.preprocessing.random_shear import RandomShear
from cornu.layers.preprocessing.random_translation import RandomTranslation
from cornu.layers.preprocessing.solarization import Solarization

# Attribute names, in the order the random index refers to them (and Keras's weight-file groups).
AUGMENT_LAYERS = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                  "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                  "solarization", "auto_contrast", "equalization")


class RandAugment(ImageLayer):
    """RandAugment (Cubuk et al., 2019): ``num_ops`` rounds, each applying one augmentation picked at random.

    The candidates are shear, translation, rotation, brightness, colour
    degeneration, contrast, sharpness, posterization, solarization,
    auto-contrast and equalization, each built with strength ``factor``. One
    index per round is drawn for the whole batch. The identity (cast to the
    compute dtype) in inference.

    Args:
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        num_ops: number of rounds (default 2).
        factor: strength range in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"`` for the geometric ops.
        seed: int for repeatable choices (also seeds the sub-layers).
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or \
                value_range[0] > value_range[1]:
            raise ValueError(f"Layer '{self.name}' (RandAugment) expects `value_range` as (low, high); "
                             f"received value_range={value_range!r}.")
        if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"Layer '{self.name}' (RandAugment) expects a non-negative int `num_ops`; "
                             f"received num_ops={num_ops!r}.")
        self.value_range = tuple(value_range)
        self.num_ops = num_ops
        self.factor = parse_factor(factor, self.name, "RandAugment", bounds=(0.0, 1.0))
        self.interpolation = check_choice(interpolation, ("nearest", "bilinear"), self.name, "RandAugment",
                                          "interpolation")
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        common = {"seed": seed, "data_format": data_format, "dtype": self.dtype_policy}
        colour = dict(common, value_range=self.value_range)
        f = self.factor
        self.random_shear = RandomShear(x_factor=f, y_factor=f, interpolation=interpolation, **common)
        self.random_translation = RandomTranslation(height_factor=f, width_factor=f, interpolation=interpolation,
                                                    **common)
        self.random_rotation = RandomRotation(factor=f, interpolation=interpolation, **common)
        self.random_brightness = RandomBrightness(factor=f, **colour)
        self.random_color_degeneration = RandomColorDegeneration(factor=f, **colour)
        self.random_contrast = RandomContrast(factor=f, **colour)
        self.random_sharpness = RandomSharpness(factor=f, **colour)
        self.solarization = Solarization(addition_factor=f, threshold_factor=f, **colour)
        self.random_posterization = RandomPosterization(factor=max(1, int(8 * f[1])), **colour)
        self.auto_contrast = AutoContrast(value_range=self.value_range, data_format=data_format,
                                          dtype=self.dtype_policy)
        self.equalization = Equalization(value_range=self.value_range, data_format=data_format,
                                         dtype=self.dtype_policy)
        self.built = True

    def apply_op(self, x, index):
        """Applies the candidate number ``index`` (an int tensor, same for the batch) to ``x``."""
        out = x
        for k, attr in enumerate(AUGMENT_LAYERS):
            augmented = ops.cast(getattr(self, attr)(x, training=True), x.dtype)
            out = ops.where(ops.equal(index, k), augmented, out)
        return out

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training or self.num_ops == 0:
            return x
        choices = random.randint((self.num_ops,), 0, len(AUGMENT_LAYERS), seed=self.seed_generator)
        for i in range(self.num_ops):
            x = self.apply_op(x, choices[i])
        return x

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_ops": self.num_ops, "factor": self.factor,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config
