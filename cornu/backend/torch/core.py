"""Torch engine: tensors, variables, conversion and symbolic shape inference."""
import contextlib
import os
import threading

import numpy as np
import torch

from cornu.backend import config
from cornu.backend.common import dtypes
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.stateless_scope import StatelessScope, SymbolicScope
from cornu.backend.common.variables import VariableBase
from cornu.utils import tree

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True

DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"

if DEFAULT_DEVICE == "cuda" and os.environ.get("CORNU_ALLOW_TF32", "1") != "0":
    # float32 matmuls/convolutions on TensorFloat-32 tensor cores, as JAX does on
    # GPU by default. Set CORNU_ALLOW_TF32=0 for full float32 precision.
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True

_TORCH_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}


def to_torch_dtype(dtype):
    """The ``torch.dtype`` for a cornu dtype name (or any dtype-like)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    name = dtypes.standardize_dtype(dtype)
    try:
        return _TORCH_DTYPES[name]
    except KeyError:
        raise ValueError(f"dtype {name!r} is not supported by the torch engine.") from None


class _DeviceStack(threading.local):
    """Per-thread stack of ``device_scope`` devices (a data thread never sees another thread's scope)."""

    def __init__(self):
        self.devices = []


_device_override = _DeviceStack()


def get_device():
    """The device new tensors are placed on (overridden during shape inference)."""
    devices = _device_override.devices
    return devices[-1] if devices else DEFAULT_DEVICE


class device_scope:
    """A context manager placing new tensors on ``device_name`` (e.g. ``"cpu"``)."""

    def __init__(self, device_name):
        self.device = str(device_name).lower().replace("gpu", "cuda")

    def __enter__(self):
        _device_override.devices.append(self.device)
        return self

    def __exit__(self, *exc):
        _device_override.devices.pop()
        return False


class Variable(VariableBase):
    """A cornu variable backed by a ``torch.nn.Parameter``."""

    def _init_context(self):
        # Variables created during shape inference still get real storage.
        return device_scope(DEFAULT_DEVICE) if get_device() == "meta" else contextlib.nullcontext()

    def _initialize(self, value):
        value = value.to(get_device() if get_device() != "meta" else DEFAULT_DEVICE)
        value = value.detach().clone()  # never share memory with the caller's array
        requires_grad = self._trainable and value.is_floating_point()
        self._value = torch.nn.Parameter(value, requires_grad=requires_grad)

    def _direct_assign(self, value):
        with torch.no_grad():
            self._value.copy_(value)  # keeps the parameter's strides (see _relayout)

    def _relayout(self, order):
        old = self._value
        inverse = sorted(range(len(order)), key=order.__getitem__)
        laid_out = old.detach().permute(order).contiguous().permute(inverse)  # same shape, new strides
        self._value = torch.nn.Parameter(laid_out, requires_grad=old.requires_grad)

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)

    @staticmethod
    def _to_numpy(value):
        return convert_to_numpy(value)

    def _on_trainable_change(self):
        if self._value.is_floating_point():
            self._value.requires_grad_(self._trainable)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        args = tree.map_structure(lambda x: x.value if isinstance(x, Variable) else x, args)
        kwargs = tree.map_structure(
            lambda x: x.value if isinstance(x, Variable) else x, kwargs or {}
        )
        return func(*args, **kwargs)


def is_tensor(x):
    """True for engine tensors."""
    return torch.is_tensor(x)


def convert_to_tensor(x, dtype=None, sparse=None):
    """Convert arrays, scalars, lists and variables to a torch tensor on the default device."""
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    if not isinstance(x, torch.Tensor):
        if isinstance(x, Variable):
            x = x.value
        else:
            return _convert_other(x, dtype)
    if dtype is not None and x.dtype != dtype:
        x = x.to(dtype)
    if x.is_cpu:
        device = get_device()
        if device != "cpu":
            x = x.to(device)
    return x


