"""Reshaping layers: Reshape, Permute, RepeatVector, cropping, zero padding and upsampling.

(``Flatten`` lives in ``cornu.layers.core``.)
"""
from cornu.layers.reshaping.cropping1d import Cropping1D
from cornu.layers.reshaping.cropping2d import Cropping2D
from cornu.layers.reshaping.cropping3d import Cropping3D
from cornu.layers.reshaping.permute import Permute
from cornu.layers.reshaping.repeat_vector import RepeatVector
from cornu.layers.reshaping.reshape import Reshape
from cornu.layers.reshaping.up_sampling1d import UpSampling1D
from cornu.layers.reshaping.up_sampling2d import UpSampling2D
from cornu.layers.reshaping.up_sampling3d import UpSampling3D
from cornu.layers.reshaping.zero_padding1d import ZeroPadding1D
from cornu.layers.reshaping.zero_padding2d import ZeroPadding2D
from cornu.layers.reshaping.zero_padding3d import ZeroPadding3D
from cornu.serialization import register_builtin

_CLASSES = [Reshape, Permute, RepeatVector, Cropping1D, Cropping2D, Cropping3D, ZeroPadding1D,
            ZeroPadding2D, ZeroPadding3D, UpSampling1D, UpSampling2D, UpSampling3D]
for _cls in _CLASSES:
    register_builtin("keras.layers", _cls)

__all__ = [c.__name__ for c in _CLASSES]
