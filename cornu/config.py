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
from cornu.dtype_policies import dtype_policy, set_dtype_policy  # noqa: F401
from cornu.serialization import enable_unsafe_deserialization  # noqa: F401


def is_unsafe_deserialization_enabled():
    """True after ``enable_unsafe_deserialization()``."""
    from cornu.serialization import in_safe_mode  # noqa: PLC0415

    return not in_safe_mode()


__all__ = ["backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
           "set_image_data_format", "dtype_policy", "set_dtype_policy",
           "enable_unsafe_deserialization", "is_unsafe_deserialization_enabled"]
