"""``cornu.serialization``: configs, the name registry, custom objects, safe mode."""
from cornu.serialization.registry import (  # noqa: F401
    CustomObjectScope,
    builtin_objects,
    clear_custom_objects,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_builtin,
    register_keras_serializable,
)
from cornu.serialization.safe_mode import SafeModeScope, enable_unsafe_deserialization, in_safe_mode  # noqa: F401
from cornu.serialization.serialize import deserialize_keras_object, serialize_keras_object  # noqa: F401
