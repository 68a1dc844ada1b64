"""Gradient clipping used by ``Optimizer``: per-tensor norm, global norm."""
from cornu import ops


def clip_by_norm(values, clip_norm, axes=None):
    """Rescale ``values`` so that its L2 norm is at most ``clip_norm``.

    ``values * clip_norm / max(norm, clip_norm)``; an all-zero tensor is left
    unchanged and produces no NaN (the norm is only square-rooted where the
    sum of squares is positive).
    """
    l2sum = ops.sum(ops.square(values), axes, keepdims=True)
    positive = l2sum > 0
    l2sum_safe = ops.where(positive, l2sum, ops.ones_like(l2sum))
    l2norm = ops.where(positive, ops.sqrt(l2sum_safe), l2sum)
    return ops.multiply(values, clip_norm) / ops.maximum(l2norm, clip_norm)


def global_norm(value_list):
    """The L2 norm of all tensors in ``value_list`` together (``None`` entries skipped)."""
    squared = [ops.sum(ops.square(v)) for v in value_list if v is not None]
    return ops.sqrt(ops.sum(ops.stack(squared)))


def clip_by_global_norm(value_list, clip_norm):
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)``.

    A non-finite global norm makes every result NaN, as in Keras.
    """
    norm = global_norm(value_list)
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # NaN when the norm is inf/NaN
    return [v * ops.cast(scale, v.dtype) if v is not None else v for v in value_list]
