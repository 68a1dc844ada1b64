"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge."""
from cornu import ops
from cornu.losses._common import pred_and_true
from cornu.losses.loss import Loss, LossFunctionWrapper


def _to_signed_labels(y_true):
    """Map labels to ``{-1, 1}`` when *all* of them are 0 or 1; leave other labels alone.

    Decided on the tensor's values with ``ops.where`` (no Python branch), so
    it also works under ``jax.jit``.
    """
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0.0), ops.equal(y_true, 1.0)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Hinge loss per sample: ``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``.

    ``y_true`` should be -1 or 1; 0/1 labels are converted to -1/1.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    y_true = _to_signed_labels(y_true)
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Squared hinge loss per sample: ``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``.

    ``y_true`` should be -1 or 1; 0/1 labels are converted to -1/1.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    y_true = _to_signed_labels(y_true)
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Categorical hinge per sample: ``maximum(neg - pos + 1, 0)``.

    ``pos = sum(y_true * y_pred, -1)`` is the score of the true class and
    ``neg = max((1 - y_true) * y_pred, -1)`` the best score of another class
    (``y_true`` one-hot).
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss ``maximum(1 - y_true * y_pred, 0)``; 0/1 labels are mapped to -1/1.

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"hinge"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss ``square(maximum(1 - y_true * y_pred, 0))``; 0/1 labels become -1/1.

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"squared_hinge"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge ``maximum(neg - pos + 1, 0)`` for one-hot labels.

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"categorical_hinge"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
