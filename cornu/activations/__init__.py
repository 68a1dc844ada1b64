"""``cornu.activations`` (``keras.activations``): activation functions by name.

``get`` turns what a user writes (``None``, a name, a config dict, a callable)
into a function; ``serialize``/``deserialize`` convert between functions and
their saved form (a plain name for built-ins).
"""
import types

from cornu.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)
from cornu.serialization import (
    deserialize_keras_object,
    get_registered_object,
    register_builtin,
    serialize_keras_object,
)

_MODULE = "keras.activations"

ALL_OBJECTS = (
    relu, leaky_relu, relu6, softmax, elu, selu, softplus, softsign, silu, gelu, celu, glu,
    tanh, tanh_shrink, hard_tanh, soft_shrink, hard_shrink, threshold, sigmoid, log_sigmoid,
    sparse_sigmoid, exponential, hard_sigmoid, hard_silu, linear, mish, log_softmax,
    squareplus, sparse_plus, sparsemax,
)

ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu

for _name, _fn in ALL_OBJECTS_DICT.items():
    register_builtin(_MODULE, _fn, name=_name)
del _name, _fn


def serialize(activation):
    """The saved form of an activation.

    Built-in functions serialize to their name (``"relu"``; ``swish`` gives
    ``"silu"``).  Registered custom functions give a ``{"class_name":
    "function", ...}`` dict, and activation objects (e.g. layers) their full
    config dict.

    Raises:
        ValueError: if ``activation`` cannot be described by a name or config.
    """
    if isinstance(activation, types.FunctionType) and ALL_OBJECTS_DICT.get(activation.__name__) is activation:
        return activation.__name__
    try:
        config = serialize_keras_object(activation)
    except TypeError as e:
        raise ValueError(
            f"Unknown activation function {activation!r} cannot be serialized. Use a built-in "
            "activation name, or decorate the function with "
            "`cornu.saving.register_keras_serializable()`."
        ) from e
    if isinstance(config, dict) and "config" not in config:
        raise ValueError(f"Unknown activation function {activation!r} cannot be serialized. config={config}")
    return config


def deserialize(config, custom_objects=None):
    """The activation function (or object) described by ``config`` (a name or a config dict)."""
    return deserialize_keras_object(
        config,
        module_objects=ALL_OBJECTS_DICT,
        custom_objects=custom_objects,
        printable_module_name="activation function",
    )


def get(identifier):
    """Resolve an activation identifier to a callable.

    Args:
        identifier: ``None`` (gives ``linear``), a name such as ``"relu"``, a
            config dict (as written by ``serialize``), or any callable
            (a function or a layer-like object with ``__call__``).

    Returns:
        A callable activation.

    Raises:
        ValueError: ``"Could not interpret activation function identifier: ..."``
            when ``identifier`` names no known activation.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            # User-registered functions and custom_object_scope names.
            obj = get_registered_object(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")


__all__ = sorted(ALL_OBJECTS_DICT) + ["get", "serialize", "deserialize"]
