"""Accumulating weighted confusion-matrix counts at a list of thresholds.

For every threshold ``t`` a prediction counts as positive when
``y_pred > t`` (strictly) and a label counts as positive when ``y_true != 0``:

* true positives:  label positive and prediction positive
* false negatives: label positive and prediction not positive
* false positives: label negative and prediction positive
* true negatives:  label negative and prediction not positive

Each count is the sum of the sample weights of the matching entries.  When
the thresholds are evenly spaced over ``[0, 1]`` (as in ``AUC``) a bucketed
``O(T + N)`` algorithm is used instead of comparing every prediction with
every threshold (``O(T * N)``); both are trace-friendly.
"""
import numpy as np

from cornu import ops
from cornu.metrics.metrics_utils import filter_top_k, squeeze_or_expand_to_same_rank

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
_CONDITIONS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add this batch's weighted TP/FP/TN/FN counts to the given variables.

    Args:
        variables_to_update: dict mapping ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"``
            to variables of shape ``(num_thresholds,)`` (or
            ``(num_thresholds, num_labels)`` when ``multi_label``).
        y_true: labels, same shape as ``y_pred``; nonzero means positive.
        y_pred: predictions, normally in ``[0, 1]``.
        thresholds: Python list of float thresholds (sorted when
            ``thresholds_distributed_evenly``).
        top_k: keep only the ``top_k`` largest predictions of the last axis
            (the others become very negative) before thresholding.
        class_id: restrict labels and predictions to this index of the last axis.
        sample_weight: weights broadcastable to ``y_true`` (after rank matching).
        multi_label: keep the last axis separate (one count per label) instead
            of flattening everything into a single binary problem.
        label_weights: per-label weights for the flattened (non multi-label) case.
        thresholds_distributed_evenly: use the bucketed algorithm; the thresholds
            must then be ``[0, 1/(T-1), ..., 1]``, optionally with the first
            and last moved just outside ``[0, 1]``.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    if not variables_to_update:
        return
    invalid = [key for key in variables_to_update if key not in _CONDITIONS]
    if invalid:
        raise ValueError(
            f"Invalid confusion matrix keys: {invalid}. Valid keys are {list(_CONDITIONS)}."
        )
    dtype = next(iter(variables_to_update.values())).dtype
    thresholds = [float(t) for t in np.asarray(thresholds, dtype=np.float64).reshape(-1)]

    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)

    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(
                "When `class_id` is provided, `y_pred` must be a 2D array of shape "
                f"(num_samples, num_classes). Received: y_pred.shape={tuple(y_pred.shape)}"
            )
        # Keep a trailing axis of 1 so that sample weights still broadcast.
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, tuple(y_pred.shape))
    if label_weights is not None:
        lw = ops.expand_dims(ops.cast(ops.convert_to_tensor(label_weights), dtype), 0)
        lw = ops.broadcast_to(lw, tuple(y_pred.shape))
        weights = lw if weights is None else weights * lw

    if thresholds_distributed_evenly:
        counts = _bucketed_counts(y_true, y_pred, weights, thresholds, multi_label, variables_to_update)
    else:
        counts = _compared_counts(y_true, y_pred, weights, thresholds, multi_label, variables_to_update)
    for key, variable in variables_to_update.items():
        variable.assign(variable.value + ops.cast(counts[key], variable.dtype))


def _compared_counts(y_true, y_pred, weights, thresholds, multi_label, wanted):
    """Counts by comparing every prediction with every threshold."""
    dtype = y_pred.dtype
    num_thresholds = len(thresholds)
    thresholds = ops.convert_to_tensor(np.asarray(thresholds), dtype=dtype)
    if multi_label:
        # (T, N, L...) against thresholds of shape (T, 1, 1...)
        preds = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(ops.not_equal(y_true, 0), 0)
        thresholds = ops.reshape(thresholds, (num_thresholds,) + (1,) * len(y_pred.shape))
        if weights is not None:
            weights = ops.expand_dims(weights, 0)
    else:
        # everything flattened: (1, N) against thresholds of shape (T, 1)
        preds = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(ops.not_equal(y_true, 0), (1, -1))
        thresholds = ops.reshape(thresholds, (num_thresholds, 1))
        if weights is not None:
            weights = ops.reshape(weights, (1, -1))
    pred_pos = ops.greater(preds, thresholds)
    pred_neg = ops.logical_not(pred_pos)
    label_neg = ops.logical_not(labels)
    pairs = {
        TRUE_POSITIVES: (labels, pred_pos),
        FALSE_NEGATIVES: (labels, pred_neg),
        FALSE_POSITIVES: (label_neg, pred_pos),
        TRUE_NEGATIVES: (label_neg, pred_neg),
    }
    counts = {}
    for key in wanted:
        label, pred = pairs[key]
        hits = ops.cast(ops.logical_and(label, pred), dtype)
        if weights is not None:
            hits = hits * weights
        counts[key] = ops.sum(hits, axis=1)
    return counts


