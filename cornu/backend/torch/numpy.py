"""Torch engine: the NumPy-like op set (NumPy semantics on torch tensors)."""
import builtins

import numpy as np
import torch

from cornu.backend import config
from cornu.backend.common import dtypes
from cornu.backend.torch.core import cast, convert_to_tensor, get_device, to_torch_dtype

t = convert_to_tensor


def _axis(axis):
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(axis)
    return axis


def _is_scalar(x):
    return isinstance(x, (int, float, bool)) and not isinstance(x, np.generic)


def _scalar_like(value, ref):
    """A 0-d tensor for a Python scalar, adopting ``ref``'s dtype ("weak" typing)."""
    if isinstance(value, float) and not (ref.is_floating_point() or ref.is_complex()):
        dtype = to_torch_dtype(config.floatx())
    elif isinstance(value, int) and not isinstance(value, bool) and ref.dtype == torch.bool:
        dtype = torch.int32
    else:
        dtype = ref.dtype
    return torch.full((), value, dtype=dtype, device=ref.device)  # a device fill: no host copy


def _pair(x1, x2):
    """Convert two operands; Python scalars adopt the other operand's dtype."""
    if _is_scalar(x1) and not _is_scalar(x2):
        x2 = t(x2)
        return _scalar_like(x1, x2), x2
    if _is_scalar(x2) and not _is_scalar(x1):
        x1 = t(x1)
        return x1, _scalar_like(x2, x1)
    return t(x1), t(x2)


def _with_scalar(x1, x2):
    """``(tensor, scalar, scalar_first)`` when exactly one operand is a Python scalar, else None.

    torch's own operators treat Python scalars as weakly typed, as cornu wants,
    without building a 0-d tensor per call.
    """
    if _is_scalar(x2) and not _is_scalar(x1):
        x1 = t(x1)
        if not isinstance(x2, float) or x1.is_floating_point():
            return x1, x2, False
    elif _is_scalar(x1) and not _is_scalar(x2):
        x2 = t(x2)
        if not isinstance(x1, float) or x2.is_floating_point():
            return x2, x1, True
    return None


def add(x1, x2):
    fast = _with_scalar(x1, x2)
    if fast is not None:
        return fast[0] + fast[1]
    a, b = _pair(x1, x2)
    return torch.add(a, b)


def subtract(x1, x2):
    fast = _with_scalar(x1, x2)
    if fast is not None:
        return fast[1] - fast[0] if fast[2] else fast[0] - fast[1]
    a, b = _pair(x1, x2)
    return torch.subtract(a, b)


def multiply(x1, x2):
    fast = _with_scalar(x1, x2)
    if fast is not None:
        return fast[0] * fast[1]
    a, b = _pair(x1, x2)
    return torch.multiply(a, b)


def true_divide(x1, x2):
    fast = _with_scalar(x1, x2)
    if fast is not None and fast[0].is_floating_point():
        return fast[1] / fast[0] if fast[2] else fast[0] / fast[1]
    a, b = _pair(x1, x2)
    if not a.is_floating_point() and not b.is_floating_point():
        a, b = cast(a, config.floatx()), cast(b, config.floatx())
    return torch.true_divide(a, b)


divide = true_divide


def divide_no_nan(x1, x2):
    """``x1 / x2`` with 0 wherever ``x2 == 0`` (no NaN or inf, and safe gradients)."""
    a, b = _pair(x1, x2)
    if not a.is_floating_point() and not b.is_floating_point():
        a, b = cast(a, config.floatx()), cast(b, config.floatx())
    zero = b == 0
    return torch.where(zero, 0.0, torch.true_divide(a, torch.where(zero, 1.0, b)))


