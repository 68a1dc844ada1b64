"""``cornu.constraints`` (``keras.constraints``): projections applied to weights.

``get`` resolves ``None``, a name (``"max_norm"``, ``"non_neg"``,
``"unit_norm"``, ``"min_max_norm"``, a class name, or Keras 1/2's
``"maxnorm"``/``"nonneg"``/``"unitnorm"``), a config dict, a class, an
instance or any callable.
"""
import inspect

from cornu.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from cornu.serialization import deserialize_keras_object, get_registered_object, register_builtin
from cornu.serialization import serialize_keras_object

_MODULE = "keras.constraints"

# snake_case aliases (Keras 3 exports these names as the classes themselves).
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

ALL_OBJECTS = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "constraint": Constraint,
    "max_norm": MaxNorm,
    "min_max_norm": MinMaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    # Keras 1/2 names.
    "maxnorm": MaxNorm,
    "nonneg": NonNeg,
    "unitnorm": UnitNorm,
})

for _name, _obj in ALL_OBJECTS_DICT.items():
    register_builtin(_MODULE, _obj, name=_name)
del _name, _obj


def serialize(constraint):
    """The config dict of ``constraint``."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint described by ``config`` (a config dict or a name)."""
    return deserialize_keras_object(
        config,
        module_objects=ALL_OBJECTS_DICT,
        custom_objects=custom_objects,
        printable_module_name="constraint",
    )


def get(identifier):
    """Resolve a constraint identifier to a constraint (or ``None``).

    Raises:
        ValueError: ``"Could not interpret constraint identifier: ..."``.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            obj = get_registered_object(identifier)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")


__all__ = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm",
    "non_neg", "unit_norm", "get", "serialize", "deserialize",
]
