"""Helpers of ``Layer.__call__``/``get_config``: input conversion, autocasting,
masks, build shapes, output specs and automatic configs."""
import functools
import inspect

import numpy as np

from cornu import backend
from cornu.backend import KerasTensor
from cornu.backend.common import variables as _variables
from cornu.utils import tree

def _to_tensor_if_array(x):
    # String arrays stay on the host for the layers that read them (StringLookup, TextVectorization).
    if isinstance(x, np.ndarray) and x.dtype.kind not in "USO":
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


def _mask_structure(value, get_mask=_get_mask):
    """The masks of a call argument: one mask, or a list/dict of them for a nested
    argument (``Concatenate([a, b])``); None when no tensor in it has a mask."""
    if not isinstance(value, (list, tuple, dict)):
        return None if value is None else get_mask(value)
    masks = tree.map_structure(lambda v: None if v is None else get_mask(v), value)
    return masks if any(m is not None for m in tree.flatten(masks)) else None


def _auto_mask_kwargs(sig, args, kwargs, get_mask=_get_mask):
    """The mask arguments a call receives from its inputs' masks (those not passed).

    As in Keras: ``mask`` takes the masks of the first argument (a list of masks
    for a list of tensors), and each tensor argument ``name`` the call has a
    ``{name}_mask`` parameter for takes its own (``MultiHeadAttention``'s
    ``query_mask``/``value_mask``/``key_mask``).  ``get_mask`` maps a tensor to
    its mask (the tensor's ``_keras_mask``; functional models look masks up in
    their own table).
    """
    out = {}
    if sig.accepts_mask and kwargs.get("mask") is None and args:
        mask = _mask_structure(args[0], get_mask)
        if mask is not None:
            out["mask"] = mask
    if sig.mask_args:
        values = dict(zip(sig.names, args))
        values.update(kwargs)
        for name in sig.mask_args:
            if kwargs.get(name) is None and values.get(name[: -len("_mask")]) is not None:
                mask = _mask_structure(values[name[: -len("_mask")]], get_mask)
                if mask is not None:
                    out[name] = mask
    return out


def _symbolic_mask_kwargs(layer, args, kwargs):
    """``_auto_mask_kwargs`` for a symbolic call, limited to what ``compute_output_spec`` takes."""
    sig = layer._call_signature
    if not (sig.accepts_mask or sig.mask_args):
        return {}
    auto = _auto_mask_kwargs(sig, args, kwargs)
    if not auto:
        return auto
    params = inspect.signature(layer.compute_output_spec).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return auto
    return {k: v for k, v in auto.items() if k in params}


def _previous_mask(kwargs, args, get_mask=_get_mask):
    """The mask ``compute_mask`` receives: the call's ``mask`` or the first argument's masks."""
    mask = kwargs.get("mask")
    if mask is None and args:
        mask = _mask_structure(args[0], get_mask)
    return mask


def _output_masks(outputs, mask):
    """``(output, mask)`` pairs: mask ``i`` of a list from ``compute_mask`` goes to output
    ``i``; a single mask goes to the first output only (as in Keras)."""
    return list(zip(tree.flatten(outputs), tree.flatten(mask)))


def _set_mask(outputs, mask):
    """Attach ``compute_mask``'s result to the outputs, keeping masks the call set itself."""
    for out, m in _output_masks(outputs, mask):
        if m is None or _get_mask(out) is not None:
            continue
        try:
            out._keras_mask = m
        except AttributeError:
            pass  # some tensors take no attributes; functional models carry masks themselves


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


def _recording_build(build):
    """Wrap a layer class's ``build`` to record the shapes it was called with (``_build_shapes``)
    and mark the layer built.

    Only the outermost ``build`` of an unbuilt layer records (``super().build(...)``
    inside it does not), and not when the body set ``_build_shapes`` itself.  One
    argument is stored as is, several as a dict by parameter name (Keras's
    ``shapes_dict``).
    """
    if getattr(build, "_records_build_shapes", False):
        return build
    signature = inspect.signature(build)

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        if self.__dict__.get("_building") or getattr(self, "built", False):
            return build(self, *args, **kwargs)
        before = self.__dict__.get("_build_shapes")
        object.__setattr__(self, "_building", True)
        try:
            result = build(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_building", False)
        self.built = True  # as in Keras, a layer is built once its `build` returns
        if self.__dict__.get("_build_shapes") is before:
            try:
                bound = signature.bind(self, *args, **kwargs).arguments
            except TypeError:
                return result
            shapes = dict(list(bound.items())[1:])  # without `self`
            object.__setattr__(self, "_build_shapes", next(iter(shapes.values())) if len(shapes) == 1 else shapes)
        return result

    wrapper._records_build_shapes = True
    return wrapper


def _build_config(shapes):
    """``get_build_config()`` for recorded build shapes (see ``_recording_build``)."""
    if shapes is None:
        return None
    if isinstance(shapes, dict):
        if len(shapes) == 1:
            return {"input_shape": _listify_shape(next(iter(shapes.values())))}
        return {"shapes_dict": {k: _listify_shape(v) for k, v in shapes.items()}}
    return {"input_shape": _listify_shape(shapes)}


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
