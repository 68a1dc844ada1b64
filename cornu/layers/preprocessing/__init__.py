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
