"""``AUC``: area under the ROC or precision-recall curve, by Riemann sum.

Predictions are bucketed at ``num_thresholds`` thresholds (by default evenly
spaced, with end points ``-epsilon`` and ``1 + epsilon`` so that predictions
of exactly 0 or 1 are handled); the curve through the per-threshold points is
then integrated:

* ROC: ``x`` = false-positive rate, ``y`` = recall (true-positive rate).
* PR: ``x`` = recall, ``y`` = precision.

``summation_method`` ``"interpolation"`` uses trapezoids for ROC and, for PR,
the Davis & Goadrich interpolation (true and false positives vary linearly
between thresholds, precision does not); ``"minoring"``/``"majoring"`` use the
lower/upper of the two end heights of each interval.
"""
import numpy as np

from cornu import backend
from cornu import ops
from cornu.metrics import confusion_utils as cu
from cornu.metrics.metric import Metric
from cornu.metrics.metrics_utils import divide_no_nan, is_evenly_distributed_thresholds

_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = {"interpolation": "interpolation", "majoring": "majoring", "minoring": "minoring"}


def _parse_option(value, options, arg_name):
    key = getattr(value, "value", value)  # accept enum-like objects
    key = str(key).lower()
    if key not in options:
        raise ValueError(
            f"Invalid AUC `{arg_name}` value: {value!r}. Expected one of "
            f"{sorted(set(options.values()))}."
        )
    return options[key]


class AUC(Metric):
    """Approximates the area under the ROC or PR curve.

    Args:
        num_thresholds: number of thresholds (> 1) used to discretize the
            curve (default 200).
        curve: ``"ROC"`` (default) or ``"PR"``.
        summation_method: ``"interpolation"`` (default), ``"minoring"`` or
            ``"majoring"``.
        name: name of the metric instance.
        dtype: dtype of the result.
        thresholds: explicit thresholds in ``[0, 1]`` (overrides
            ``num_thresholds``); ``-epsilon`` and ``1 + epsilon`` are added.
        multi_label: compute one AUC per label (last axis of 2D inputs) and
            average them, instead of flattening every label-prediction pair
            into one binary problem.
        num_labels: the number of labels when ``multi_label``; when omitted the
            state is created by ``build`` (by the trainer, or on the first
            eager update).
        label_weights: non-negative per-label weights: for ``multi_label`` they
            weight the average of the label AUCs, otherwise they weight the
            flattened predictions.
        from_logits: apply a sigmoid to ``y_pred`` first.

    Example::

        m = AUC(num_thresholds=3)
        m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
        m.result()  # 0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        self.curve = _parse_option(curve, _CURVES, "curve")
        self.summation_method = _parse_option(summation_method, _SUMMATIONS, "summation_method")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(thresholds) + 2
            self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"

        self.multi_label = multi_label
        self.num_labels = num_labels
        if label_weights is not None:
            self._label_weights_list = [float(w) for w in np.asarray(label_weights).reshape(-1)]
            self.label_weights = ops.convert_to_tensor(
                np.asarray(self._label_weights_list), dtype=self.dtype
            )
        else:
            self._label_weights_list = None
            self.label_weights = None
        self._from_logits = from_logits

        self.built = False
        if self.multi_label:
            if num_labels:
                self.build(None, (None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self.build(None, None)

    @property
    def thresholds(self):
        """The thresholds used, end points included."""
        return [float(t) for t in self._thresholds]

    def build(self, y_true_shape=None, y_pred_shape=None):
        """Create the TP/FP/TN/FN variables (per label when ``multi_label``)."""
        if self.multi_label:
            if y_pred_shape is None or len(y_pred_shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Received: "
                    f"y_pred.shape={None if y_pred_shape is None else tuple(y_pred_shape)}"
                )
            self._num_labels = int(y_pred_shape[1])
            shape = (self.num_thresholds, self._num_labels)
        else:
            shape = (self.num_thresholds,)
        self._build_input_shape = y_pred_shape
        self.true_positives = self.add_variable(shape=shape, initializer="zeros",
                                                name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros",
                                                 name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, initializer="zeros",
                                                name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros",
                                                 name="false_negatives")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate TP/FP/TN/FN at every threshold.

        Args:
            y_true: labels (nonzero = positive), shape of ``y_pred``.
            y_pred: probabilities (or logits with ``from_logits=True``).
            sample_weight: optional weights broadcastable to ``y_true``.
        """
        y_pred = ops.convert_to_tensor(y_pred)
        self._maybe_build(y_true, y_pred)
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        cu.update_confusion_matrix_variables(
            {
                cu.TRUE_POSITIVES: self.true_positives,
                cu.TRUE_NEGATIVES: self.true_negatives,
                cu.FALSE_POSITIVES: self.false_positives,
                cu.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average(self, terms):
        if not self.multi_label:
            return ops.sum(terms)
        by_label = ops.sum(terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return divide_no_nan(ops.sum(by_label * self.label_weights), ops.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with precision interpolated as in Davis & Goadrich (2006).

        Within each interval between thresholds, TP and P = TP + FP vary
        linearly, so precision = TP / P integrates in closed form:
        ``slope * (dTP + intercept * log(P_A / P_B)) / (TP_B + FN_B)`` with
        ``slope = dTP / dP`` and ``intercept = TP_B - slope * P_B``.
        """
        n = self.num_thresholds
        tp = self.true_positives.value
        fn = self.false_negatives.value
        p = tp + self.false_positives.value
        dtp = tp[: n - 1] - tp[1:]
        dp = p[: n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = ops.logical_and(ops.greater(p[: n - 1], 0.0), ops.greater(p[1:], 0.0))
        safe_p_ratio = ops.where(
            both_positive,
            divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0.0)),
            ops.ones_like(p[1:]),
        )
        increments = divide_no_nan(
            prec_slope * (dtp + intercept * ops.log(safe_p_ratio)),
            ops.maximum(tp[1:] + fn[1:], 0.0),
        )
        return self._average(increments)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x = divide_no_nan(fp, fp + tn)
            y = recall
        else:
            x = recall
            y = divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average((x[: n - 1] - x[1:]) * heights)

    def get_config(self):
        config = {
            "name": self.name,
            "dtype": self.dtype,
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self._label_weights_list,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            # drop the added end points so that from_config rebuilds the same thresholds
            config["thresholds"] = self.thresholds[1:-1]
        return config
