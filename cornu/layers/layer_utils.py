"""Helpers of ``Layer.__call__``/``get_config``: input conversion, autocasting,
masks, build shapes, output specs and automatic configs."""
import inspect

import numpy as np

from cornu import backend
from cornu.backend import KerasTensor
from cornu.backend.common import variables as _variables
from cornu.utils import tree

def _to_tensor_if_array(x):
    if isinstance(x, np.ndarray):
        return backend.convert_to_tensor(x)
    return x


def _autocast(x, dtype):
    def cast(v):
        if backend.is_tensor(v) and backend.is_float_dtype(backend.standardize_dtype(v.dtype)) \
                and backend.standardize_dtype(v.dtype) != dtype:
            return backend.cast(v, dtype)
        if isinstance(v, KerasTensor) and backend.is_float_dtype(v.dtype) and v.dtype != dtype:
            return v
        return v

    if isinstance(x, (list, tuple, dict)):
        return tree.map_structure(cast, x)
    return cast(x)


class _variables_autocast:
    """While a mixed-precision layer runs, its float variables are read in the compute dtype."""

    def __init__(self, layer):
        policy = layer._dtype_policy
        self.dtype = policy.compute_dtype if (layer.autocast and policy.compute_dtype != policy.variable_dtype) else None

    def __enter__(self):
        if self.dtype is not None:
            self.prev = _variables.set_autocast_dtype(self.dtype)

    def __exit__(self, *exc):
        if self.dtype is not None:
            _variables.set_autocast_dtype(self.prev)
        return False


def _get_mask(x):
    return getattr(x, "_keras_mask", None)


def _set_mask(outputs, mask):
    for out in tree.flatten(outputs):
        try:
            out._keras_mask = mask
        except AttributeError:
            pass  # JAX arrays take no attributes; functional models carry masks themselves


def _shapes_for_build(build, sig, args, kwargs):
    params = [p for p in inspect.signature(build).parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def shape_of(x):
        return tree.map_structure(lambda v: tuple(v.shape) if hasattr(v, "shape") else v, x)

    if not params:
        return None
    if len(params) == 1 or not all(p.name.endswith("_shape") for p in params):
        return shape_of(args[0]) if args else None
    shapes = {}
    call_values = dict(zip(sig.names, args))
    call_values.update(kwargs)
    for p in params:
        arg_name = p.name[: -len("_shape")]
        if arg_name in call_values and call_values[arg_name] is not None:
            shapes[p.name] = shape_of(call_values[arg_name])
        elif p.name == "input_shape" and args:
            shapes[p.name] = shape_of(args[0])
    return shapes


def _shape_to_specs(shape, dtype):
    if isinstance(shape, dict):
        return {k: _shape_to_specs(v, dtype) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and all(isinstance(s, (list, tuple)) for s in shape):
        return [_shape_to_specs(s, dtype) for s in shape]
    return KerasTensor(tuple(shape), dtype=dtype)


def _listify_shape(shapes):
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return list(shapes)
    if isinstance(shapes, (list, tuple)):
        return [_listify_shape(s) for s in shapes]
    return shapes


def _serialize_policy(policy):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": policy.name},
            "registered_name": None}


def _auto_config(layer):
    """For custom layers without ``get_config``: their simple constructor arguments."""
    args, kwargs = layer._init_args
    params = [p for p in inspect.signature(type(layer).__init__).parameters.values()][1:]
    config = {}
    for p, value in zip(params, args):
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            config[p.name] = value
    config.update({k: v for k, v in kwargs.items() if k not in ("name", "trainable", "dtype")})
    for key, value in config.items():
        if not isinstance(value, (int, float, str, bool, type(None), list, tuple, dict)):
            raise NotImplementedError(
                f"Layer {type(layer).__name__} has arguments that cannot be serialized "
                f"automatically ({key}={value!r}); implement `get_config()`."
            )
    return config
