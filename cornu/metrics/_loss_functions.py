"""The per-sample loss functions the metric classes average.

They are ``cornu.losses``'s own functions, as in Keras where
``keras.metrics.mean_squared_error is keras.losses.mean_squared_error``.
"""
from cornu.losses import (  # noqa: F401
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
