"""Quantized layers in Keras 3 files (``model.quantize("int8")`` and the like).

Keras 3.12+ writes a ``quantization_config`` key in the configs of ``Dense``,
``EinsumDense`` and ``Embedding``.  It is null for float layers (dropped on
loading), and it may hold a configuration kept for a later ``quantize()``
call while the layer is still float (dtype policy ``DTypePolicy``): also
dropped, the layer's weights and outputs do not depend on it.  A layer that
*is* quantized has a quantized dtype policy (``QuantizedDTypePolicy``,
``QuantizedFloat8DTypePolicy``, ``GPTQDTypePolicy``, ``AWQDTypePolicy``; older
files: a policy name such as ``"int8_from_float32"``) and integer kernels
with scales in its weights file.  cornu runs int8 ``Dense``, ``EinsumDense``
and ``Embedding`` layers quantized to int8 or int4 (their configs pass
through unchanged, the layers build integer kernels from the policy); any
other quantized layer or mode (float8, GPTQ, AWQ) is refused with an error
naming the layer.
"""
import re

from cornu.saving.config_walk import rewrite_objects
from cornu.saving.errors import LoadError

_LOADABLE = {"int8": ("Dense", "EinsumDense", "Embedding"), "int4": ("Dense", "EinsumDense", "Embedding")}
_QUANTIZED_NAME = re.compile(r"^(int8|int4|float8|gptq|awq)(_from_|/|$)")


def _quantization_mode(dtype):
    """The quantization mode of a serialized dtype policy, or None for a float policy."""
    if isinstance(dtype, str):
        match = _QUANTIZED_NAME.match(dtype)
        return match.group(1) if match else None
    if not isinstance(dtype, dict):
        return None
    inner = dtype.get("config") if isinstance(dtype.get("config"), dict) else {}
    class_name = str(dtype.get("class_name") or "")
    if inner.get("mode") is not None:
        return str(inner["mode"])
    if "Quantized" in class_name or class_name in ("GPTQDTypePolicy", "AWQDTypePolicy"):
        return class_name
    name = inner.get("name")
    return _quantization_mode(name) if isinstance(name, str) else None


def _refuse(entry, config, mode):
    layer = config.get("name") or entry.get("name") or "?"
    quantization = config.get("quantization_config")
    described = quantization.get("class_name") if isinstance(quantization, dict) else None
    raise LoadError(
        f"Layer '{layer}' ({entry.get('class_name')}) was saved quantized (mode {mode!r}"
        f"{', ' + described if described else ''}): cornu loads int8 and int4 quantization of Dense, "
        "EinsumDense and Embedding layers only, not this one (float8, GPTQ and AWQ are not implemented). "
        "Save the "
        "model from Keras before calling `model.quantize(...)` (or re-create it in float and load float "
        "weights), then load that file.")


def drop_float_quantization_configs(config):
    """Keep int8 Dense/EinsumDense/Embedding configs; refuse other quantized layers (``LoadError`` naming
    the layer); drop ``quantization_config`` from float layers (returns a new structure; recursive)."""
    return rewrite_objects(config, _check_quantization)


def _check_quantization(entry):
    inner = entry["config"]
    mode = _quantization_mode(inner.get("dtype"))
    if mode is not None and entry["class_name"] in _LOADABLE.get(mode.split("/")[0], ()):
        return entry  # a quantized layer cornu builds (int8 kernel and scales from the weights file)
    if "quantization_config" in inner:
        if mode is not None:
            _refuse(entry, inner, mode)
        entry["config"] = {k: v for k, v in inner.items() if k != "quantization_config"}
    elif mode is not None and entry["class_name"] not in ("DTypePolicy", "Policy"):
        _refuse(entry, inner, mode)
    return entry


__all__ = ["drop_float_quantization_configs"]
