"""Core ops: conversion, casting, shapes, control flow, indexing."""
import numpy as np

from cornu import backend
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.ops import numpy as _numpy
from cornu.ops.operation import make_op
from cornu.utils import tree

cast = make_op(backend.cast, "cast", "Cast a tensor to ``dtype``.")
get_item = make_op(backend.get_item, "get_item", "``x[key]`` on a tensor.")
slice = make_op(backend.slice, "slice", "Slice ``shape`` elements starting at ``start_indices``.")
slice_update = make_op(backend.slice_update, "slice_update",
                       "Return ``inputs`` with ``updates`` written at ``start_indices``.")
scatter = make_op(backend.scatter, "scatter", "A zeros tensor of ``shape`` with ``values`` added at ``indices``.")
scatter_update = make_op(backend.scatter_update, "scatter_update",
                         "Return ``inputs`` with ``updates`` set at ``indices``.")
unstack = make_op(backend.unstack, "unstack", "Split a tensor into a list along ``axis``.")
stop_gradient = make_op(backend.stop_gradient, "stop_gradient", "The value of ``x`` with no gradient flowing back.")

cond = backend.cond
while_loop = backend.while_loop
fori_loop = backend.fori_loop
scan = backend.scan
map = backend.map
vectorized_map = backend.vectorized_map
custom_gradient = backend.custom_gradient
is_tensor = backend.is_tensor


def convert_to_tensor(x, dtype=None, sparse=None):
    """Convert ``x`` to an engine tensor (symbolic tensors are returned as they are)."""
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    return backend.convert_to_tensor(x, dtype=dtype, sparse=sparse)


