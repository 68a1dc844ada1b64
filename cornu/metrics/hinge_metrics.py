"""Hinge metrics: ``Hinge``, ``SquaredHinge`` and ``CategoricalHinge``."""
from cornu.metrics._loss_functions import categorical_hinge, hinge, squared_hinge
from cornu.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Mean hinge loss ``mean(maximum(1 - y_true * y_pred, 0))``.

    Labels should be -1 or 1; 0/1 labels are converted to -1/1.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss ``mean(square(maximum(1 - y_true * y_pred, 0)))``.

    Labels should be -1 or 1; 0/1 labels are converted to -1/1.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge ``maximum(neg - pos + 1, 0)``.

    ``pos = sum(y_true * y_pred)`` and ``neg = max((1 - y_true) * y_pred)``
    over the class axis.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
