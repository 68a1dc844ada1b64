"""Convolution layers: ``Conv1D/2D/3D``, their transposes, depthwise and separable convolutions."""
from cornu.layers.convolutional.conv1d import Conv1D
from cornu.layers.convolutional.conv1d_transpose import Conv1DTranspose
from cornu.layers.convolutional.conv2d import Conv2D
from cornu.layers.convolutional.conv2d_transpose import Conv2DTranspose
from cornu.layers.convolutional.conv3d import Conv3D
from cornu.layers.convolutional.conv3d_transpose import Conv3DTranspose
from cornu.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from cornu.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from cornu.layers.convolutional.separable_conv1d import SeparableConv1D
from cornu.layers.convolutional.separable_conv2d import SeparableConv2D
from cornu.serialization import register_builtin

# Keras's other public names for the same classes.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D

_CLASSES = [Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose,
            DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D]
_ALIASES = {
    "Convolution1D": Conv1D, "Convolution2D": Conv2D, "Convolution3D": Conv3D,
    "Convolution1DTranspose": Conv1DTranspose, "Convolution2DTranspose": Conv2DTranspose,
    "Convolution3DTranspose": Conv3DTranspose, "SeparableConvolution1D": SeparableConv1D,
    "SeparableConvolution2D": SeparableConv2D,
}
for _cls in _CLASSES:
    register_builtin("keras.layers", _cls)
for _name, _cls in _ALIASES.items():
    register_builtin("keras.layers", _cls, _name)

__all__ = [c.__name__ for c in _CLASSES] + list(_ALIASES)
