"""Preprocessing layers used inside models: rescaling, normalization, resizing, cropping and
random image augmentations."""
from cornu.layers.preprocessing.center_crop import CenterCrop
from cornu.layers.preprocessing.normalization import Normalization
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_flip import RandomFlip
from cornu.layers.preprocessing.random_rotation import RandomRotation
from cornu.layers.preprocessing.random_translation import RandomTranslation
from cornu.layers.preprocessing.random_zoom import RandomZoom
from cornu.layers.preprocessing.rescaling import Rescaling
from cornu.layers.preprocessing.resizing import Resizing
from cornu.serialization import register_builtin

__all__ = ["CenterCrop", "Normalization", "RandomContrast", "RandomFlip", "RandomRotation",
           "RandomTranslation", "RandomZoom", "Rescaling", "Resizing"]

for _cls in (CenterCrop, Normalization, RandomContrast, RandomFlip, RandomRotation, RandomTranslation,
             RandomZoom, Rescaling, Resizing):
    register_builtin("keras.layers", _cls)

# Categorical and text preprocessing (host-side lookups and hashing; ops-based encodings).
from cornu.layers.preprocessing.category_encoding import CategoryEncoding  # noqa: E402
from cornu.layers.preprocessing.discretization import Discretization  # noqa: E402
from cornu.layers.preprocessing.hashed_crossing import HashedCrossing  # noqa: E402
from cornu.layers.preprocessing.hashing import Hashing  # noqa: E402
from cornu.layers.preprocessing.integer_lookup import IntegerLookup  # noqa: E402
from cornu.layers.preprocessing.string_lookup import StringLookup  # noqa: E402
from cornu.layers.preprocessing.text_vectorization import TextVectorization  # noqa: E402

__all__ += ["CategoryEncoding", "Discretization", "HashedCrossing", "Hashing", "IntegerLookup", "StringLookup",
            "TextVectorization"]
for _cls in (CategoryEncoding, Discretization, HashedCrossing, Hashing, IntegerLookup, StringLookup,
             TextVectorization):
    register_builtin("keras.layers", _cls)

# Audio spectrograms.
from cornu.layers.preprocessing.mel_spectrogram import MelSpectrogram  # noqa: E402
from cornu.layers.preprocessing.stft_spectrogram import STFTSpectrogram  # noqa: E402

__all__ += ["MelSpectrogram", "STFTSpectrogram"]
for _cls in (MelSpectrogram, STFTSpectrogram):
    register_builtin("keras.layers", _cls)

# Geometric and mixing image augmentations.
from cornu.layers.preprocessing.aug_mix import AugMix  # noqa: E402
from cornu.layers.preprocessing.cut_mix import CutMix  # noqa: E402
from cornu.layers.preprocessing.mix_up import MixUp  # noqa: E402
from cornu.layers.preprocessing.rand_augment import RandAugment  # noqa: E402
from cornu.layers.preprocessing.random_crop import RandomCrop  # noqa: E402
from cornu.layers.preprocessing.random_elastic_transform import RandomElasticTransform  # noqa: E402
from cornu.layers.preprocessing.random_erasing import RandomErasing  # noqa: E402
from cornu.layers.preprocessing.random_perspective import RandomPerspective  # noqa: E402
from cornu.layers.preprocessing.random_shear import RandomShear  # noqa: E402

_GEOMETRIC = (AugMix, CutMix, MixUp, RandAugment, RandomCrop, RandomElasticTransform, RandomErasing,
              RandomPerspective, RandomShear)
__all__ += [_cls.__name__ for _cls in _GEOMETRIC]
for _cls in _GEOMETRIC:
    register_builtin("keras.layers", _cls)

# Colour and intensity image augmentations.
from cornu.layers.preprocessing.auto_contrast import AutoContrast  # noqa: E402
from cornu.layers.preprocessing.equalization import Equalization  # noqa: E402
from cornu.layers.preprocessing.random_brightness import RandomBrightness  # noqa: E402
from cornu.layers.preprocessing.random_color_degeneration import RandomColorDegeneration  # noqa: E402
from cornu.layers.preprocessing.random_color_jitter import RandomColorJitter  # noqa: E402
from cornu.layers.preprocessing.random_gaussian_blur import RandomGaussianBlur  # noqa: E402
from cornu.layers.preprocessing.random_grayscale import RandomGrayscale  # noqa: E402
from cornu.layers.preprocessing.random_hue import RandomHue  # noqa: E402
from cornu.layers.preprocessing.random_invert import RandomInvert  # noqa: E402
from cornu.layers.preprocessing.random_posterization import RandomPosterization  # noqa: E402
from cornu.layers.preprocessing.random_saturation import RandomSaturation  # noqa: E402
from cornu.layers.preprocessing.random_sharpness import RandomSharpness  # noqa: E402
from cornu.layers.preprocessing.solarization import Solarization  # noqa: E402

_COLOR = (AutoContrast, Equalization, RandomBrightness, RandomColorDegeneration, RandomColorJitter,
          RandomGaussianBlur, RandomGrayscale, RandomHue, RandomInvert, RandomPosterization, RandomSaturation,
          RandomSharpness, Solarization)
__all__ += [_cls.__name__ for _cls in _COLOR]
for _cls in _COLOR:
    register_builtin("keras.layers", _cls)
