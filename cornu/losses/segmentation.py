"""Overlap losses for segmentation: Dice and Tversky."""
from cornu import backend
from cornu import ops
from cornu.losses._common import pred_and_true
from cornu.losses.loss import Loss, LossFunctionWrapper


def dice(y_true, y_pred, axis=None):
    """Dice loss: ``1 - 2 * sum(y * p) / (sum(y) + sum(p) + epsilon)``.

    Args:
        y_true: targets (0/1 masks).
        y_pred: predicted probabilities.
        axis: axes summed over; ``None`` (default) sums everything and gives
            one scalar for the batch, a tuple such as ``(1, 2)`` gives one
            value per sample.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + backend.epsilon()
    return 1.0 - 2.0 * intersection / total


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: ``1 - TP / (TP + alpha * A + beta * B + epsilon)``.

    With ``TP = sum(y * p)``, ``A = sum(y * (1 - p))`` and
    ``B = sum((1 - y) * p)`` -- the same weighting as Keras 3, where
    ``alpha`` multiplies the mass of the targets that the prediction
    misses. ``alpha = beta = 0.5`` gives the Dice loss.

    Args:
        y_true: targets (0/1 masks).
        y_pred: predicted probabilities.
        alpha: weight of ``A`` (``0.5``).
        beta: weight of ``B`` (``0.5``).
        axis: axes summed over (``None``: everything).
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    tp = ops.sum(y_true * y_pred, axis=axis)
    missed = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    spurious = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    return 1.0 - tp / (tp + alpha * missed + beta * spurious + backend.epsilon())


class Dice(LossFunctionWrapper):
    """Dice loss ``1 - 2 |y ∩ p| / (|y| + |p|)``.

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"dice"``).
        axis: axes summed over (``None``: everything, one value for the batch).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config["axis"] = self.axis
        return config


class Tversky(LossFunctionWrapper):
    """Tversky loss, a Dice loss with separate weights for the two kinds of error.

    Args:
        alpha: weight of the target mass the prediction misses (``0.5``).
        beta: weight of the predicted mass outside the target (``0.5``).
        reduction: see ``Loss``.
        name: name of the loss (``"tversky"``).
        axis: axes summed over (``None``: everything).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return config
