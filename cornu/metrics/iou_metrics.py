"""Intersection-over-Union metrics from an accumulated confusion matrix.

``iou = true_positives / (true_positives + false_positives + false_negatives)``
per class; the metrics average it over target classes, skipping classes that
never occurred (zero denominator).
"""
from cornu import backend
from cornu import ops
from cornu.metrics.confusion_utils import confusion_matrix
from cornu.metrics.metric import Metric


class _IoUBase(Metric):
    """Accumulates the ``(num_classes, num_classes)`` weighted confusion matrix."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "float32")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(shape=(num_classes, num_classes), initializer="zeros",
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's weighted confusion matrix.

        Args:
            y_true: integer labels (or one-hot when ``sparse_y_true=False``).
            y_pred: integer predictions (or scores when ``sparse_y_pred=False``).
            sample_weight: optional weights broadcastable to the labels.
        """
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.cast(ops.convert_to_tensor(y_true), self.dtype), (-1,))
        y_pred = ops.reshape(ops.cast(ops.convert_to_tensor(y_pred), self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1.0
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
        if len(sample_weight.shape) > 1:
            sample_weight = ops.reshape(sample_weight, (-1,))
        sample_weight = ops.broadcast_to(sample_weight, tuple(y_true.shape))
        if self.ignore_class is not None:
            valid = ops.cast(ops.not_equal(y_true, float(self.ignore_class)), self.dtype)
            y_true = y_true * valid
            y_pred = y_pred * valid
            sample_weight = sample_weight * valid
        current = confusion_matrix(y_true, y_pred, self.num_classes, weights=sample_weight,
                                   dtype="float32")
        self.total_cm.assign(self.total_cm.value + ops.cast(current, self.total_cm.dtype))


class IoU(_IoUBase):
    """Mean IoU over the classes ``target_class_ids``.

    Args:
        num_classes: the number of classes.
        target_class_ids: a list/tuple of the class ids whose IoU is averaged
            (one id gives that class's IoU).
        name: name of the metric instance.
        dtype: dtype of the result (default float32).
        ignore_class: a label id left out of the computation (e.g. a "void" class).
        sparse_y_true: labels are integers (else one-hot, argmax over ``axis``).
        sparse_y_pred: predictions are integers (else scores, argmax over ``axis``).
        axis: the class axis for argmax (default -1).
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        """Mean IoU of the target classes that occurred."""
        cm = ops.cast(self.total_cm.value, self.dtype)
        sum_over_row = ops.sum(cm, axis=0)
        sum_over_col = ops.sum(cm, axis=1)
        true_positives = ops.diag(cm)
        denominator = sum_over_row + sum_over_col - true_positives
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.take(true_positives, ids, axis=0)
        denominator = ops.take(denominator, ids, axis=0)
        num_valid = ops.sum(ops.cast(ops.greater(denominator, 1e-9), self.dtype))
        eps = backend.epsilon()
        iou = true_positives / (denominator + eps)
        return ops.sum(iou, axis=self.axis) / (num_valid + eps)

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU for binary tasks: predictions ``>= threshold`` are class 1, else class 0.

    Args:
        target_class_ids: ``[0]``, ``[1]`` or ``[0, 1]`` (default both).
        threshold: the decision threshold (default 0.5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Threshold the predictions, then accumulate the confusion matrix."""
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_pred = ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes (that occurred).

    Args:
        num_classes: the number of classes.
        name: name of the metric instance.
        dtype: dtype of the result.
        ignore_class: a label id left out of the computation.
        sparse_y_true: labels are integers (else one-hot).
        sparse_y_pred: predictions are integers (else scores).
        axis: the class axis for argmax (default -1).
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=list(range(num_classes)),
                         name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """``IoU`` for one-hot labels (and score predictions unless ``sparse_y_pred``).

    Args:
        num_classes: the number of classes.
        target_class_ids: the class ids whose IoU is averaged.
        name: name of the metric instance.
        dtype: dtype of the result.
        ignore_class: a label id left out of the computation.
        sparse_y_pred: predictions are integers (default False: scores).
        axis: the class axis (default -1).
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """``MeanIoU`` for one-hot labels (and score predictions unless ``sparse_y_pred``).

    Args:
        num_classes: the number of classes.
        name: name of the metric instance.
        dtype: dtype of the result.
        ignore_class: a label id left out of the computation.
        sparse_y_pred: predictions are integers (default False: scores).
        axis: the class axis (default -1).
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
