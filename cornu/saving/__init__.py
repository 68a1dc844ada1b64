"""``cornu.saving``: model and weights files, Keras 3's ``.keras`` and Keras 1/2's ``.h5``.

Loading never runs code from a file unless ``safe_mode=False`` is passed:
classes resolve only through the registry, Python bytecode is refused, HDF5
links and external storage are refused, and sizes are checked before
anything is read.  See ``cornu.saving.errors`` for the limits.
"""
from cornu.models import model as _model_module
from cornu.saving.cloning import clone_model
from cornu.saving.errors import LoadError, UnsafeFileError
from cornu.saving.model_config import (
    model_from_config,
    model_from_json,
    model_from_yaml,
    model_to_json,
    model_to_yaml,
)
from cornu.saving.saving_api import load_model, load_weights, save_model, save_weights
from cornu.serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)

# ``Model.save`` / ``save_weights`` / ``load_weights`` (a lower room) call these.
_model_module.SAVING_HOOKS.update({
    "save_model": save_model,
    "save_weights": save_weights,
    "load_weights": load_weights,
    "to_yaml": model_to_yaml,
})

__all__ = [
    "save_model", "load_model", "save_weights", "load_weights", "model_from_config",
    "model_from_json", "model_from_yaml", "model_to_json", "model_to_yaml", "clone_model",
    "register_keras_serializable", "get_custom_objects", "get_registered_name",
    "get_registered_object", "CustomObjectScope", "custom_object_scope", "serialize_keras_object",
    "deserialize_keras_object", "LoadError", "UnsafeFileError",
]
