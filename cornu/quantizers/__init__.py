"""``cornu.quantizers`` (``keras.quantizers``): int8 quantization of weights and inputs.

``abs_max_quantize`` and ``AbsMaxQuantizer`` compute integer values and
per-channel scales as Keras 3 does; the ``*QuantizationConfig`` classes
choose the quantizers ``model.quantize(...)`` uses.
"""
from cornu.quantizers.quantization_config import (
    Float8QuantizationConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from cornu.quantizers.quantizers import (
    AbsMaxQuantizer,
    Quantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
    compute_float8_scale,
    dequantize_with_sz_map,
    pack_int4,
    quantize_and_dequantize,
    unpack_int4,
)
from cornu.serialization import deserialize_keras_object, register_builtin, serialize_keras_object

ALL_OBJECTS = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig, Int4QuantizationConfig,
               Float8QuantizationConfig)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({"abs_max_quantizer": AbsMaxQuantizer, "quantizer": Quantizer})
for _cls in ALL_OBJECTS:
    register_builtin("keras.quantizers", _cls)
register_builtin("keras", Quantizer)


def serialize(quantizer):
    """The config dict of ``quantizer`` (Keras layout)."""
    return serialize_keras_object(quantizer)


def deserialize(config, custom_objects=None):
    """The quantizer (or quantization config) described by ``config``."""
    return deserialize_keras_object(config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects,
                                    printable_module_name="quantizer")


def get(identifier, **kwargs):
    """A quantizer from a config dict, a class name (built with ``kwargs``), or an instance; ``None`` stays ``None``.

    Raises:
        ValueError: for anything else, naming what was received.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if isinstance(obj, type):
        return obj(**kwargs)
    if callable(obj) or isinstance(obj, QuantizationConfig):
        return obj
    raise ValueError(
        f"Could not interpret quantizer identifier: {identifier!r}. Expected a config dict, one of "
        f"{sorted(ALL_OBJECTS_DICT)}, or a Quantizer instance."
    )


__all__ = ["Quantizer", "AbsMaxQuantizer", "abs_max_quantize", "quantize_and_dequantize", "compute_float8_scale",
           "abs_max_quantize_grouped_with_zero_point", "pack_int4", "unpack_int4", "dequantize_with_sz_map",
           "QuantizationConfig", "Int8QuantizationConfig", "Int4QuantizationConfig", "Float8QuantizationConfig",
           "serialize", "deserialize", "get"]
