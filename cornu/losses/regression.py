"""Regression losses: squared, absolute, percentage and logarithmic errors,
cosine similarity, Huber and log-cosh.

Each function takes ``(y_true, y_pred)`` and returns one loss per sample
(the mean over the last axis, except ``cosine_similarity`` which sums over
``axis``). Each class wraps its function with reductions and sample weights.
"""
import math

from cornu import backend
from cornu import ops
from cornu.losses._common import pred_and_true
from cornu.losses.loss import Loss, LossFunctionWrapper

_REDUCTION_DOC = """reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None`` (see ``Loss``)."""


def mean_squared_error(y_true, y_pred):
    """Mean squared error per sample: ``mean(square(y_true - y_pred), axis=-1)``.

    Example::

        >>> mean_squared_error([[0., 1.]], [[1., 1.]])   # -> [0.5]
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error per sample: ``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Mean absolute percentage error per sample.

    ``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    denom = ops.maximum(ops.abs(y_true), backend.epsilon())
    return 100.0 * ops.mean(ops.abs(ops.divide(ops.subtract(y_true, y_pred), denom)), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean squared logarithmic error per sample.

    ``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    eps = backend.epsilon()
    log_pred = ops.log(ops.maximum(y_pred, eps) + 1.0)
    log_true = ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


def _unit(x, axis):
    """``x / max(||x||, epsilon)`` along ``axis`` (zero vectors stay zero, with finite gradients)."""
    eps = backend.epsilon()
    return ops.l2_normalize(x, axis=axis, epsilon=eps * eps)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity per sample: ``-sum(unit(y_true) * unit(y_pred), axis)``.

    Values lie in ``[-1, 1]``; ``-1`` means the vectors point the same way, so
    minimising it maximises similarity. A zero vector gives ``0``.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    return -ops.sum(ops.multiply(_unit(y_true, axis), _unit(y_pred, axis)), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss per sample, the mean over the last axis of

    ``0.5 * e**2`` where ``|e| <= delta``, else ``delta * |e| - 0.5 * delta**2``,
    with ``e = y_pred - y_true``.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean over the last axis of ``log(cosh(y_pred - y_true))``.

    Computed as ``x + softplus(-2x) - log(2)``, which does not overflow for
    large errors. About ``x**2 / 2`` for small errors and ``|x| - log(2)``
    for large ones.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred, align=True)
    x = ops.subtract(y_pred, y_true)
    return ops.mean(x + ops.softplus(-2.0 * x) - math.log(2.0), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: ``mean(square(y_true - y_pred))``.

    Args:
        {reduction}
        name: name of the loss (``"mean_squared_error"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: ``mean(abs(y_true - y_pred))``.

    Args:
        {reduction}
        name: name of the loss (``"mean_absolute_error"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error: ``100 * mean(abs((y_true - y_pred) / y_true))``.

    Args:
        {reduction}
        name: name of the loss (``"mean_absolute_percentage_error"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error: ``mean(square(log(y_true + 1) - log(y_pred + 1)))``.

    Args:
        {reduction}
        name: name of the loss (``"mean_squared_logarithmic_error"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity between ``y_true`` and ``y_pred`` along ``axis``.

    Args:
        axis: the feature axis (``-1``).
        {reduction}
        name: name of the loss (``"cosine_similarity"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        if self.axis != -1:  # Keras omits `axis`; kept here so a round trip is lossless
            config["axis"] = self.axis
        return config


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond.

    Args:
        delta: where the loss turns from quadratic to linear (``1.0``).
        {reduction}
        name: name of the loss (``"huber_loss"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta

    def get_config(self):
        config = Loss.get_config(self)
        if self.delta != 1.0:  # Keras omits `delta`; kept here so a round trip is lossless
            config["delta"] = self.delta
        return config


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Args:
        {reduction}
        name: name of the loss (``"log_cosh"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


for _cls in (MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
             MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh):
    _cls.__doc__ = _cls.__doc__.replace("{reduction}", _REDUCTION_DOC)
del _cls
