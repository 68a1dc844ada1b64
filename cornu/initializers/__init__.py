"""``cornu.initializers`` (``keras.initializers``): how new weights are filled.

Every initializer is a callable ``(shape, dtype=None) -> tensor``.  ``get``
resolves what users write (a class name, a snake_case alias such as
``"glorot_uniform"``, a Keras 1/2 name such as ``"uniform"``, a config dict,
a class, an instance or a function).
"""
import inspect

from cornu.initializers.constant_initializers import (
    STFT,
    Constant,
    Identity,
    IdentityInitializer,
    Ones,
    STFTInitializer,
    Zeros,
)
from cornu.initializers.initializer import Initializer
from cornu.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    OrthogonalInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
from cornu.serialization import deserialize_keras_object, register_builtin, serialize_keras_object

_MODULE = "keras.initializers"

# snake_case aliases (Keras 3 exports these names as the classes themselves).
constant = Constant
zeros = Zeros
ones = Ones
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
stft = STFT

ALL_OBJECTS = (
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, LecunNormal, LecunUniform, RandomNormal, TruncatedNormal, RandomUniform,
    VarianceScaling, Orthogonal, STFT,
)

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "initializer": Initializer,
    "constant": Constant,
    "identity": Identity,
    "ones": Ones,
    "zeros": Zeros,
    "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
    "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal,
    "random_uniform": RandomUniform,
    "variance_scaling": VarianceScaling,
    "orthogonal": Orthogonal,
    "stft": STFT,
    "STFTInitializer": STFTInitializer,
    # Class names written by earlier Keras 3 releases.
    "OrthogonalInitializer": Orthogonal,
    "orthogonal_initializer": Orthogonal,
    "IdentityInitializer": Identity,
    "identity_initializer": Identity,
    # Keras 1/2 names, still mapped by Keras 3.
    "uniform": RandomUniform,
    "normal": RandomNormal,
    "one": Ones,
    "zero": Zeros,
})

for _name, _obj in ALL_OBJECTS_DICT.items():
    register_builtin(_MODULE, _obj, name=_name)
del _name, _obj


def serialize(initializer):
    """The config dict of ``initializer`` (``{"module", "class_name", "config", ...}``)."""
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The initializer described by ``config`` (a config dict or a name)."""
    return deserialize_keras_object(
        config,
        module_objects=ALL_OBJECTS_DICT,
        custom_objects=custom_objects,
        printable_module_name="initializer",
    )


def get(identifier):
    """Resolve an initializer identifier to an initializer (or ``None``).

    Args:
        identifier: ``None``, a name (``"GlorotUniform"``, ``"glorot_uniform"``,
            ``"uniform"`` ...; a name builds an instance with default
            arguments), a config dict, an ``Initializer`` class (instantiated)
            or instance, or any callable ``(shape, dtype=None)``.

    Raises:
        ValueError: ``"Could not interpret initializer identifier: ..."``.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        try:
            obj = deserialize({"class_name": identifier, "config": {}})
        except ValueError:
            obj = None
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


__all__ = [
    "Initializer", "Constant", "Identity", "IdentityInitializer", "Ones",
    "Zeros", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal",
    "LecunUniform", "RandomNormal", "TruncatedNormal", "RandomUniform", "VarianceScaling",
    "Orthogonal", "OrthogonalInitializer", "constant", "zeros", "ones", "identity",
    "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "glorot_normal",
    "glorot_uniform", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "orthogonal",
    "STFT", "STFTInitializer", "stft", "get", "serialize", "deserialize",
]
