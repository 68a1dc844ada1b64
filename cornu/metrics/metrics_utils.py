"""Shared helpers of the metrics room: rank matching, safe division, masks,
weighted per-sample reduction and thresholds.

The confusion-matrix accumulation used by Precision/Recall/AUC lives in
``confusion_utils.py``.
"""
import numpy as np

from cornu import backend
from cornu import ops

NEG_INF = -1e10


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make two tensors of rank ``r`` and ``r +- 1`` the same rank.

    When the ranks differ by one and the longer tensor's last dimension is 1,
    either that dimension is squeezed, or (when the shorter tensor has rank 1
    and ``expand_rank_1``) the shorter one gets a trailing dimension of 1.
    Other combinations are returned unchanged.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def divide_no_nan(x, y):
    """``x / y`` with 0 wherever ``y == 0`` (``ops.divide_no_nan``)."""
    return ops.divide_no_nan(x, y)


def get_mask(x):
    """The Keras mask attached to ``x`` by a masking layer, or ``None``."""
    return getattr(x, "_keras_mask", None)


def apply_mask(sample_weight, mask, dtype):
    """Fold a mask into the sample weights (masked entries get weight 0)."""
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return mask
    sample_weight = ops.cast(sample_weight, dtype)
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return sample_weight * mask


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weight ``values`` and reduce them to one value per sample.

    ``sample_weight`` is matched in rank to ``values`` (see
    ``squeeze_or_expand_to_same_rank``); values with more dimensions than the
    weights are first reduced with ``reduce_fn`` over the extra trailing axes,
    the weights are broadcast to the values and multiplied in, and weights of
    rank > 1 are reduced to one weight per sample.

    Returns:
        ``(values, sample_weight)``: values of shape ``(batch,)`` (or a scalar)
        and the per-sample weights (``None`` when none were given).
    """
    values = ops.cast(ops.convert_to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = len(sample_weight.shape)
        values_ndim = len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, tuple(values.shape))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values_ndim)))
    return values, sample_weight


def to_list(x):
    """``x`` as a list (lists/tuples/arrays are converted, scalars wrapped)."""
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist() if x.ndim else [x.item()]
    return [x]


def assert_thresholds_range(thresholds):
    """Raise unless every threshold is a number in ``[0, 1]``."""
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """Validate user thresholds and return them as a list (default if ``None``)."""
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return [float(t) for t in to_list(default_threshold if thresholds is None else thresholds)]


def is_evenly_distributed_thresholds(thresholds):
    """True for ``n >= 3`` thresholds equal to ``[0, 1/(n-1), ..., 1]``."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(np.asarray(thresholds, dtype=np.float64), even, atol=backend.epsilon()))


def filter_top_k(x, k):
    """Keep the ``k`` largest values of the last axis of ``x``; the rest become ``NEG_INF``.

    Among equal values the lower indices are kept first (as ``tf.math.top_k``
    does), whatever order the engine's ``top_k`` returns ties in.
    """
    values, _ = ops.top_k(x, k)
    kth = values[..., k - 1 : k]  # the k-th largest value of each row
    greater = ops.greater(x, kth)
    equal = ops.equal(x, kth)
    # ties at the k-th value fill the remaining slots in index order
    free_slots = k - ops.sum(ops.cast(greater, "int32"), axis=-1, keepdims=True)
    tie_rank = ops.cumsum(ops.cast(equal, "int32"), axis=-1)
    keep = ops.logical_or(greater, ops.logical_and(equal, ops.less_equal(tie_rank, free_slots)))
    top_k_mask = ops.cast(keep, x.dtype)
    return x * top_k_mask + NEG_INF * (1.0 - top_k_mask)