def convert_to_numpy(x):
    """Convert a tensor or variable to a NumPy array."""
    if isinstance(x, KerasTensor):
        raise ValueError(f"A symbolic KerasTensor has no value to convert to NumPy: {x!r}")
    return backend.convert_to_numpy(x)


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown symbolic dimensions)."""
    if isinstance(x, KerasTensor) or hasattr(x, "shape"):
        return tuple(x.shape)
    return backend.shape(backend.convert_to_tensor(x))


def dtype(x):
    """The dtype name of ``x``."""
    return backend.standardize_dtype(x.dtype)


def is_symbolic(*args, **kwargs):
    """True when any argument is a symbolic KerasTensor."""
    return any_symbolic_tensors(args, kwargs)


switch = make_op(backend.switch, "switch", (
    "Apply ``branches[index](*operands)``, ``index`` clamped to ``[0, len(branches) - 1]``; on JAX "
    "``index`` may be traced (``lax.switch``), on torch it is read eagerly."))


# -- associative_scan: Blelloch's log-depth parallel prefix, written once over cornu ops ----------
def _take(leaves, start, stop, axis, step=1):
    index = np.arange(start, stop, step)
    return [_numpy.take(x, index, axis=axis) for x in leaves]


def _parallel_prefix(combine, leaves, axis):
    n = int(leaves[0].shape[axis])
    if n < 2:
        return leaves
    # Combine neighbours (0, 1), (2, 3), ...; the scan of those gives every odd-position result.
    odd = _parallel_prefix(combine, combine(_take(leaves, 0, n - 1, axis, 2), _take(leaves, 1, n, axis, 2)), axis)
    # Each even position k > 0 is the odd result before it combined with element k.
    first = _take(leaves, 0, 1, axis)
    if n > 2:
        rest = combine(_take(odd, 0, (n - 1) // 2, axis), _take(leaves, 2, n, axis, 2))
        even = [_numpy.concatenate([a, b], axis=axis) for a, b in zip(first, rest)]
    else:
        even = first
    # Interleave: result[2k] = even[k], result[2k + 1] = odd[k].
    order = np.argsort(np.concatenate([np.arange(0, n, 2), np.arange(1, n, 2)]), kind="stable")
    return [_numpy.take(_numpy.concatenate([e, o], axis=axis), order, axis=axis) for e, o in zip(even, odd)]


def _associative_scan(f, elems, reverse=False, axis=0):
    leaves = [convert_to_tensor(x) for x in tree.flatten(elems)]
    if not leaves:
        raise ValueError(f"`associative_scan`: argument `elems` must hold at least one tensor. Received: {elems!r}")
    lengths = [tuple(x.shape)[axis] if -len(x.shape) <= axis < len(x.shape) else None for x in leaves]
    if None in lengths or len(set(lengths)) != 1:
        raise ValueError(
            f"`associative_scan`: every array in `elems` must have the same size along axis={axis}. "
            f"Received shapes: {[tuple(x.shape) for x in leaves]}")
    axis = axis % len(leaves[0].shape)

    def combine(a, b):
        out = f(tree.pack_sequence_as(elems, a), tree.pack_sequence_as(elems, b))
        return [convert_to_tensor(x) for x in tree.flatten(out)]

    if reverse:
        leaves = [_numpy.flip(x, axis=axis) for x in leaves]
    out = _parallel_prefix(combine, leaves, axis)
    if reverse:
        out = [_numpy.flip(x, axis=axis) for x in out]
    return tree.pack_sequence_as(elems, out)


associative_scan = make_op(_associative_scan, "associative_scan", (
    "Inclusive scan of ``elems`` (a tensor or a nest of tensors) along ``axis`` with an associative "
    "binary ``f``: ``[a, f(a, b), f(f(a, b), c), ...]`` (from the end with ``reverse=True``), computed "
    "in ``O(log n)`` rounds of ``f`` on whole slices, so ``f`` must work elementwise on batches."))


# -- saturate_cast ---------------------------------------------------------------------------------
_MANTISSA_BITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}
_FLOAT_MAX = {"float16": 65504.0, "bfloat16": 3.3895313892515355e38, "float32": float(np.finfo(np.float32).max),
              "float64": float(np.finfo(np.float64).max)}


def _dtype_range(dtype):
    if dtype == "bool":
        return 0, 1
    if dtype in _FLOAT_MAX:
        return -_FLOAT_MAX[dtype], _FLOAT_MAX[dtype]
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def _round_to_zero(value, dtype):
    """The value of ``dtype`` nearest ``value`` on the side of zero (so it never exceeds ``value``)."""
    if dtype not in _MANTISSA_BITS:
        return int(value)  # the caps are whole numbers: integer dtypes hold them exactly
    if value == 0:
        return 0.0
    magnitude = abs(value)
    ulp = 2.0 ** (int(np.floor(np.log2(magnitude))) - _MANTISSA_BITS[dtype] + 1)
    magnitude = np.floor(magnitude / ulp) * ulp
    return float(magnitude) if value > 0 else -float(magnitude)


def saturate_cast(x, dtype):
    """Cast ``x`` to ``dtype``, first clipping it to the range ``dtype`` can hold (``inf`` becomes the
    largest finite value), so out-of-range values saturate instead of wrapping around."""
    dtype = backend.standardize_dtype(dtype)
    x = convert_to_tensor(x)
    in_dtype = backend.standardize_dtype(x.dtype)
    (in_lo, in_hi), (out_lo, out_hi) = _dtype_range(in_dtype), _dtype_range(dtype)
    cap_lo, cap_hi = max(in_lo, out_lo), min(in_hi, out_hi)
    # Clip limits the input dtype can hold exactly (for float inputs, rounded toward zero).
    lo, hi = _round_to_zero(cap_lo, in_dtype), _round_to_zero(cap_hi, in_dtype)
    if in_dtype not in _MANTISSA_BITS:
        return cast(_numpy.clip(x, lo, hi) if lo > in_lo or hi < in_hi else x, dtype)
    out = cast(_numpy.clip(x, lo, hi), dtype)
    if hi != cap_hi:  # e.g. float32 holds 2**31 - 128 below int32's max: values beyond it saturate fully
        out = _numpy.where(_numpy.greater(x, hi), cap_hi, out)
    if lo != cap_lo:
        out = _numpy.where(_numpy.less(x, lo), cap_lo, out)
    return out


__all__ = [
    "switch", "associative_scan", "saturate_cast",
    "cast", "get_item", "slice", "slice_update", "scatter", "scatter_update", "unstack",
    "stop_gradient", "cond", "while_loop", "fori_loop", "scan", "map", "vectorized_map",
    "custom_gradient", "is_tensor", "convert_to_tensor", "convert_to_numpy", "shape", "dtype",
]