def floor_divide(x1, x2): a, b = _pair(x1, x2); return torch.floor_divide(a, b)
def mod(x1, x2): a, b = _pair(x1, x2); return torch.remainder(a, b)
def power(x1, x2): a, b = _pair(x1, x2); return torch.pow(a, b)
def maximum(x1, x2): a, b = _pair(x1, x2); return torch.maximum(a, b)
def minimum(x1, x2): a, b = _pair(x1, x2); return torch.minimum(a, b)
def equal(x1, x2): a, b = _pair(x1, x2); return torch.eq(a, b)
def not_equal(x1, x2): a, b = _pair(x1, x2); return torch.ne(a, b)
def less(x1, x2): a, b = _pair(x1, x2); return torch.lt(a, b)
def less_equal(x1, x2): a, b = _pair(x1, x2); return torch.le(a, b)
def greater(x1, x2): a, b = _pair(x1, x2); return torch.gt(a, b)
def greater_equal(x1, x2): a, b = _pair(x1, x2); return torch.ge(a, b)
def logical_and(x1, x2): return torch.logical_and(t(x1), t(x2))
def logical_or(x1, x2): return torch.logical_or(t(x1), t(x2))
def logical_xor(x1, x2): return torch.logical_xor(t(x1), t(x2))
def logical_not(x): return torch.logical_not(t(x))
def negative(x): return torch.negative(t(x))
def absolute(x): return torch.abs(t(x))


abs = absolute


def _float(x):
    x = t(x)
    return x if x.is_floating_point() or x.is_complex() else cast(x, config.floatx())


def square(x): x = t(x); return torch.square(x) if x.dtype != torch.bool else x
def sqrt(x): return torch.sqrt(_float(x))
def exp(x): return torch.exp(_float(x))
def expm1(x): return torch.expm1(_float(x))
def log(x): return torch.log(_float(x))
def log1p(x): return torch.log1p(_float(x))
def log2(x): return torch.log2(_float(x))
def log10(x): return torch.log10(_float(x))
def logaddexp(x1, x2): a, b = _pair(x1, x2); return torch.logaddexp(_float(a), _float(b))
def sign(x): return torch.sign(t(x))
def reciprocal(x): return torch.reciprocal(_float(x))
def sin(x): return torch.sin(_float(x))
def cos(x): return torch.cos(_float(x))
def tan(x): return torch.tan(_float(x))
def arcsin(x): return torch.asin(_float(x))
def arccos(x): return torch.acos(_float(x))
def arctan(x): return torch.atan(_float(x))
def arctan2(x1, x2): a, b = _pair(x1, x2); return torch.atan2(_float(a), _float(b))
def sinh(x): return torch.sinh(_float(x))
def cosh(x): return torch.cosh(_float(x))
def tanh(x): return torch.tanh(_float(x))
def arcsinh(x): return torch.asinh(_float(x))
def arccosh(x): return torch.acosh(_float(x))
def arctanh(x): return torch.atanh(_float(x))
def floor(x): x = t(x); return torch.floor(x) if x.is_floating_point() else x
def ceil(x): x = t(x); return torch.ceil(x) if x.is_floating_point() else x
def isnan(x): return torch.isnan(t(x))
def isinf(x): return torch.isinf(t(x))
def isfinite(x): return torch.isfinite(t(x))


def round(x, decimals=0):
    x = t(x)
    if not x.is_floating_point():
        return x
    return torch.round(x, decimals=decimals)


def clip(x, x_min, x_max):
    x = t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, min=x_min, max=x_max)


def matmul(x1, x2):
    a, b = t(x1), t(x2)
    if a.dtype != b.dtype:
        common = to_torch_dtype(dtypes.result_type(a.dtype, b.dtype))
        a, b = a.to(common), b.to(common)
    return torch.matmul(a, b)


