"""Torch engine: element-wise NumPy ops beyond the core set (bitwise, special functions,
windows, constructors), re-exported by ``cornu.backend.torch.numpy``."""

__all__ = []
