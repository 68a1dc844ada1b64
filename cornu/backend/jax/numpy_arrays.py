"""Jax engine: NumPy ops over whole arrays beyond the core set (NaN-aware reductions,
percentiles, splitting and reshaping helpers), re-exported by ``cornu.backend.jax.numpy``."""

__all__ = []