def dot(x1, x2):
    a, b = t(x1), t(x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim == 1 or a.ndim == 1:
        return matmul(a, b)
    return torch.tensordot(a, b, dims=([-1], [-2]))


def tensordot(x1, x2, axes=2):
    a, b = t(x1), t(x2)
    if isinstance(axes, (list, tuple)):
        axes = [list(ax) if isinstance(ax, (list, tuple)) else [ax] for ax in axes]
    return torch.tensordot(a, b, dims=axes)


def einsum(subscripts, *operands):
    ops = [t(o) for o in operands]
    common = to_torch_dtype(dtypes.result_type(*[o.dtype for o in ops]))
    return torch.einsum(subscripts, *[o.to(common) for o in ops])


def outer(x1, x2): return torch.outer(t(x1).flatten(), t(x2).flatten())


def _reduce_input(x):
    x = t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return x


def sum(x, axis=None, keepdims=False):
    x = _reduce_input(x)
    if axis is None:
        out = torch.sum(x)
        return out.reshape([1] * x.ndim) if keepdims else out
    return torch.sum(x, dim=_axis(axis), keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    x = _float(_reduce_input(x))
    if axis is None:
        out = torch.mean(x)
        return out.reshape([1] * x.ndim) if keepdims else out
    return torch.mean(x, dim=_axis(axis), keepdim=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = _reduce_input(x)
    if dtype is not None:
        x = cast(x, dtype)
    if axis is None:
        out = torch.prod(x)
        return out.reshape([1] * x.ndim) if keepdims else out
    for ax in sorted(_as_tuple(axis), reverse=True):
        x = torch.prod(x, dim=ax, keepdim=keepdims)
    return x


def _as_tuple(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)


def max(x, axis=None, keepdims=False, initial=None):
    x = t(x)
    if axis is None:
        out = torch.max(x)
        out = out.reshape([1] * x.ndim) if keepdims else out
    else:
        out = torch.amax(x, dim=_axis(axis), keepdim=keepdims)
    if initial is not None:
        out = torch.clamp(out, min=initial)
    return out


def min(x, axis=None, keepdims=False, initial=None):
    x = t(x)
    if axis is None:
        out = torch.min(x)
        out = out.reshape([1] * x.ndim) if keepdims else out
    else:
        out = torch.amin(x, dim=_axis(axis), keepdim=keepdims)
    if initial is not None:
        out = torch.clamp(out, max=initial)
    return out


amax = max
amin = min


def var(x, axis=None, keepdims=False):
    x = _float(x)
    return torch.var(x, dim=_axis(axis), keepdim=keepdims, correction=0)


def std(x, axis=None, keepdims=False):
    x = _float(x)
    return torch.std(x, dim=_axis(axis), keepdim=keepdims, correction=0)


def any(x, axis=None, keepdims=False):
    x = t(x)
    if axis is None:
        out = torch.any(x)
        return out.reshape([1] * x.ndim) if keepdims else out
    for ax in sorted(_as_tuple(axis), reverse=True):
        x = torch.any(x, dim=ax, keepdim=keepdims)
    return x


def all(x, axis=None, keepdims=False):
    x = t(x)
    if axis is None:
        out = torch.all(x)
        return out.reshape([1] * x.ndim) if keepdims else out
    for ax in sorted(_as_tuple(axis), reverse=True):
        x = torch.all(x, dim=ax, keepdim=keepdims)
    return x


def argmax(x, axis=None, keepdims=False):
    x = t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    out = torch.argmax(x, dim=axis, keepdim=keepdims)
    return out.to(torch.int32)


def argmin(x, axis=None, keepdims=False):
    x = t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argsort(x, axis=-1):
    x = t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def sort(x, axis=-1):
    x = t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.sort(x, dim=axis, stable=True).values


def cumsum(x, axis=None, dtype=None):
    x = _reduce_input(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.cumsum(x, dim=axis, dtype=to_torch_dtype(dtype) if dtype else None)


def cumprod(x, axis=None, dtype=None):
    x = _reduce_input(x)
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.cumprod(x, dim=axis, dtype=to_torch_dtype(dtype) if dtype else None)


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return torch.reshape(t(x), tuple(-1 if d is None else d for d in newshape))


def transpose(x, axes=None):
    x = t(x)
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    return x.permute(*axes)


def moveaxis(x, source, destination): return torch.moveaxis(t(x), source, destination)
def swapaxes(x, axis1, axis2): return torch.swapaxes(t(x), axis1, axis2)


def expand_dims(x, axis):
    x = t(x)
    for ax in sorted(_as_tuple(axis)):
        x = torch.unsqueeze(x, ax if ax >= 0 else ax + x.ndim + 1)
    return x


def squeeze(x, axis=None):
    x = t(x)
    if axis is None:
        return torch.squeeze(x)
    for ax in sorted([a % x.ndim for a in _as_tuple(axis)], reverse=True):
        if x.shape[ax] != 1:
            raise ValueError(f"Cannot squeeze axis {ax}: it has size {x.shape[ax]}, not 1.")
        x = torch.squeeze(x, ax)
    return x


def _common(xs):
    xs = [t(x) for x in xs]
    common = to_torch_dtype(dtypes.result_type(*[x.dtype for x in xs]))
    return [x.to(common) for x in xs]


def concatenate(xs, axis=0):
    xs = _common(xs)
    if axis is None:
        return torch.cat([x.flatten() for x in xs])
    return torch.cat(xs, dim=axis)


def stack(x, axis=0): return torch.stack(_common(x), dim=axis)
def hstack(xs): return torch.hstack(_common(xs))
def vstack(xs): return torch.vstack(_common(xs))


def split(x, indices_or_sections, axis=0):
    x = t(x)
    if isinstance(indices_or_sections, int):
        n = x.shape[axis]
        if n % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of size {n} does not divide into {indices_or_sections} equal parts."
            )
        return list(torch.split(x, n // indices_or_sections, dim=axis))
    idx = [0] + list(indices_or_sections) + [x.shape[axis]]
    return [torch.narrow(x, axis, s, e - s) for s, e in zip(idx[:-1], idx[1:])]


def tile(x, repeats):
    x = t(x)
    if isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(x, tuple(repeats))


def repeat(x, repeats, axis=None):
    x = t(x)
    if axis is None:
        x, axis = x.flatten(), 0
    if not isinstance(repeats, int):
        repeats = t(repeats)
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_to(x, shape): return torch.broadcast_to(t(x), tuple(shape))


def where(condition, x1=None, x2=None):
    condition = t(condition).to(torch.bool)
    if x1 is None and x2 is None:
        return tuple(i.to(torch.int32) for i in torch.nonzero(condition, as_tuple=True))
    a, b = _pair(x1, x2)
    if a.dtype != b.dtype:
        common = to_torch_dtype(dtypes.result_type(a.dtype, b.dtype))
        a, b = a.to(common), b.to(common)
    return torch.where(condition, a, b)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype), device=get_device())


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype), device=get_device())


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def full(shape, fill_value, dtype=None):
    if dtype is None:
        dtype = dtypes.standardize_dtype(type(fill_value)) if isinstance(fill_value, (int, float, bool)) \
            else t(fill_value).dtype
    return torch.full(_shape(shape), fill_value, dtype=to_torch_dtype(dtype), device=get_device()) \
        if isinstance(fill_value, (int, float, bool)) else \
        torch.broadcast_to(t(fill_value, dtype), _shape(shape)).clone()


def zeros_like(x, dtype=None):
    return torch.zeros_like(t(x), dtype=to_torch_dtype(dtype) if dtype else None)


def ones_like(x, dtype=None):
    return torch.ones_like(t(x), dtype=to_torch_dtype(dtype) if dtype else None)


def full_like(x, fill_value, dtype=None):
    return torch.full_like(t(x), fill_value, dtype=to_torch_dtype(dtype) if dtype else None)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, stop, step))
        dtype = config.floatx() if is_float else "int32"
    return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=get_device())


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = to_torch_dtype(dtype or config.floatx())
    if endpoint:
        out = torch.linspace(start, stop, num, dtype=torch.float64, device=get_device())
        step = (stop - start) / (num - 1) if num > 1 else 0.0
    else:
        step = (stop - start) / num
        out = start + step * torch.arange(num, dtype=torch.float64, device=get_device())
    out = out.to(dtype)
    return (out, step) if retstep else out


def eye(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    out = torch.zeros(N, M, dtype=to_torch_dtype(dtype), device=get_device())
    idx = torch.arange(builtins.min(N, M - k) if k >= 0 else builtins.min(N + k, M), device=get_device())
    if k >= 0:
        out[idx, idx + k] = 1
    else:
        out[idx - k, idx] = 1
    return out


def identity(n, dtype=None): return eye(n, dtype=dtype)


def take(x, indices, axis=None):
    x = t(x)
    indices = t(indices).long()
    if axis is None:
        x, axis = x.flatten(), 0
    axis = axis % x.ndim
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    out = torch.index_select(x, axis, indices.flatten())
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])


def take_along_axis(x, indices, axis=None):
    x = t(x)
    indices = t(indices).long()
    if axis is None:
        x, axis = x.flatten(), 0
    return torch.take_along_dim(x, indices, dim=axis)


# Statistics, element-wise extras and constructors live in numpy_extra.py (same namespace).
from cornu.backend.torch.numpy_extra import *  # noqa: E402,F401,F403

# NumPy ops beyond the core set (same namespace).
from cornu.backend.torch.numpy_elementwise import *  # noqa: E402,F401,F403
from cornu.backend.torch.numpy_arrays import *  # noqa: E402,F401,F403
