"""Correlation metrics: Pearson and concordance correlation coefficients.

Both are computed per sample along ``axis`` and averaged over samples.
"""
from cornu import backend
from cornu import ops
from cornu.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from cornu.metrics.reduction_metrics import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    if not backend.is_float_dtype(backend.standardize_dtype(y_pred.dtype)):
        y_pred = ops.cast(y_pred, backend.floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson correlation along ``axis``: ``mean(z(y_true) * z(y_pred))``.

    ``z(x) = (x - mean(x)) / (std(x) + epsilon)`` (population std).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    t = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    t = t / (ops.std(t, axis=axis, keepdims=True) + eps)
    p = p / (ops.std(p, axis=axis, keepdims=True) + eps)
    return ops.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along ``axis``.

    ``2 * cov(t, p) / (var(t) + var(p) + (mean(t) - mean(p))^2 + epsilon)``
    with population (co)variances.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    t_mean = ops.mean(y_true, axis=axis, keepdims=True)
    p_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    t_var = ops.var(y_true - t_mean, axis=axis, keepdims=True)
    p_var = ops.var(y_pred - p_mean, axis=axis, keepdims=True)
    covar = (y_true - t_mean) * (y_pred - p_mean)
    norm = t_var + p_var + ops.square(t_mean - p_mean)
    return ops.mean(2.0 * covar / (norm + backend.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Mean Pearson correlation coefficient between labels and predictions.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: axis (or axes) along which the coefficient is computed (default -1).
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean concordance correlation coefficient between labels and predictions.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: axis (or axes) along which the coefficient is computed (default -1).
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
