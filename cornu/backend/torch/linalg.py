"""Torch engine: linear algebra ops (``cornu.ops.linalg``)."""

__all__ = []
