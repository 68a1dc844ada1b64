"""Torch engine: what ``layers.TorchModuleWrapper`` needs to host a ``torch.nn.Module``.

The wrapped module keeps its own tensors: each parameter and persistent buffer
is exposed as a cornu ``Variable`` *sharing the tensor object itself*, so the
module, cornu's optimizers (in-place updates), ``get_weights``/``set_weights``
and saving all see one and the same storage.

When a variable is read with a value other than its own tensor (shape inference
with placeholder values, a ``StatelessScope`` with new values, mixed-precision
autocast), the module runs through ``torch.func.functional_call`` with those
values instead, so nothing in the module is overwritten.

Loading a pickled module (the Keras config format) is refused in safe mode by
the layer; with safe mode off this module still loads it with torch's
restricted unpickler, allowing only ``torch.nn.Module`` classes and
``torch.nn.functional`` functions as globals (never ``builtins.open``,
``os.system``, ...).
"""
import base64
import importlib
import inspect
import io
import zipfile

import torch

from cornu.backend.common import dtypes
from cornu.backend.torch.core import Variable, get_device

SUPPORTED = True
UNSUPPORTED_MESSAGE = None


class SharedTensorVariable(Variable):
    """A cornu Variable whose storage *is* an existing module tensor (no copy)."""

    def __init__(self, tensor, name, trainable):
        self._shared = tensor
        super().__init__(tensor.detach(), dtype=dtypes.standardize_dtype(str(tensor.dtype).split(".")[-1]),
                         trainable=trainable, name=name)

    def _initialize(self, value):
        self._value = self._shared
        del self._shared

    def _on_trainable_change(self):
        if isinstance(self._value, torch.nn.Parameter):
            self._value.requires_grad_(self._trainable)


def is_module(obj):
    """True for ``torch.nn.Module`` instances."""
    return isinstance(obj, torch.nn.Module)


def has_uninitialized_parameters(module):
    """True while a lazy module (``torch.nn.LazyLinear``...) still waits for its first call."""
    return any(isinstance(m, torch.nn.modules.lazy.LazyModuleMixin) and m.has_uninitialized_params()
               for m in module.modules())


def attach(layer, module):
    """Move ``module`` to cornu's device and register it under ``layer`` (a ``torch.nn.Module``
    too), so ``layer.parameters()``, ``layer.to()`` and ``state_dict()`` reach it."""
    module = module.to(get_device()) if not has_uninitialized_parameters(module) else module
    layer._modules["module"] = module
    return module


def materialize(module, input_shapes, dtype):
    """Initialize a lazy module by running it once, in eval mode and without gradients, on zeros
    of ``input_shapes`` (``None`` dimensions become 2); its state is left as it was."""
    def zeros(shape):
        return torch.zeros([2 if d is None else int(d) for d in shape],
                           dtype=getattr(torch, dtype), device=get_device())

    inputs = _map_shapes(zeros, input_shapes)
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            module(inputs)
    finally:
        module.train(was_training)
    module.to(get_device())


def _map_shapes(fn, shapes):
    if isinstance(shapes, (list, tuple)) and all(d is None or isinstance(d, int) for d in shapes):
        return fn(shapes)
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(_map_shapes(fn, s) for s in shapes)


def module_variables(module, layer_name):
    """``[(state_dict key, Variable)]``: parameters first (trainable when they require grad),
    then persistent buffers (non-trainable), each sharing the module's tensor."""
    out, seen = [], set()
    for key, param in module.named_parameters():
        if id(param) not in seen:
            seen.add(id(param))
            out.append((key, _make(param, key, layer_name, param.requires_grad)))
    state_keys = set(module.state_dict(keep_vars=True))
    for key, buffer in module.named_buffers():
        if key in state_keys and id(buffer) not in seen:
            seen.add(id(buffer))
            out.append((key, _make(buffer, key, layer_name, False)))
    return out


def _make(tensor, key, layer_name, trainable):
    variable = SharedTensorVariable(tensor, name=key, trainable=trainable)
    variable._path = f"{layer_name}/{key}"
    return variable


