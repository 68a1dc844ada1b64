"""What int8 / int4 quantization of ``Dense``, ``EinsumDense`` and ``Embedding`` shares.

``layer.quantize("int8")`` replaces the float kernel by an int8 one plus a
float scale per output channel (frozen: not trainable, as in Keras), sets the
layer's dtype policy to ``QuantizedDTypePolicy`` and installs, once, a
quantized ``call`` and the Keras order of the variables in weights files.
Float layers are untouched: nothing here runs on their call path.
"""
import re
import warnings

import numpy as np

from cornu import ops
from cornu.dtype_policies.quantized import QuantizedDTypePolicy
from cornu.quantizers.quantization_config import resolve_config
from cornu.serialization import serialize_keras_object

IMPLEMENTED_MODES = ("int8", "int4")  # int4: Dense and Embedding


def _describe(layer):
    return f"{type(layer).__name__} '{layer.name}'"


def unsupported_mode_error(layer_or_name, mode):
    """The error for a mode cornu does not run (int4, float8, GPTQ, AWQ)."""
    owner = layer_or_name if isinstance(layer_or_name, str) else _describe(layer_or_name)
    return NotImplementedError(
        f"{owner}: quantization mode {mode!r} is not implemented by cornu; supported: {IMPLEMENTED_MODES}. "
        "Quantize with mode='int8', or keep the layer in float."
    )


def resolve(layer, mode, config):
    """Check that ``layer`` can be quantized; returns ``(mode, config)``."""
    owner = _describe(layer)
    mode, config = resolve_config(mode, config, owner)
    if not layer.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built: {owner} is not built yet; call it or "
                         "`build()` it first.")
    if layer.dtype_policy.quantization_mode is not None:
        raise ValueError(f"{owner} is already quantized with dtype_policy='{layer.dtype_policy.name}'; received "
                         f"mode={mode!r}.")
    if mode not in IMPLEMENTED_MODES:
        raise unsupported_mode_error(layer, mode)
    if layer.compute_dtype == "float16":
        raise ValueError(f"{owner}: quantization mode {mode!r} does not work well with compute dtype 'float16'; "
                         "use a 'float32', 'bfloat16' or 'mixed_bfloat16' dtype policy before quantizing.")
    return mode, config


def weight_values(variable):
    """A variable's value as a NumPy array (the host copy quantization works on)."""
    return np.asarray(ops.convert_to_numpy(variable.value))


def drop_variable(layer, variable):
    """Remove ``variable`` from ``layer``'s weights (the float kernel being replaced)."""
    layer._own_variables[:] = [v for v in layer._own_variables if v is not variable]
    layer._backend_untrack_variable(variable)


def add_frozen(layer, name, shape, dtype=None):
    """A non-trainable variable (an int8 kernel or its scale), as Keras makes them."""
    return layer.add_weight(name=name, shape=tuple(int(d) for d in shape), dtype=dtype,
                            initializer="zeros" if dtype == "int8" else "ones", trainable=False)


def set_quantized_policy(layer, mode):
    """``int8_from_<the layer's float policy>``."""
    layer.dtype_policy = QuantizedDTypePolicy(mode, layer.dtype_policy.name)


def install(layer, call, spec):
    """Set the quantized ``call`` and the weights-file order ``spec`` (attribute names) on ``layer``."""
    object.__setattr__(layer, "call", call.__get__(layer))
    object.__setattr__(layer, "_quantized_spec", tuple(spec))
    object.__setattr__(layer, "save_own_variables", _save_own_variables.__get__(layer))
    object.__setattr__(layer, "load_own_variables", _load_own_variables.__get__(layer))


def _spec_variables(layer):
    out = []
    for name in layer._quantized_spec:
        variable = getattr(layer, name, None)
        if variable is not None:  # no bias
            out.append((name, variable))
    return out


def _save_own_variables(layer, store):
    """Keras's order for quantized layers, e.g. ``kernel, bias, kernel_scale``."""
    for i, (_, variable) in enumerate(_spec_variables(layer)):
        store[str(i)] = variable


def _load_own_variables(layer, store):
    expected = _spec_variables(layer)
    keys = sorted(store.keys(), key=int) if all(k.isdigit() for k in store.keys()) else list(store.keys())
    if keys != [str(i) for i in range(len(expected))]:
        raise ValueError(
            f"{_describe(layer)} (quantized, {layer.dtype_policy.name}) expects {len(expected)} saved variables "
            f"({', '.join(n for n, _ in expected)}); the file holds {len(keys)} ({keys})."
        )
    for i, (name, variable) in enumerate(expected):
        value = np.asarray(store[str(i)])
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"{_describe(layer)}: saved variable {i} ({name}) has shape {tuple(value.shape)}; expected "
                f"{tuple(variable.shape)}."
            )
        variable.assign(value.astype(np.dtype(variable.dtype), copy=False))


def straight_through(exact, surrogate):
    """The value of ``exact`` with the gradient of ``surrogate``.

    Rounding the inputs has no useful gradient, so, as in Keras, the gradient
    for the inputs flows through the dequantized kernel: ``surrogate`` is the
    float product of the inputs with that kernel.
    """
    return ops.add(ops.stop_gradient(exact), ops.subtract(surrogate, ops.stop_gradient(surrogate)))


def quantized_config(layer, config):
    """``config`` with a quantized layer's dtype policy and quantization config, as Keras writes them
    (float layers: unchanged)."""
    policy = layer.dtype_policy
    if policy.quantization_mode is None:
        return config
    config["dtype"] = {"module": "keras.dtype_policies", "class_name": type(policy).__name__,
                       "config": policy.get_config(), "registered_name": None}
    config["quantization_config"] = serialize_keras_object(getattr(layer, "quantization_config", None))
    return config


def _should_quantize(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(f, layer.name) is not None for f in filters)
    return bool(filters(layer))


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    """``model.quantize(...)``: quantize every leaf layer that supports it (see ``Model.quantize``)."""
    kwargs.pop("type_check", None)
    if kwargs:
        raise ValueError(f"Model '{model.name}'.quantize(): unrecognized keyword arguments {sorted(kwargs)}.")
    if filters is not None and not isinstance(filters, (str, list, tuple)) and not callable(filters):
        raise ValueError(
            "`filters` must be a regex string, a list of regex strings or a callable; received "
            f"filters={filters!r} (of type {type(filters).__name__})."
        )
    mode, config = resolve_config(mode, config, f"Model '{model.name}'.quantize()")
    if mode not in IMPLEMENTED_MODES:
        raise unsupported_mode_error(f"Model '{model.name}'", mode)
    changed = False
    for layer in model._flatten_layers():
        if layer is model or len(layer._flatten_layers()) != 1 or not _should_quantize(layer, filters):
            continue
        quantize = getattr(layer, "quantize", None)
        if quantize is None:
            warnings.warn(f"Layer {type(layer).__name__} does not have a `quantize` method implemented.",
                          stacklevel=2)
            continue
        try:
            quantize(mode, config=config)
        except NotImplementedError as e:  # a subclass of a quantizable layer, as in Keras: skipped
            warnings.warn(str(e), stacklevel=2)
            continue
        changed = True
    if changed:
        model._reset_step_functions()
    return model


__all__ = ["resolve", "install", "quantized_config", "add_frozen", "drop_variable", "set_quantized_policy", "weight_values",
           "straight_through", "quantize_model", "unsupported_mode_error", "IMPLEMENTED_MODES"]
