"""``cornu.ops.linalg``: linear algebra ops (also exported at ``cornu.ops``)."""
from cornu import backend
from cornu.ops.operation import make_op  # noqa: F401

_b = backend.linalg

__all__ = []
