"""Turning a ``compile(metrics=[...])`` entry into a metric object for one output.

``"accuracy"``/``"acc"`` (and the Keras 1/2 ``"crossentropy"``/``"ce"``)
depend on the output: binary when ``y_pred`` has a last dimension of 1,
sparse when the labels have fewer dimensions than the predictions (or a last
dimension of 1 against several classes), categorical otherwise.  Every other
identifier goes through ``cornu.metrics.get``.  The trainer calls this once
per output when it first sees data.
"""
from cornu.metrics import _loss_functions as lf
from cornu.metrics._registry import get
from cornu.metrics.accuracy_metrics import (
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
)
from cornu.metrics.metric import Metric
from cornu.metrics.reduction_metrics import MeanMetricWrapper
from cornu.utils.naming import get_object_name

_ACCURACY = ("accuracy", "acc")
_CROSSENTROPY = ("crossentropy", "ce")


def classify_target(y_true_shape, y_pred_shape):
    """``(is_binary, is_sparse_categorical)`` for an output, from the shapes."""
    y_true_shape = tuple(y_true_shape)
    y_pred_shape = tuple(y_pred_shape)
    t_last = y_true_shape[-1] if y_true_shape else None
    p_last = y_pred_shape[-1] if y_pred_shape else None
    is_binary = p_last == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        t_last == 1 and p_last is not None and p_last > 1
    )
    return is_binary, is_sparse


def _loss_kind(loss):
    """``"binary"``/``"sparse"``/``"categorical"`` for a crossentropy loss, else None."""
    if loss is None:
        return None
    name = loss if isinstance(loss, str) else get_object_name(loss)
    name = str(name).lower()
    if "sparse_categorical_crossentropy" in name or name == "sparsecategoricalcrossentropy":
        return "sparse"
    if "binary_crossentropy" in name or name in ("bce", "binarycrossentropy"):
        return "binary"
    if "categorical_crossentropy" in name or name == "categoricalcrossentropy":
        return "categorical"
    return None


def resolve_metric(identifier, y_true_shape, y_pred_shape, loss=None):
    """The ``Metric`` object for one ``compile`` metric entry of one output.

    Args:
        identifier: a string, a function ``fn(y_true, y_pred)``, a ``Metric``
            class or instance, a config dict, or ``None``.
        y_true_shape: shape of this output's labels.
        y_pred_shape: shape of this output's predictions.
        loss: optional loss of this output; when it is a crossentropy,
            ``"acc"``/``"accuracy"`` and ``"ce"``/``"crossentropy"`` follow it
            (Keras 1/2 behaviour) before falling back to the shapes
            (Keras 3 behaviour).

    Returns:
        A ``Metric`` (functions are wrapped in ``MeanMetricWrapper``) whose
        ``name`` is the string identifier when one was given, or ``None``.
    """
    if identifier is None:
        return None
    key = identifier.lower() if isinstance(identifier, str) else None
    if key in _ACCURACY or key in _CROSSENTROPY:
        kind = _loss_kind(loss)
        if kind is None:
            is_binary, is_sparse = classify_target(y_true_shape, y_pred_shape)
            kind = "binary" if is_binary else ("sparse" if is_sparse else "categorical")
        if key in _ACCURACY:
            cls = {"binary": BinaryAccuracy, "sparse": SparseCategoricalAccuracy,
                   "categorical": CategoricalAccuracy}[kind]
            metric = cls(name=identifier)
        else:
            fn = {"binary": lf.binary_crossentropy, "sparse": lf.sparse_categorical_crossentropy,
                  "categorical": lf.categorical_crossentropy}[kind]
            metric = MeanMetricWrapper(fn, name=identifier)
    else:
        metric = get(identifier)
    name = identifier if isinstance(identifier, str) else get_object_name(metric)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric, name=name)
    metric.name = name
    return metric