def _convert_other(x, dtype):
    """``convert_to_tensor`` for everything but tensors and variables (``dtype`` already torch's)."""
    if isinstance(x, KerasTensor):
        raise ValueError(
            "A symbolic KerasTensor cannot be converted to a torch tensor; it has no "
            f"value. Received: {x!r}"
        )
    if isinstance(x, (bool, int, float)):
        if dtype is None:
            if isinstance(x, bool):
                dtype = torch.bool
            elif isinstance(x, int):
                dtype = torch.int32 if -(2**31) <= x < 2**31 else torch.int64
            else:
                dtype = to_torch_dtype(config.floatx())
        # A fill kernel on the device: no host-to-device copy, so it is also
        # allowed while a CUDA graph is being captured.
        return torch.full((), x, dtype=dtype, device=get_device())
    if dtype is None:
        if isinstance(x, (list, tuple)):
            arr = np.asarray([convert_to_numpy(v) if torch.is_tensor(v) else v for v in x])
            if arr.dtype == np.float64:
                dtype = to_torch_dtype(config.floatx())
            elif arr.dtype == np.int64 and not _needs_int64(arr):
                dtype = torch.int32
            x = arr
    if isinstance(x, np.ndarray) or np.isscalar(x) or isinstance(x, np.generic):
        arr = np.asarray(x)
        if arr.dtype == object or arr.dtype.kind in "US":
            raise TypeError(f"Cannot convert an array of dtype {arr.dtype} to a tensor.")
        if arr.dtype.name == "bfloat16":
            t = torch.from_numpy(arr.astype(np.float32)).to(torch.bfloat16)
        else:
            if not arr.flags.writeable or not arr.flags.c_contiguous:
                arr = np.ascontiguousarray(arr).copy()
            t = torch.from_numpy(arr)
        device = get_device()
        return t.to(device=device, dtype=dtype) if (dtype is not None or device != "cpu") else t
    return torch.as_tensor(x, dtype=dtype, device=get_device())


def _needs_int64(arr):
    return arr.size and (arr.max() > 2**31 - 1 or arr.min() < -(2**31))


def convert_to_numpy(x):
    """Convert a tensor (or variable) to a NumPy array."""
    if isinstance(x, Variable):
        x = x.value
    if torch.is_tensor(x):
        owned = isinstance(x, torch.nn.Parameter)  # a variable's memory is never handed out
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.to(torch.float32)
        if x.device.type != "cpu":
            return np.ascontiguousarray(x.cpu().numpy())
        return np.array(x.numpy(), order="C") if owned else x.numpy()
    return np.asarray(x)


def cast(x, dtype):
    """Cast ``x`` to ``dtype``."""
    dtype = to_torch_dtype(dtype)
    if isinstance(x, Variable):
        x = x.value
    if torch.is_tensor(x):
        return x if x.dtype == dtype else x.to(dtype)
    return convert_to_tensor(x, dtype)


def standardize_dtype(dtype):
    return dtypes.standardize_dtype(dtype)


def shape(x):
    """The static shape of ``x`` as a tuple."""
    return tuple(x.shape)


def stop_gradient(x):
    return convert_to_tensor(x).detach()


# -- symbolic shape inference --------------------------------------------------
_SIZES = (83, 89)


def compute_output_spec(fn, *args, **kwargs):
    """Run ``fn`` on placeholder tensors to find output shapes and dtypes.

    Symbolic inputs become ``meta`` tensors (no memory, no compute); unknown
    dimensions are tried with two sizes and reported as ``None`` where the
    output changes.  Variables read inside ``fn`` get meta placeholders too.
    """
    has_none = any(
        d is None for x in tree.flatten((args, kwargs)) if isinstance(x, KerasTensor) for d in x.shape
    )

    def run(size, device):
        def to_placeholder(x):
            if isinstance(x, KerasTensor):
                shp = [size if d is None else d for d in x.shape]
                return torch.zeros(shp, dtype=to_torch_dtype(x.dtype), device=device)
            return x

        def var_value(v):
            return torch.zeros(v.shape, dtype=to_torch_dtype(v.dtype), device=device)

        a = tree.map_structure(to_placeholder, args)
        k = tree.map_structure(to_placeholder, kwargs)
        with StatelessScope(value_fn=var_value), SymbolicScope(), torch.no_grad(), \
                device_scope(device):
            return fn(*a, **k)

    def to_spec(out_a, out_b=None):
        if out_b is None:
            out_b = out_a
        if torch.is_tensor(out_a):
            shp = tuple(
                da if da == db else None for da, db in zip(out_a.shape, out_b.shape)
            )
            return KerasTensor(shp, dtype=standardize_dtype(out_a.dtype))
        return out_a

    def run_both(device):
        out_a = run(_SIZES[0], device)
        out_b = run(_SIZES[1], device) if has_none else out_a
        return tree.map_structure(to_spec, out_a, out_b)

    try:
        return run_both("meta")
    except RecursionError:
        raise
    except (NotImplementedError, RuntimeError):
        # Some kernels have no meta implementation: fall back to real tensors.
        # (User errors such as ValueError/TypeError are raised as they are.)
        return run_both(DEFAULT_DEVICE)


