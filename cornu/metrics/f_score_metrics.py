"""F-scores: ``FBetaScore`` and ``F1Score`` for multi-class / multi-label data."""
from cornu import backend
from cornu import ops
from cornu.metrics.metric import Metric


class FBetaScore(Metric):
    """The F-beta score, the weighted harmonic mean of precision and recall.

    ``(1 + b^2) * precision * recall / (b^2 * precision + recall)`` per class,
    where precision and recall come from weighted TP/FP/FN counts.

    Inputs are 2D ``(batch, num_classes)``.  Unless ``average="micro"``, the
    per-class variables are created by ``build`` (called by the trainer, or on
    the first eager update).

    Args:
        average: ``None`` (one score per class), ``"micro"`` (counts pooled
            over classes), ``"macro"`` (unweighted mean of class scores) or
            ``"weighted"`` (mean weighted by each class's support).
        beta: a positive Python float; recall counts ``beta`` times as much as
            precision (default 1.0).
        threshold: predictions above it count as positive; ``None`` marks the
            (nonzero) row maximum as the positive class.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                f"{{None, 'micro', 'macro', 'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False
        if average == "micro":  # scalar state: no need to wait for the data shape
            self._create_variables(())
            self.built = True

    def _create_variables(self, shape):
        self.true_positives = self.add_variable(shape=shape, initializer="zeros",
                                                dtype=self.dtype, name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros",
                                                 dtype=self.dtype, name="false_positives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros",
                                                 dtype=self.dtype, name="false_negatives")
        self.intermediate_weights = self.add_variable(shape=shape, initializer="zeros",
                                                      dtype=self.dtype,
                                                      name="intermediate_weights")

    def _check_shapes(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim), "
                f"with output_dim fully defined. Received: y_pred.shape={tuple(y_pred_shape)} "
                f"and y_true.shape={tuple(y_true_shape)}."
            )

    def build(self, y_true_shape, y_pred_shape):
        """Create the per-class counts for ``num_classes = y_pred_shape[-1]``."""
        self._check_shapes(y_true_shape, y_pred_shape)
        if not self.built:
            self._create_variables((int(y_pred_shape[-1]),))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate weighted TP, FP, FN and label support."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        self._check_shapes(tuple(y_true.shape), tuple(y_pred.shape))
        self._maybe_build(y_true, y_pred)
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            # the row maximum is positive, unless it is (about) zero
            y_pred = ops.logical_and(ops.greater_equal(y_pred, row_max),
                                     ops.greater(ops.abs(y_pred), 1e-9))
        else:
            y_pred = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)

        def weighted_sum(val):
            if sample_weight is not None:
                val = val * ops.expand_dims(sample_weight, 1)
            return ops.sum(val, axis=self.axis)

        self.true_positives.assign(self.true_positives.value + weighted_sum(y_pred * y_true))
        self.false_positives.assign(
            self.false_positives.value + weighted_sum(y_pred * (1.0 - y_true))
        )
        self.false_negatives.assign(
            self.false_negatives.value + weighted_sum((1.0 - y_pred) * y_true)
        )
        self.intermediate_weights.assign(self.intermediate_weights.value + weighted_sum(y_true))

    def result(self):
        eps = backend.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        b2 = self.beta ** 2
        score = (precision * recall) / (b2 * precision + recall + eps) * (1.0 + b2)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            score = ops.sum(score * (support / (ops.sum(support) + eps)))
        elif self.average is not None:  # micro, macro
            score = ops.mean(score)
        return score

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score ``2 * precision * recall / (precision + recall)``.

    Args:
        average: ``None``, ``"micro"``, ``"macro"`` or ``"weighted"`` (see
            ``FBetaScore``).
        threshold: predictions above it count as positive; ``None`` marks the
            row maximum as the positive class.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
