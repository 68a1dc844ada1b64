"""Core ops: conversion, casting, shapes, control flow, indexing."""
from cornu import backend
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.ops.operation import make_op

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


__all__ = [
    "cast", "get_item", "slice", "slice_update", "scatter", "scatter_update", "unstack",
    "stop_gradient", "cond", "while_loop", "fori_loop", "scan", "map", "vectorized_map",
    "custom_gradient", "is_tensor", "convert_to_tensor", "convert_to_numpy", "shape", "dtype",
]
