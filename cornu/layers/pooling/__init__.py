"""Pooling layers: max/average pooling in 1D, 2D and 3D, and their global versions."""
from cornu.layers.pooling.average_pooling1d import AveragePooling1D
from cornu.layers.pooling.average_pooling2d import AveragePooling2D
from cornu.layers.pooling.average_pooling3d import AveragePooling3D
from cornu.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from cornu.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from cornu.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from cornu.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from cornu.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from cornu.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from cornu.layers.pooling.max_pooling1d import MaxPooling1D
from cornu.layers.pooling.max_pooling2d import MaxPooling2D
from cornu.layers.pooling.max_pooling3d import MaxPooling3D
from cornu.serialization import register_builtin

# Keras's short names for the same classes.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)

_CLASSES = [MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
            GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D,
            GlobalAveragePooling2D, GlobalAveragePooling3D]
_ALIASES = {
    "MaxPool1D": MaxPool1D, "MaxPool2D": MaxPool2D, "MaxPool3D": MaxPool3D,
    "AvgPool1D": AvgPool1D, "AvgPool2D": AvgPool2D, "AvgPool3D": AvgPool3D,
    "GlobalMaxPool1D": GlobalMaxPool1D, "GlobalMaxPool2D": GlobalMaxPool2D,
    "GlobalMaxPool3D": GlobalMaxPool3D, "GlobalAvgPool1D": GlobalAvgPool1D,
    "GlobalAvgPool2D": GlobalAvgPool2D, "GlobalAvgPool3D": GlobalAvgPool3D,
}
for _cls in _CLASSES:
    register_builtin("keras.layers", _cls)
for _name, _cls in _ALIASES.items():
    register_builtin("keras.layers", _cls, _name)

__all__ = [c.__name__ for c in _CLASSES] + list(_ALIASES)

# Adaptive pooling to a fixed output size.
from cornu.layers.pooling.adaptive_pooling import (  # noqa: E402
    AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D, AdaptiveMaxPooling3D)

_ADAPTIVE = [AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D,
             AdaptiveMaxPooling2D, AdaptiveMaxPooling3D]
for _cls in _ADAPTIVE:
    register_builtin("keras.layers", _cls)
__all__ += [c.__name__ for c in _ADAPTIVE]
