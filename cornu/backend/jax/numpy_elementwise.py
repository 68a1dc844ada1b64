"""Jax engine: element-wise NumPy ops beyond the core set (bitwise, special functions,
windows, constructors), re-exported by ``cornu.backend.jax.numpy``."""

__all__ = []
