"""``cornu.config``: global settings (engine, float type, image format, safe mode)."""
from cornu.backend.config import (  # noqa: F401
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from cornu.backend.runtime_flags import (  # noqa: F401
    disable_flash_attention,
    disable_interactive_logging,
    disable_traceback_filtering,
    enable_flash_attention,
    enable_interactive_logging,
    enable_traceback_filtering,
    is_flash_attention_enabled,
    is_interactive_logging_enabled,
    is_nnx_enabled,
    is_traceback_filtering_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from cornu.dtype_policies import dtype_policy, set_dtype_policy  # noqa: F401
from cornu.serialization import enable_unsafe_deserialization  # noqa: F401


def is_unsafe_deserialization_enabled():
    """True after ``enable_unsafe_deserialization()``."""
    from cornu.serialization import in_safe_mode  # noqa: PLC0415

    return not in_safe_mode()


def set_backend(backend):
    """Keras's run-time engine switch. cornu picks its engine once, at import.

    Naming the engine already in use does nothing; another engine raises a
    ``ValueError`` saying how to choose it (``CORNU_BACKEND`` before import).
    """
    from cornu.backend.config import backend as current  # noqa: PLC0415

    name = "torch" if str(backend).lower() == "pytorch" else str(backend).lower()
    if name != current():
        raise ValueError(
            f"cornu chooses its engine once, at import; it is running on {current()!r} and cannot "
            f"switch to {backend!r} now. Set CORNU_BACKEND={name} (or KERAS_BACKEND) before "
            "importing cornu."
        )


__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "dtype_policy", "set_dtype_policy",
           "enable_unsafe_deserialization", "is_unsafe_deserialization_enabled", "set_backend",
           "disable_flash_attention", "disable_interactive_logging", "disable_traceback_filtering",
           "enable_flash_attention", "enable_interactive_logging", "enable_traceback_filtering",
           "is_flash_attention_enabled", "is_interactive_logging_enabled", "is_nnx_enabled",
           "is_traceback_filtering_enabled", "max_epochs", "max_steps_per_epoch", "set_max_epochs",
           "set_max_steps_per_epoch"]
