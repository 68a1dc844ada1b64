"""Regression metrics: mean errors, RMSE, cosine similarity, log-cosh and R2."""
from cornu import backend
from cornu import ops
from cornu.metrics._loss_functions import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from cornu.metrics.metric import Metric
from cornu.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from cornu.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """``sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`` (1 = same direction)."""
    y_pred = ops.convert_to_tensor(y_pred)
    if not backend.is_float_dtype(backend.standardize_dtype(y_pred.dtype)):
        y_pred = ops.cast(y_pred, backend.floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.normalize(y_pred, axis=axis, order=2)
    y_true = ops.normalize(y_true, axis=axis, order=2)
    return ops.sum(y_true * y_pred, axis=axis)


class _SimpleWrapper(MeanMetricWrapper):
    _fn_ = None

    def __init__(self, name, dtype=None):
        super().__init__(fn=type(self)._fn_, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_SimpleWrapper):
    """Mean of ``square(y_true - y_pred)``.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _fn_ = staticmethod(mean_squared_error)

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsoluteError(_SimpleWrapper):
    """Mean of ``abs(y_true - y_pred)``.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _fn_ = staticmethod(mean_absolute_error)

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanAbsolutePercentageError(_SimpleWrapper):
    """Mean of ``100 * abs((y_true - y_pred) / maximum(abs(y_true), epsilon))``.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _fn_ = staticmethod(mean_absolute_percentage_error)

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_SimpleWrapper):
    """Mean of ``square(log(y_true + 1) - log(y_pred + 1))`` (inputs floored at epsilon).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _fn_ = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(name=name, dtype=dtype)


class LogCoshError(_SimpleWrapper):
    """Mean of ``log(cosh(y_pred - y_true))``.

    Args:
        name: name of the metric instance (default ``"logcosh"``, as in Keras).
        dtype: dtype of the result.
    """

    _fn_ = staticmethod(log_cosh)

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt(mean(square(y_pred - y_true)))`` over everything seen.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the (weighted) squared errors."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along ``axis``.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        axis: the axis along which similarity is computed (default -1).
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(fn=cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class R2Score(Metric):
    """Coefficient of determination ``1 - SS_res / SS_tot`` per output column.

    Inputs are 2D ``(batch, output_dim)``; the per-column variables are created
    by ``build`` (called by the trainer, or on the first eager update).

    Args:
        class_aggregation: ``"uniform_average"`` (mean over columns, default),
            ``"variance_weighted_average"`` (weighted by each column's total
            sum of squares) or ``None`` (one score per column).
        num_regressors: number of independent regressors for the adjusted R2
            ``1 - (1 - R2) * (n - 1) / (n - p - 1)``; 0 gives the plain score.
            When ``p >= n - 1`` the plain score is returned.  As in Keras, ``n``
            counts label *elements*.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        """Create the per-column sums for ``output_dim = y_pred_shape[-1]``."""
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim), with "
                f"output_dim fully defined. Received: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        num_classes = int(y_pred_shape[-1])
        self.squared_sum = self.add_variable(shape=(num_classes,), initializer="zeros",
                                             name="squared_sum")
        self.sum = self.add_variable(shape=(num_classes,), initializer="zeros", name="sum")
        self.total_mse = self.add_variable(shape=(num_classes,), initializer="zeros",
                                           name="residual")
        self.count = self.add_variable(shape=(num_classes,), initializer="zeros", name="count")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate weighted sums of labels, squared labels and squared residuals."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        self._maybe_build(y_true, y_pred)
        if sample_weight is None:
            sample_weight = 1.0
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        if len(sample_weight.shape) == 1:
            sample_weight = ops.expand_dims(sample_weight, axis=1)  # one weight per row
        sample_weight = ops.broadcast_to(sample_weight, tuple(y_true.shape))
        weighted_y_true = y_true * sample_weight
        self.sum.assign(self.sum.value + ops.sum(weighted_y_true, axis=0))
        self.squared_sum.assign(self.squared_sum.value + ops.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign(
            self.total_mse.value + ops.sum(ops.square(y_true - y_pred) * sample_weight, axis=0)
        )
        self.count.assign(self.count.value + ops.sum(sample_weight, axis=0))
        size = 1
        for d in y_true.shape:
            size *= int(d)
        self.num_samples.assign(self.num_samples.value + float(size))

    def result(self):
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        raw_scores = 1.0 - (self.total_mse.value / total)
        raw_scores = ops.where(ops.isinf(raw_scores), ops.zeros_like(raw_scores), raw_scores)
        if self.class_aggregation == "uniform_average":
            r2_score = ops.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = ops.sum(total * raw_scores) / ops.sum(total)
        else:
            r2_score = raw_scores
        if self.num_regressors != 0:
            n = self.num_samples.value
            p = float(self.num_regressors)
            adjusted = 1.0 - (1.0 - r2_score) * (n - 1.0) / (n - p - 1.0)
            r2_score = ops.where(ops.less(p, n - 1.0), adjusted, r2_score)
        return r2_score

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