def accepts_training(module):
    """True when ``module.forward`` takes a ``training`` argument."""
    try:
        return "training" in inspect.signature(module.forward).parameters
    except (TypeError, ValueError):
        return False


def call_module(module, named_variables, args, kwargs, training):
    """Run ``module(*args, **kwargs)``; ``training`` (True/False) sets train/eval mode first,
    ``None`` leaves the module's own mode."""
    if training is not None and module.training != bool(training):
        module.train(bool(training))
    values = {key: variable.value for key, variable in named_variables}
    if all(values[key] is variable._value for key, variable in named_variables):
        return module(*args, **kwargs)
    return torch.func.functional_call(module, values, args, kwargs)


def state_arrays(module):
    """The module's ``state_dict`` as ``{key: tensor}`` (parameters and persistent buffers)."""
    return {key: value.detach() for key, value in module.state_dict().items()}


def load_state_arrays(module, arrays):
    """Copy ``{key: array}`` into the module's tensors in place (shapes must match)."""
    current = module.state_dict()
    missing = sorted(set(current) - set(arrays))
    unexpected = sorted(set(arrays) - set(current))
    if missing or unexpected:
        raise ValueError(
            "The stored state does not match the wrapped torch module: "
            f"missing keys {missing}, unexpected keys {unexpected}. Expected keys: {sorted(current)}."
        )
    state = {}
    for key, array in arrays.items():
        target = current[key]
        tensor = torch.as_tensor(array).to(dtype=target.dtype, device=target.device)
        if tuple(tensor.shape) != tuple(target.shape):
            raise ValueError(
                f"Cannot load '{key}' into the wrapped torch module: stored shape {tuple(tensor.shape)}, "
                f"module shape {tuple(target.shape)}."
            )
        state[key] = tensor
    module.load_state_dict(state)


def dump_module(module):
    """``torch.save(module)`` as base64 text (the format Keras stores in the layer config)."""
    buffer = io.BytesIO()
    torch.save(module, buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def load_module(text):
    """Rebuild a module from ``dump_module`` output (or Keras'), with torch's restricted
    unpickler. Only call this when the user turned safe mode off."""
    if not isinstance(text, str):
        raise ValueError(f"The stored torch module must be base64 text; received {type(text).__name__}.")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as e:
        raise ValueError(f"The stored torch module is not valid base64 ({e}).") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError(
            "The stored torch module is not a `torch.save` archive (a bare pickle was found); "
            "it is refused even with safe mode off."
        )
    allowed = [_allowed_global(name) for name in torch.serialization.get_unsafe_globals_in_checkpoint(
        io.BytesIO(data))]
    with torch.serialization.safe_globals(allowed):
        module = torch.load(io.BytesIO(data), weights_only=True, map_location=get_device())
    if not isinstance(module, torch.nn.Module):
        raise ValueError(f"The stored object is a {type(module).__name__}, not a `torch.nn.Module`.")
    return module


def _allowed_global(qualified_name):
    module_name, _, attr = qualified_name.rpartition(".")
    obj = None
    try:
        obj = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        obj = None
    is_module_class = isinstance(obj, type) and issubclass(obj, torch.nn.Module)
    is_functional = callable(obj) and getattr(obj, "__module__", "") == "torch.nn.functional"
    if not (is_module_class or is_functional):
        raise ValueError(
            f"The stored torch module refers to '{qualified_name}', which is not a `torch.nn.Module` "
            "class (or a `torch.nn.functional` function); loading it is refused. Make sure the "
            "module's class is importable, or rebuild the module in code and load only its weights."
        )
    return obj


__all__ = [
    "SUPPORTED", "UNSUPPORTED_MESSAGE", "SharedTensorVariable", "accepts_training", "attach",
    "call_module", "dump_module", "has_uninitialized_parameters", "is_module", "load_module",
    "load_state_arrays", "materialize", "module_variables", "state_arrays",
]
