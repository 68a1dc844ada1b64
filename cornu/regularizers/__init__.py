"""``cornu.regularizers`` (``keras.regularizers``): penalties added to the loss.

``get`` resolves ``None``, a name (``"l1"``, ``"l2"``, ``"l1l2"``,
``"l1_l2"``, ``"orthogonal_regularizer"``, or a class name), a config dict,
a class, an instance or any callable.
"""
import inspect

from cornu.regularizers.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer
from cornu.serialization import deserialize_keras_object, get_registered_object, register_builtin
from cornu.serialization import serialize_keras_object

_MODULE = "keras.regularizers"

# snake_case aliases (Keras 3 exports these names as the classes themselves).
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

ALL_OBJECTS = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "regularizer": Regularizer,
    "l1": L1,
    "l2": L2,
    "l1l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
})

for _name, _obj in ALL_OBJECTS_DICT.items():
    register_builtin(_MODULE, _obj, name=_name)
register_builtin(_MODULE, L1L2, name="l1_l2")
del _name, _obj


def serialize(regularizer):
    """The config dict of ``regularizer``."""
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer described by ``config`` (a config dict or a name).

    The name ``"l1_l2"`` gives ``L1L2(l1=0.01, l2=0.01)`` (the defaults that
    name has always stood for in Keras).
    """
    if config == "l1_l2":
        return L1L2(l1=0.01, l2=0.01)
    return deserialize_keras_object(
        config,
        module_objects=ALL_OBJECTS_DICT,
        custom_objects=custom_objects,
        printable_module_name="regularizer",
    )


def get(identifier):
    """Resolve a regularizer identifier to a regularizer (or ``None``).

    Raises:
        ValueError: ``"Could not interpret regularizer identifier: ..."``.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier == "l1_l2":
            return L1L2(l1=0.01, l2=0.01)
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            obj = get_registered_object(identifier)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")


__all__ = [
    "Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
    "orthogonal_regularizer", "get", "serialize", "deserialize",
]
