"""Confusion-matrix metrics: counts, precision, recall and the
"X at fixed Y" family (``SensitivityAtSpecificity``...).

A prediction is positive when ``y_pred > threshold`` and a label when
``y_true != 0``; see ``confusion_utils``.  ``AUC`` lives in ``auc_metrics.py``.
"""
from cornu import ops
from cornu.metrics import confusion_utils as cu
from cornu.metrics.metric import Metric
from cornu.metrics.metrics_utils import (
    NEG_INF,
    divide_no_nan,
    is_evenly_distributed_thresholds,
    parse_init_thresholds,
)


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix condition at each threshold."""

    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's weighted count (``sample_weight`` broadcastable to ``y_true``)."""
        cu.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives.

    Args:
        thresholds: a float or list of floats in ``[0, 1]`` (default 0.5); a
            prediction above a threshold is positive.  One value per threshold.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _condition = cu.FALSE_POSITIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives.

    Args:
        thresholds: a float or list of floats in ``[0, 1]`` (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _condition = cu.FALSE_NEGATIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives.

    Args:
        thresholds: a float or list of floats in ``[0, 1]`` (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _condition = cu.TRUE_NEGATIVES


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives.

    Args:
        thresholds: a float or list of floats in ``[0, 1]`` (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _condition = cu.TRUE_POSITIVES


class _PrecisionRecallBase(Metric):
    _second = None  # the condition paired with true positives

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros",
                                                name="true_positives")
        second_name = "false_positives" if self._second == cu.FALSE_POSITIVES else "false_negatives"
        setattr(self, second_name,
                self.add_variable(shape=(n,), initializer="zeros", name=second_name))
        self._second_variable = getattr(self, second_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate true positives and the paired error count.

        Args:
            y_true: labels with the shape of ``y_pred``; nonzero means positive.
            y_pred: predictions, normally in ``[0, 1]``.
            sample_weight: optional weights broadcastable to ``y_true``.
        """
        cu.update_confusion_matrix_variables(
            {cu.TRUE_POSITIVES: self.true_positives, self._second: self._second_variable},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + self._second_variable.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """``true_positives / (true_positives + false_positives)``.

    With ``top_k``, only the ``top_k`` highest predictions of each sample can
    be positive (with the default threshold, exactly those); with
    ``class_id``, only that column of the last axis is considered.

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; one result per
            threshold.  Defaults to 0.5 (or "any value" when ``top_k`` is set).
            Use 0 with logits.
        top_k: an int, the number of top predictions that may be positive.
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _second = cu.FALSE_POSITIVES


class Recall(_PrecisionRecallBase):
    """``true_positives / (true_positives + false_negatives)``.

    ``top_k`` and ``class_id`` act as in ``Precision``.

    Args:
        thresholds: a float or list of floats in ``[0, 1]``; one result per
            threshold.  Defaults to 0.5 (or "any value" when ``top_k`` is set).
        top_k: an int, the number of top predictions that may be positive.
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    _second = cu.FALSE_NEGATIVES


class SensitivitySpecificityBase(Metric):
    """Shared state of the "best X subject to Y >= value" metrics.

    Keeps TP/FP/TN/FN at ``num_thresholds`` thresholds evenly spaced over
    ``[0, 1]`` (a single threshold of 0.5 when ``num_thresholds == 1``).
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros",
                                                name="true_positives")
        self.false_positives = self.add_variable(shape=(n,), initializer="zeros",
                                                 name="false_positives")
        self.true_negatives = self.add_variable(shape=(n,), initializer="zeros",
                                                name="true_negatives")
        self.false_negatives = self.add_variable(shape=(n,), initializer="zeros",
                                                 name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate TP/FP/TN/FN at every threshold."""
        cu.update_confusion_matrix_variables(
            {
                cu.TRUE_POSITIVES: self.true_positives,
                cu.TRUE_NEGATIVES: self.true_negatives,
                cu.FALSE_POSITIVES: self.false_positives,
                cu.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "class_id": self.class_id}

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": divide_no_nan(tp, tp + fn),  # = recall
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        """Max of ``dependent`` where ``constrained >= value``; 0 if nowhere."""
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)))


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) over the thresholds where specificity >= ``specificity``.

    Args:
        specificity: a float in ``[0, 1]``.
        num_thresholds: number of thresholds to try (default 200).
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if specificity < 0 or specificity > 1:
            raise ValueError(
                "Argument `specificity` must be in the range [0, 1]. "
                f"Received: specificity={specificity}"
            )
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "specificity": self.specificity})
        return config


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity over the thresholds where sensitivity >= ``sensitivity``.

    Args:
        sensitivity: a float in ``[0, 1]``.
        num_thresholds: number of thresholds to try (default 200).
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if sensitivity < 0 or sensitivity > 1:
            raise ValueError(
                "Argument `sensitivity` must be in the range [0, 1]. "
                f"Received: sensitivity={sensitivity}"
            )
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity})
        return config


class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision over the thresholds where recall >= ``recall``.

    Args:
        recall: a float in ``[0, 1]``.
        num_thresholds: number of thresholds to try (default 200).
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        if recall < 0 or recall > 1:
            raise ValueError(
                f"Argument `recall` must be in the range [0, 1]. Received: recall={recall}"
            )
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "recall": self.recall})
        return config


class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall over the thresholds where precision >= ``precision`` (0 if none).

    Args:
        precision: a float in ``[0, 1]``.
        num_thresholds: number of thresholds to try (default 200).
        class_id: an int in ``[0, num_classes)``.
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        if precision < 0 or precision > 1:
            raise ValueError(
                "Argument `precision` must be in the range [0, 1]. "
                f"Received: precision={precision}"
            )
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "precision": self.precision})
        return config
