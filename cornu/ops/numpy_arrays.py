"""NumPy ops over whole arrays beyond the core set (NaN-aware reductions, percentiles,
splitting and reshaping helpers); part of ``cornu.ops.numpy``."""
from cornu import backend
from cornu.ops.operation import make_op  # noqa: F401

_b = backend.numpy

__all__ = []
