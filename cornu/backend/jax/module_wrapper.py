"""JAX engine: ``layers.TorchModuleWrapper`` is not available (it hosts a ``torch.nn.Module``)."""

SUPPORTED = False
UNSUPPORTED_MESSAGE = (
    "`TorchModuleWrapper` wraps a `torch.nn.Module` and is only available on the torch engine "
    "(set CORNU_BACKEND=torch, or KERAS_BACKEND=torch); the current engine is jax."
)

__all__ = ["SUPPORTED", "UNSUPPORTED_MESSAGE"]
