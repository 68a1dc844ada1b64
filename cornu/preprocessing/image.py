"""``keras.preprocessing.image``: image files and arrays, and Keras 1/2's augmentation
(``ImageDataGenerator`` and its iterators, random transforms)."""
from cornu.preprocessing.affine_transformations import (  # noqa: F401
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    transform_matrix_offset_center,
)
from cornu.preprocessing.dataframe_iterator import DataFrameIterator  # noqa: F401
from cornu.preprocessing.image_data_generator import ImageDataGenerator  # noqa: F401
from cornu.preprocessing.image_iterators import (  # noqa: F401
    BatchFromFilesMixin,
    DirectoryIterator,
    Iterator,
    NumpyArrayIterator,
)
from cornu.preprocessing.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize  # noqa: F401

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize", "ImageDataGenerator",
           "Iterator", "NumpyArrayIterator", "DirectoryIterator", "DataFrameIterator", "BatchFromFilesMixin",
           "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift", "flip_axis",
           "random_brightness", "random_channel_shift", "random_rotation", "random_shear", "random_shift",
           "random_zoom", "transform_matrix_offset_center"]
