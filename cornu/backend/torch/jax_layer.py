"""Torch engine: ``layers.JaxLayer`` is not available (it hosts a pure JAX function)."""

SUPPORTED = False
UNSUPPORTED_MESSAGE = (
    "`JaxLayer` wraps a JAX function and is only available on the jax engine "
    "(set CORNU_BACKEND=jax, or KERAS_BACKEND=jax); the current engine is torch. "
    "To use a PyTorch module on this engine, wrap it with `TorchModuleWrapper`."
)

__all__ = ["SUPPORTED", "UNSUPPORTED_MESSAGE"]
