"""Element-wise NumPy ops beyond the core set (bitwise, special functions, windows,
constructors); part of ``cornu.ops.numpy``."""
from cornu import backend
from cornu.ops.operation import make_op  # noqa: F401

_b = backend.numpy

__all__ = []
