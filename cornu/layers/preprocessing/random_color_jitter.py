"""``RandomColorJitter``: brightness, contrast, saturation and hue jitter in one layer."""
from cornu.layers.preprocessing._color_base import ColorLayer, check_value_range
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_hue import RandomHue
from cornu.layers.preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(ColorLayer):
    """Applies, in order, random brightness, contrast, saturation and hue changes.

    Each ``*_factor`` left as ``None`` skips that step; the others take the
    same form as the ``factor`` of ``RandomBrightness``, ``RandomContrast``,
    ``RandomSaturation`` and ``RandomHue``, which do the work with this
    layer's ``value_range`` and ``seed``.  The identity in inference.

    Args:
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        brightness_factor, contrast_factor, saturation_factor, hue_factor:
            the factor of each step, or ``None`` (default) to skip it.
        seed: int for repeatable draws.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range(value_range, self, sort=False)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        common = {"value_range": self.value_range, "data_format": self.data_format, "dtype": self.dtype_policy}
        self.random_brightness = self.random_contrast = self.random_saturation = self.random_hue = None
        if brightness_factor is not None:
            self.random_brightness = RandomBrightness(brightness_factor, seed=_offset(seed, 0), **common)
        if contrast_factor is not None:
            self.random_contrast = RandomContrast(contrast_factor, seed=_offset(seed, 1), **common)
        if saturation_factor is not None:
            self.random_saturation = RandomSaturation(saturation_factor, seed=_offset(seed, 2), **common)
        if hue_factor is not None:
            self.random_hue = RandomHue(hue_factor, seed=_offset(seed, 3), **common)

    def _augment(self, images, batch):
        for step in (self.random_brightness, self.random_contrast, self.random_saturation, self.random_hue):
            if step is not None:
                images = step(images, training=True)
        return images

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "brightness_factor": self.brightness_factor,
                       "contrast_factor": self.contrast_factor, "saturation_factor": self.saturation_factor,
                       "hue_factor": self.hue_factor, "seed": self.seed})
        return config


def _offset(seed, step):
    """A distinct seed per step, so the steps draw independent numbers."""
    return None if seed is None else seed + step