# -- control flow and structural ops ----------------------------------------------
def cond(pred, true_fn, false_fn):
    pred = convert_to_tensor(pred)
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond_fn, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    i = 0
    while (maximum_iterations is None or i < maximum_iterations) and bool(cond_fn(*state)):
        out = body(*state)
        state = tuple(out) if isinstance(out, (list, tuple)) else (out,)
        i += 1
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if xs is None:
        n = length
        xs_list = [None] * n
    else:
        flat = tree.flatten(xs)
        n = flat[0].shape[0]
        xs_list = [tree.pack_sequence_as(xs, [x[i] for x in flat]) for i in range(n)]
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, [None] * n
    for i in order:
        carry, y = f(carry, xs_list[i])
        ys[i] = y
    if n == 0 or ys[0] is None:
        return carry, None
    stacked = tree.map_structure(lambda *v: torch.stack(list(v)), *ys)
    return carry, stacked


def vectorized_map(function, elements):
    flat = tree.flatten(elements)
    n = flat[0].shape[0]
    outs = [function(tree.pack_sequence_as(elements, [x[i] for x in flat])) for i in range(n)]
    return tree.map_structure(lambda *v: torch.stack(list(v)), *outs)


def map(f, xs):
    return vectorized_map(f, xs)


def slice(inputs, start_indices, shape):
    x = convert_to_tensor(inputs)
    idx = tuple(builtins_slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))
    return x[idx]


def slice_update(inputs, start_indices, updates):
    x = convert_to_tensor(inputs).clone()
    updates = convert_to_tensor(updates)
    idx = tuple(builtins_slice(int(s), int(s) + n) for s, n in zip(start_indices, updates.shape))
    x[idx] = updates.to(x.dtype)
    return x


def scatter(indices, values, shape):
    indices = convert_to_tensor(indices).long()
    values = convert_to_tensor(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    idx = tuple(indices[..., i] for i in range(indices.shape[-1]))
    return out.index_put(idx, values, accumulate=True)


def scatter_update(inputs, indices, updates):
    x = convert_to_tensor(inputs).clone()
    indices = convert_to_tensor(indices).long()
    idx = tuple(indices[..., i] for i in range(indices.shape[-1]))
    x[idx] = convert_to_tensor(updates).to(x.dtype)
    return x


def unstack(x, num=None, axis=0):
    return list(torch.unbind(convert_to_tensor(x), dim=axis))


def get_item(x, key):
    x = convert_to_tensor(x)
    if torch.is_tensor(key) and key.dtype != torch.bool:
        key = key.long()
    return x[key]


def custom_gradient(fun):
    """Decorator: ``fun(*args) -> (output, grad_fn(*upstream))``."""

    class _Fn(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            output, grad_fn = fun(*args)
            ctx.grad_fn = grad_fn
            return output

        @staticmethod
        def backward(ctx, *grads):
            out = ctx.grad_fn(*grads)
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

    def wrapper(*args):
        return _Fn.apply(*args)

    return wrapper


def is_float_tensor(x):
    return torch.is_tensor(x) and x.is_floating_point()


builtins_slice = __builtins__["slice"] if isinstance(__builtins__, dict) else __builtins__.slice