def _reverse_cumsum(x):
    return ops.flip(ops.cumsum(ops.flip(x, axis=0), axis=0), axis=0)


def _bucketed_counts(y_true, y_pred, weights, thresholds, multi_label, wanted):
    """Counts for evenly spaced thresholds in ``O(T + N)``.

    A prediction ``p`` is above thresholds ``t_0 .. t_b`` where
    ``b = ceil(p * (T - 1)) - 1`` (``b = -1``: above none).  Summing the
    weights per bucket and taking a reversed cumulative sum over buckets gives
    the positive counts at every threshold.
    """
    dtype = y_pred.dtype
    num_thresholds = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.not_equal(y_true, 0), dtype)
    if weights is None:
        weights = ops.ones_like(y_pred)
    if not multi_label:
        y_true = ops.reshape(y_true, (-1,))
        y_pred = ops.reshape(y_pred, (-1,))
        weights = ops.reshape(weights, (-1,))
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights

    buckets = ops.ceil(y_pred * float(num_thresholds - 1)) - 1.0
    if with_epsilon:
        # every prediction in [0, 1] is above the first threshold (0 - epsilon)
        buckets = ops.relu(buckets)
    # segment s = bucket + 1 lies in [0, T - 1]; segment 0 holds predictions above no threshold
    segments = ops.cast(buckets, "int32") + 1
    if multi_label:
        num_labels = int(y_pred.shape[-1])
        label_index = ops.arange(num_labels, dtype="int32")
        segments = ops.reshape(segments * num_labels + label_index, (-1,))
        num_segments = num_thresholds * num_labels
        seg_shape = (num_thresholds, num_labels)
        flat = lambda x: ops.reshape(x, (-1,))  # noqa: E731
    else:
        num_segments = num_thresholds
        seg_shape = (num_thresholds,)
        flat = lambda x: x  # noqa: E731

    def positives(labels):
        per_segment = ops.reshape(
            ops.segment_sum(flat(labels), segments, num_segments=num_segments), seg_shape
        )
        above = _reverse_cumsum(per_segment)
        # count at threshold i = everything in segments > i; nothing is above the last one
        return ops.concatenate([above[1:], ops.zeros_like(above[:1])], axis=0)

    counts = {}
    need_tp = TRUE_POSITIVES in wanted or FALSE_NEGATIVES in wanted
    need_fp = FALSE_POSITIVES in wanted or TRUE_NEGATIVES in wanted
    tp = positives(true_labels) if need_tp else None
    fp = positives(false_labels) if need_fp else None
    axis = 0 if multi_label else None
    if TRUE_POSITIVES in wanted:
        counts[TRUE_POSITIVES] = tp
    if FALSE_POSITIVES in wanted:
        counts[FALSE_POSITIVES] = fp
    if FALSE_NEGATIVES in wanted:
        counts[FALSE_NEGATIVES] = ops.sum(true_labels, axis=axis) - tp
    if TRUE_NEGATIVES in wanted:
        counts[TRUE_NEGATIVES] = ops.sum(false_labels, axis=axis) - fp
    return counts


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="float32"):
    """The ``(num_classes, num_classes)`` matrix of summed weights.

    Rows are true labels, columns predicted labels; ``labels`` and
    ``predictions`` are 1-D integer-valued tensors of the same length.
    """
    labels = ops.cast(ops.convert_to_tensor(labels), "int32")
    predictions = ops.cast(ops.convert_to_tensor(predictions), "int32")
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    if weights is None:
        weights = ops.ones(tuple(predictions.shape), dtype=dtype)
    else:
        weights = ops.cast(ops.convert_to_tensor(weights), dtype)
    num_classes = int(num_classes)
    segments = labels * num_classes + predictions
    matrix = ops.segment_sum(weights, segments, num_segments=num_classes * num_classes)
    return ops.reshape(matrix, (num_classes, num_classes))
