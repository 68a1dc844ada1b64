"""Regularization layers: spatial/Gaussian/alpha dropout, Gaussian noise, activity penalties.

(``Dropout`` itself lives in ``cornu.layers.core``.)
"""
from cornu.layers.regularization.activity_regularization import ActivityRegularization
from cornu.layers.regularization.alpha_dropout import AlphaDropout
from cornu.layers.regularization.gaussian_dropout import GaussianDropout
from cornu.layers.regularization.gaussian_noise import GaussianNoise
from cornu.layers.regularization.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from cornu.serialization import register_builtin

__all__ = ["ActivityRegularization", "AlphaDropout", "GaussianDropout", "GaussianNoise",
           "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]

for _cls in (ActivityRegularization, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
             SpatialDropout2D, SpatialDropout3D):
    register_builtin("keras.layers", _cls)
