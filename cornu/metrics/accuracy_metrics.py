"""Accuracy metrics and their per-sample functions.

Every function returns 1.0 where the prediction is right and 0.0 elsewhere,
one value per sample (per position for sequence outputs); the classes average
them with ``MeanMetricWrapper``.
"""
from cornu import backend
from cornu import ops
from cornu.metrics.metrics_utils import squeeze_or_expand_to_same_rank
from cornu.metrics.reduction_metrics import MeanMetricWrapper


def _matches(x, y):
    return ops.cast(ops.equal(x, y), backend.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_pred == y_true`` exactly (labels cast to ``y_pred``'s dtype)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``(y_pred > threshold)`` equals the 0/1 label."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), y_true.dtype)
    return _matches(y_true, y_pred)


def categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred)`` equals ``argmax(y_true)`` (one-hot labels)."""
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    y_pred = ops.convert_to_tensor(y_pred)
    original_shape = tuple(y_true.shape)
    reshape = False
    if len(y_true.shape) == len(y_pred.shape):
        y_true = ops.squeeze(y_true, -1)
        reshape = True
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _matches(y_true, y_pred)
    if reshape:
        matches = ops.reshape(matches, original_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where ``argmax(y_pred)`` equals the integer label.

    Labels of shape ``(n, 1)`` and ``(n,)`` are both accepted (likewise with
    extra sequence axes); the result has one value per label.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    original_shape = tuple(y_true.shape)
    reshape = False
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
        reshape = True
    y_true = ops.cast(y_true, y_pred.dtype)
    y_pred_idx = ops.cast(ops.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _matches(y_true, y_pred_idx)
    if reshape:
        matches = ops.reshape(matches, original_shape)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true, y_pred):
    original_shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    reshape = len(y_true.shape) > 1
    if reshape:
        y_true = ops.reshape(y_true, (-1,))
    return y_true, y_pred, original_shape, reshape


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions.

    Ties at the k-th score count as inside the top ``k``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    y_true, y_pred, original_shape, reshape = _flatten_for_top_k(y_true, y_pred)
    matches = ops.cast(ops.in_top_k(ops.cast(y_true, "int32"), y_pred, k), backend.floatx())
    if reshape:
        matches = ops.reshape(matches, original_shape)
    return matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions.

    Args:
        y_true: integer labels of shape ``(batch,)`` or ``(batch, 1)``.
        y_pred: scores ``(batch, num_classes)``, or with ``from_sorted_ids=True``
            the ids of the top ``N >= k`` classes, best first.
        k: how many top predictions count.
        from_sorted_ids: whether ``y_pred`` holds sorted class ids.

    Returns:
        A float tensor with the shape of ``y_true``.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype if from_sorted_ids else "int32")
    y_true, y_pred, original_shape, reshape = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        # the first k ids are the top k; `any` counts a repeated id once
        matches = ops.any(ops.equal(ops.expand_dims(y_true, 1), y_pred[:, :k]), axis=1)
    else:
        matches = ops.in_top_k(y_true, y_pred, k)
    matches = ops.cast(matches, backend.floatx())
    if reshape:
        matches = ops.reshape(matches, original_shape)
    return matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Example: ``update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])`` gives 0.75.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels.

    Example: ``update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])`` gives 0.75.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
        threshold: predictions above it count as 1 (use 0 for logits).
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches one-hot labels (logits work too).

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often ``argmax(y_pred)`` matches integer labels.

    Example: ``update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])`` gives 0.5.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top ``k`` predictions.

    Args:
        k: number of top predictions to look at (default 5).
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top ``k`` predictions.

    With ``from_sorted_ids=True``, ``y_pred`` holds the ids of the top ``N >= k``
    categories sorted from best to worst instead of scores.

    Args:
        k: number of top predictions to look at (default 5).
        name: name of the metric instance.
        dtype: dtype of the result.
        from_sorted_ids: whether ``y_pred`` holds sorted category ids.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
