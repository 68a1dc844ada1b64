"""JAX engine: the NumPy-like op set."""
import builtins

import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype

t = convert_to_tensor


def _arg(x):
    """Python scalars stay weakly typed; everything else becomes an array."""
    if isinstance(x, (int, float, bool)):
        return x
    return t(x)


def _float(x):
    x = t(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(to_jax_dtype(config.floatx()))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def add(x1, x2): return jnp.add(_arg(x1), _arg(x2))
def subtract(x1, x2): return jnp.subtract(_arg(x1), _arg(x2))
def multiply(x1, x2): return jnp.multiply(_arg(x1), _arg(x2))


def true_divide(x1, x2):
    a, b = _arg(x1), _arg(x2)
    if not builtins.any(isinstance(v, float) or (hasattr(v, "dtype") and jnp.issubdtype(v.dtype, jnp.inexact))
                        for v in (a, b)):
        a, b = _float(a), _float(b)
    return jnp.true_divide(a, b)


divide = true_divide


def divide_no_nan(x1, x2):
    """``x1 / x2`` with 0 wherever ``x2 == 0`` (no NaN or inf, and safe gradients)."""
    a, b = _arg(x1), _arg(x2)
    if not builtins.any(isinstance(v, float) or (hasattr(v, "dtype") and jnp.issubdtype(v.dtype, jnp.inexact))
                        for v in (a, b)):
        a, b = _float(a), _float(b)
    zero = jnp.equal(b, 0)
    return jnp.where(zero, 0, jnp.true_divide(a, jnp.where(zero, 1, b)))


def floor_divide(x1, x2): return jnp.floor_divide(_arg(x1), _arg(x2))
def mod(x1, x2): return jnp.mod(_arg(x1), _arg(x2))
def power(x1, x2): return jnp.power(_arg(x1), _arg(x2))
def maximum(x1, x2): return jnp.maximum(_arg(x1), _arg(x2))
def minimum(x1, x2): return jnp.minimum(_arg(x1), _arg(x2))
def equal(x1, x2): return jnp.equal(_arg(x1), _arg(x2))
def not_equal(x1, x2): return jnp.not_equal(_arg(x1), _arg(x2))
def less(x1, x2): return jnp.less(_arg(x1), _arg(x2))
def less_equal(x1, x2): return jnp.less_equal(_arg(x1), _arg(x2))
def greater(x1, x2): return jnp.greater(_arg(x1), _arg(x2))
def greater_equal(x1, x2): return jnp.greater_equal(_arg(x1), _arg(x2))
def logical_and(x1, x2): return jnp.logical_and(t(x1), t(x2))
def logical_or(x1, x2): return jnp.logical_or(t(x1), t(x2))
def logical_xor(x1, x2): return jnp.logical_xor(t(x1), t(x2))
def logical_not(x): return jnp.logical_not(t(x))
def negative(x): return jnp.negative(t(x))
def absolute(x): return jnp.abs(t(x))


abs = absolute


def square(x): x = t(x); return jnp.square(x) if x.dtype != jnp.bool_ else x
def sqrt(x): return jnp.sqrt(_float(x))
def exp(x): return jnp.exp(_float(x))
def expm1(x): return jnp.expm1(_float(x))
def log(x): return jnp.log(_float(x))
def log1p(x): return jnp.log1p(_float(x))
def log2(x): return jnp.log2(_float(x))
def log10(x): return jnp.log10(_float(x))
def logaddexp(x1, x2): return jnp.logaddexp(_float(x1), _float(x2))
def sign(x): return jnp.sign(t(x))
def reciprocal(x): return jnp.reciprocal(_float(x))
def sin(x): return jnp.sin(_float(x))
def cos(x): return jnp.cos(_float(x))
def tan(x): return jnp.tan(_float(x))
def arcsin(x): return jnp.arcsin(_float(x))
def arccos(x): return jnp.arccos(_float(x))
def arctan(x): return jnp.arctan(_float(x))
def arctan2(x1, x2): return jnp.arctan2(_float(x1), _float(x2))
def sinh(x): return jnp.sinh(_float(x))
def cosh(x): return jnp.cosh(_float(x))
def tanh(x): return jnp.tanh(_float(x))
def arcsinh(x): return jnp.arcsinh(_float(x))
def arccosh(x): return jnp.arccosh(_float(x))
def arctanh(x): return jnp.arctanh(_float(x))
def floor(x): x = t(x); return jnp.floor(x) if jnp.issubdtype(x.dtype, jnp.floating) else x
def ceil(x): x = t(x); return jnp.ceil(x) if jnp.issubdtype(x.dtype, jnp.floating) else x
def isnan(x): return jnp.isnan(t(x))
def isinf(x): return jnp.isinf(t(x))
def isfinite(x): return jnp.isfinite(t(x))
def round(x, decimals=0): return jnp.round(t(x), decimals)


def clip(x, x_min, x_max):
    x = t(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    return jnp.clip(x, x_min, x_max)


def matmul(x1, x2): return jnp.matmul(t(x1), t(x2))
def dot(x1, x2): return jnp.dot(t(x1), t(x2))
def tensordot(x1, x2, axes=2): return jnp.tensordot(t(x1), t(x2), axes=axes)
def einsum(subscripts, *operands): return jnp.einsum(subscripts, *[t(o) for o in operands])
def outer(x1, x2): return jnp.outer(t(x1), t(x2))


def _reduce_input(x):
    x = t(x)
    return x.astype(jnp.int32) if x.dtype == jnp.bool_ else x


def sum(x, axis=None, keepdims=False): return jnp.sum(_reduce_input(x), axis=_axis(axis), keepdims=keepdims)
def mean(x, axis=None, keepdims=False): return jnp.mean(_float(_reduce_input(x)), axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    return jnp.prod(_reduce_input(x), axis=_axis(axis), keepdims=keepdims,
                    dtype=to_jax_dtype(dtype) if dtype else None)


def max(x, axis=None, keepdims=False, initial=None):
    return jnp.max(t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


def min(x, axis=None, keepdims=False, initial=None):
    return jnp.min(t(x), axis=_axis(axis), keepdims=keepdims, initial=initial)


amax = max
amin = min


def var(x, axis=None, keepdims=False): return jnp.var(_float(x), axis=_axis(axis), keepdims=keepdims)
def std(x, axis=None, keepdims=False): return jnp.std(_float(x), axis=_axis(axis), keepdims=keepdims)
def any(x, axis=None, keepdims=False): return jnp.any(t(x), axis=_axis(axis), keepdims=keepdims)
def all(x, axis=None, keepdims=False): return jnp.all(t(x), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    return jnp.argmax(_reduce_input(x), axis=axis, keepdims=keepdims).astype(jnp.int32)


def argmin(x, axis=None, keepdims=False):
    return jnp.argmin(_reduce_input(x), axis=axis, keepdims=keepdims).astype(jnp.int32)


def argsort(x, axis=-1): return jnp.argsort(t(x), axis=axis, stable=True).astype(jnp.int32)
def sort(x, axis=-1): return jnp.sort(t(x), axis=axis)


def cumsum(x, axis=None, dtype=None):
    return jnp.cumsum(_reduce_input(x), axis=axis, dtype=to_jax_dtype(dtype) if dtype else None)


def cumprod(x, axis=None, dtype=None):
    return jnp.cumprod(_reduce_input(x), axis=axis, dtype=to_jax_dtype(dtype) if dtype else None)


def reshape(x, newshape):
    if isinstance(newshape, int):
        newshape = (newshape,)
    return jnp.reshape(t(x), tuple(-1 if d is None else d for d in newshape))


def transpose(x, axes=None): return jnp.transpose(t(x), axes)
def moveaxis(x, source, destination): return jnp.moveaxis(t(x), source, destination)
def swapaxes(x, axis1, axis2): return jnp.swapaxes(t(x), axis1, axis2)
def expand_dims(x, axis): return jnp.expand_dims(t(x), axis)


def squeeze(x, axis=None):
    x = t(x)
    if axis is not None:
        for ax in (axis if isinstance(axis, (list, tuple)) else (axis,)):
            if x.shape[ax] != 1:
                raise ValueError(f"Cannot squeeze axis {ax}: it has size {x.shape[ax]}, not 1.")
    return jnp.squeeze(x, axis=_axis(axis))


def concatenate(xs, axis=0): return jnp.concatenate([t(x) for x in xs], axis=axis)
def stack(x, axis=0): return jnp.stack([t(v) for v in x], axis=axis)
def hstack(xs): return jnp.hstack([t(x) for x in xs])
def vstack(xs): return jnp.vstack([t(x) for x in xs])


def split(x, indices_or_sections, axis=0):
    x = t(x)
    if isinstance(indices_or_sections, int) and x.shape[axis] % indices_or_sections:
        raise ValueError(
            f"split: axis {axis} of size {x.shape[axis]} does not divide into "
            f"{indices_or_sections} equal parts."
        )
    return jnp.split(x, indices_or_sections, axis=axis)


def tile(x, repeats): return jnp.tile(t(x), repeats)
def repeat(x, repeats, axis=None): return jnp.repeat(t(x), repeats, axis=axis)
def broadcast_to(x, shape): return jnp.broadcast_to(t(x), tuple(shape))


def where(condition, x1=None, x2=None):
    condition = t(condition).astype(jnp.bool_)
    if x1 is None and x2 is None:
        return tuple(i.astype(jnp.int32) for i in jnp.nonzero(condition))
    return jnp.where(condition, _arg(x1), _arg(x2))


def _dt(dtype):
    return to_jax_dtype(dtype or config.floatx())


def zeros(shape, dtype=None): return jnp.zeros(shape, dtype=_dt(dtype))
def ones(shape, dtype=None): return jnp.ones(shape, dtype=_dt(dtype))


def full(shape, fill_value, dtype=None):
    return jnp.full(shape, fill_value, dtype=to_jax_dtype(dtype) if dtype else None)


def zeros_like(x, dtype=None): return jnp.zeros_like(t(x), dtype=to_jax_dtype(dtype) if dtype else None)
def ones_like(x, dtype=None): return jnp.ones_like(t(x), dtype=to_jax_dtype(dtype) if dtype else None)


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(t(x), fill_value, dtype=to_jax_dtype(dtype) if dtype else None)


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, stop, step))
        dtype = config.floatx() if is_float else "int32"
    return jnp.arange(start, stop, step, dtype=to_jax_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=_dt(dtype), axis=axis)


def eye(N, M=None, k=0, dtype=None): return jnp.eye(N, M, k=k, dtype=_dt(dtype))
def identity(n, dtype=None): return jnp.identity(n, dtype=_dt(dtype))


def take(x, indices, axis=None):
    x = t(x)
    indices = t(indices)
    if axis is None:
        x, axis = x.reshape(-1), 0
    indices = jnp.where(indices < 0, indices + x.shape[axis], indices)
    return jnp.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None): return jnp.take_along_axis(t(x), t(indices), axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    kwargs = {"constant_values": constant_values or 0} if mode == "constant" else {}
    return jnp.pad(t(x), pad_width, mode=mode, **kwargs)


def flip(x, axis=None): return jnp.flip(t(x), axis=axis)
def roll(x, shift, axis=None): return jnp.roll(t(x), shift, axis=axis)
def tril(x, k=0): return jnp.tril(t(x), k)
def triu(x, k=0): return jnp.triu(t(x), k)
def diag(x, k=0): return jnp.diag(t(x), k)
def trace(x, offset=0, axis1=0, axis2=1): return jnp.trace(t(x), offset, axis1, axis2)
def count_nonzero(x, axis=None): return jnp.count_nonzero(t(x), axis=axis).astype(jnp.int32)
def size(x): return t(x).size
def ndim(x): return t(x).ndim
def average(x, axis=None, weights=None): return jnp.average(_float(x), axis=axis, weights=weights)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(t(x), nan=nan, posinf=posinf, neginf=neginf)


def vdot(x1, x2): return jnp.vdot(t(x1), t(x2))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return jnp.cross(t(x1), t(x2), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def copy(x): return jnp.array(t(x), copy=True)
def real(x): return jnp.real(t(x))
def imag(x): return jnp.imag(t(x))
def unique(x): return jnp.unique(t(x))
def median(x, axis=None, keepdims=False): return jnp.median(_float(x), axis=axis, keepdims=keepdims)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return jnp.quantile(_float(x), t(q), axis=axis, method=method, keepdims=keepdims)


def histogram(x, bins=10, range=None): return jnp.histogram(_float(x), bins=bins, range=range)
def meshgrid(*x, indexing="xy"): return list(jnp.meshgrid(*[t(v) for v in x], indexing=indexing))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return jnp.isclose(t(x1), t(x2), rtol=rtol, atol=atol, equal_nan=equal_nan)


def ravel(x): return jnp.ravel(t(x))
def signbit(x): return jnp.signbit(t(x))
def trunc(x): return jnp.trunc(t(x))
def exp2(x): return jnp.exp2(_float(x))
def cbrt(x): return jnp.cbrt(_float(x))
def hypot(x1, x2): return jnp.hypot(_float(x1), _float(x2))
def deg2rad(x): return jnp.deg2rad(_float(x))
def rad2deg(x): return jnp.rad2deg(_float(x))


def bincount(x, weights=None, minlength=0):
    return jnp.bincount(t(x), weights=weights, minlength=minlength)


def digitize(x, bins): return jnp.digitize(t(x), t(bins)).astype(jnp.int32)


def searchsorted(sorted_sequence, values, side="left"):
    return jnp.searchsorted(t(sorted_sequence), t(values), side=side).astype(jnp.int32)


def diff(a, n=1, axis=-1): return jnp.diff(t(a), n=n, axis=axis)
def empty(shape, dtype=None): return zeros(shape, dtype)


def select(condlist, choicelist, default=0):
    return jnp.select([t(c) for c in condlist], [t(c) for c in choicelist], default)


def conjugate(x): return jnp.conjugate(t(x))


conj = conjugate


def array(x, dtype=None): return convert_to_tensor(x, dtype=dtype)

# NumPy ops beyond the core set (same namespace).
from cornu.backend.jax.numpy_elementwise import *  # noqa: E402,F401,F403
from cornu.backend.jax.numpy_arrays import *  # noqa: E402,F401,F403
