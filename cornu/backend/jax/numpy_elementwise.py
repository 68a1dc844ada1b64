"""Jax engine: element-wise NumPy ops beyond the core set (bitwise, special functions,
windows, constructors), re-exported by ``cornu.backend.jax.numpy``.

Dtypes follow cornu's promotion (``dtypes.result_type``), as on the torch engine:
Python scalars are weak, integer inputs of float-valued functions give ``floatx()``.
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from cornu.backend import config
from cornu.backend.common import dtypes, op_checks
from cornu.backend.jax.core import to_jax_dtype
from cornu.backend.jax.numpy import _float, t

__all__ = [
    "angle", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "fabs", "fmax", "fmin",
    "fmod", "gcd", "lcm", "heaviside", "i0", "sinc", "ldexp", "nextafter", "logaddexp2", "isreal",
    "isneginf", "isposinf", "allclose", "empty_like", "bartlett", "blackman", "hamming", "hanning",
    "kaiser", "geomspace", "logspace", "tri", "vander", "view",
]

_HALF = (jnp.float16, jnp.bfloat16)


def _is_scalar(x):
    return isinstance(x, (int, float, bool)) and not isinstance(x, np.generic)


def _scalar_like(value, ref):
    """A Python scalar as an array of ``ref``'s kind ("weak" typing, as on torch)."""
    if isinstance(value, float) and not jnp.issubdtype(ref.dtype, jnp.inexact):
        dtype = to_jax_dtype(config.floatx())
    elif isinstance(value, int) and not isinstance(value, bool) and ref.dtype == jnp.bool_:
        dtype = jnp.int32
    else:
        dtype = ref.dtype
    return jnp.asarray(value, dtype=dtype)


def _pair(x1, x2):
    if _is_scalar(x1) and not _is_scalar(x2):
        x2 = t(x2)
        return _scalar_like(x1, x2), x2
    if _is_scalar(x2) and not _is_scalar(x1):
        x1 = t(x1)
        return x1, _scalar_like(x2, x1)
    return t(x1), t(x2)


def _common(x1, x2):
    """Both operands converted (Python scalars weak) and cast to their promoted dtype."""
    a, b = _pair(x1, x2)
    dtype = to_jax_dtype(dtypes.result_type(a.dtype, b.dtype))
    return a.astype(dtype), b.astype(dtype)


def _common_float(x1, x2):
    """Like ``_common``, but an integer or boolean result becomes ``floatx()``."""
    a, b = _common(x1, x2)
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        floatx = to_jax_dtype(config.floatx())
        a, b = a.astype(floatx), b.astype(floatx)
    return a, b


def _integer_pair(op, x1, x2, names, allow_bool=True):
    """Operands of an integer op, promoted together; each must be an integer or boolean tensor
    (and, unless ``allow_bool``, not both boolean)."""
    a, b = _pair(x1, x2)
    dtype = to_jax_dtype(op_checks.integer_pair_dtype(op, names, a.dtype, b.dtype, allow_bool))
    return a.astype(dtype), b.astype(dtype)


# -- bitwise --------------------------------------------------------------------------------------
def bitwise_and(x, y):
    """``x & y`` on integer or boolean tensors."""
    return jnp.bitwise_and(*_integer_pair("bitwise_and", x, y, ("x", "y")))


def bitwise_or(x, y):
    """``x | y`` on integer or boolean tensors."""
    return jnp.bitwise_or(*_integer_pair("bitwise_or", x, y, ("x", "y")))


def bitwise_xor(x, y):
    """``x ^ y`` on integer or boolean tensors."""
    return jnp.bitwise_xor(*_integer_pair("bitwise_xor", x, y, ("x", "y")))


def bitwise_not(x):
    """``~x``: bit inversion of integers, logical not of booleans."""
    x = t(x)
    op_checks.check_integer_or_bool("bitwise_not", "x", x.dtype)
    return jnp.invert(x)


bitwise_invert = bitwise_not


def _shift_pair(op, x, y):
    a, b = _integer_pair(op, x, y, ("x", "y"))
    if a.dtype == jnp.bool_:  # two booleans shift as int32, like NumPy's default integers
        a, b = a.astype(jnp.int32), b.astype(jnp.int32)
    return a, b


def bitwise_left_shift(x, y):
    """``x << y`` on integer tensors."""
    return jnp.left_shift(*_shift_pair("bitwise_left_shift", x, y))


def bitwise_right_shift(x, y):
    """``x >> y`` on integer tensors (arithmetic for signed types)."""
    return jnp.right_shift(*_shift_pair("bitwise_right_shift", x, y))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def gcd(x1, x2):
    """Greatest common divisor, element-wise, of integer tensors."""
    return jnp.gcd(*_integer_pair("gcd", x1, x2, ("x1", "x2"), allow_bool=False))


def lcm(x1, x2):
    """Least common multiple, element-wise, of integer tensors."""
    return jnp.lcm(*_integer_pair("lcm", x1, x2, ("x1", "x2"), allow_bool=False))


# -- real-valued element-wise functions ------------------------------------------------------------
def angle(x):
    """The argument of complex ``x``; 0 or pi for real ``x`` (pi for negatives and -0.0)."""
    x = t(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return jnp.angle(x)
    x = _float(x)
    return jnp.arctan2(jnp.zeros_like(x), x)


def fabs(x):
    """``|x|`` as a float tensor (integers become ``floatx()``)."""
    return jnp.abs(_float(x))


def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs (NaN only where both are NaN)."""
    return jnp.fmax(*_common(x1, x2))


def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs (NaN only where both are NaN)."""
    return jnp.fmin(*_common(x1, x2))


def fmod(x1, x2):
    """C-style remainder: the result has the sign of ``x1``."""
    a, b = _common(x1, x2)
    if jnp.issubdtype(a.dtype, jnp.inexact):
        return jnp.fmod(a, b)
    if a.dtype == jnp.bool_:
        a, b = a.astype(jnp.int32), b.astype(jnp.int32)
    zero = b == 0  # integer division by zero gives 0, as in NumPy
    return jnp.where(zero, jnp.zeros_like(a), jnp.fmod(a, jnp.where(zero, jnp.ones_like(b), b)))


def heaviside(x1, x2):
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``."""
    a, b = _common_float(x1, x2)
    step = jnp.where(a == 0, b, jnp.where(a > 0, jnp.ones_like(a), jnp.zeros_like(a)))
    return jnp.where(jnp.isnan(a), a, step)


def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    x = _float(x)
    if x.dtype in _HALF:
        return jnp.i0(x.astype(jnp.float32)).astype(x.dtype)
    return jnp.i0(x)


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0)."""
    return jnp.sinc(_float(x))


def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2``."""
    a, b = t(x1), t(x2)  # the result takes x1's float type: no weak typing needed
    op_checks.check_integer_exponent(b.dtype)
    a = _float(a)
    out_dtype = a.dtype
    if a.dtype in _HALF:
        a = a.astype(jnp.float32)  # 2**x2 alone may overflow a half type
    return jnp.ldexp(a, b).astype(out_dtype)


def nextafter(x1, x2):
    """The next representable float after ``x1`` in the direction of ``x2``."""
    return jnp.nextafter(*_common_float(x1, x2))


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` computed without overflow."""
    return jnp.logaddexp2(*_common_float(x1, x2))


def isreal(x):
    """True where ``x`` has no imaginary part (everywhere for real dtypes)."""
    return jnp.isreal(t(x))


def isneginf(x):
    """True where ``x`` is negative infinity."""
    x = t(x)
    return jnp.isneginf(x) if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.zeros(x.shape, jnp.bool_)


def isposinf(x):
    """True where ``x`` is positive infinity."""
    x = t(x)
    return jnp.isposinf(x) if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.zeros(x.shape, jnp.bool_)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` holds everywhere (a 0-d boolean)."""
    a, b = _common_float(x1, x2)
    return jnp.all(jnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def empty_like(x, dtype=None):
    """A tensor shaped like ``x`` (filled with zeros, so its content is deterministic)."""
    x = t(x)
    return jnp.zeros_like(x, dtype=to_jax_dtype(dtype) if dtype is not None else x.dtype)


# -- windows ---------------------------------------------------------------------------------------
def _length(x):
    return int(x)


def _window(values):
    return values.astype(to_jax_dtype(config.floatx()))


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    return _window(jnp.bartlett(_length(x)))


def blackman(x):
    """The Blackman window of length ``x``."""
    return _window(jnp.blackman(_length(x)))


def hamming(x):
    """The Hamming window of length ``x``."""
    return _window(jnp.hamming(_length(x)))


def hanning(x):
    """The Hann window of length ``x``."""
    return _window(jnp.hanning(_length(x)))


def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape parameter ``beta``."""
    return _window(jnp.kaiser(_length(x), float(beta)))


# -- constructors ----------------------------------------------------------------------------------
def _space_dtypes(start, stop, dtype):
    """(output dtype, compute dtype) of logspace/geomspace."""
    out = to_jax_dtype(op_checks.space_dtype(dtype, (t(a).dtype for a in (start, stop) if not _is_scalar(a))))
    exact = out == np.dtype("float64") or not jnp.issubdtype(out, jnp.floating)
    return out, to_jax_dtype("float64") if exact else jnp.float32


def _exponents(start, stop, num, endpoint):
    """``linspace(start, stop, num)`` along a new leading axis, broadcast over start/stop."""
    div = num - 1 if endpoint else num
    steps = jnp.arange(num, dtype=start.dtype).reshape((num,) + (1,) * start.ndim)
    y = start + steps * ((stop - start) / div if div > 0 else jnp.zeros_like(start))
    if endpoint and num > 1:
        y = y.at[-1].set(stop)
    return y


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: numbers evenly spaced on a log scale."""
    out_dtype, compute = _space_dtypes(start, stop, dtype)
    a, b = jnp.broadcast_arrays(t(start).astype(compute), t(stop).astype(compute))
    y = _exponents(a, b, num, endpoint)
    base = t(base).astype(compute)
    out = jnp.power(base[None] if base.ndim else base, y)
    return jnp.moveaxis(out, 0, axis).astype(out_dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers evenly spaced on a log scale from ``start`` to ``stop`` (same sign, non-zero)."""
    out_dtype, compute = _space_dtypes(start, stop, dtype)
    a, b = jnp.broadcast_arrays(t(start).astype(compute), t(stop).astype(compute))
    y = _exponents(jnp.log10(jnp.abs(a)), jnp.log10(jnp.abs(b)), num, endpoint)
    out = jnp.sign(a) * jnp.power(jnp.asarray(10.0, compute), y)
    out = jnp.where(jnp.sign(a) == jnp.sign(b), out, jnp.nan)
    if num > 0:
        out = out.at[0].set(a)
        if endpoint and num > 1:
            out = out.at[-1].set(b)
    return jnp.moveaxis(out, 0, axis).astype(out_dtype)


def tri(N, M=None, k=0, dtype=None):
    """An ``(N, M)`` matrix with ones at and below the ``k``-th diagonal, zeros elsewhere."""
    return jnp.tri(N, M, k, dtype=to_jax_dtype(dtype or config.floatx()))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D ``x``: columns are powers of ``x``."""
    x = t(x)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    N = x.shape[0] if N is None else N
    if N == 0:
        return jnp.zeros((x.shape[0], 0), dtype=x.dtype)
    cols = jnp.concatenate([jnp.ones_like(x)[:, None], jnp.broadcast_to(x[:, None], (x.shape[0], N - 1))], axis=1)
    out = jnp.cumprod(cols, axis=1).astype(x.dtype)
    return out if increasing else jnp.flip(out, axis=1)


def view(x, dtype=None):
    """The same bytes reinterpreted as ``dtype`` (the last axis scales with the item size)."""
    x = t(x)
    if dtype is None:
        return x
    target = np.dtype(to_jax_dtype(dtype))
    as_bool = target == np.dtype("bool")
    if as_bool:
        target = np.dtype("uint8")
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.uint8)
    old, new = x.dtype.itemsize, target.itemsize
    op_checks.check_view(tuple(x.shape), old, new, dtype)
    if old > new:  # each item splits into old // new trailing items
        out = lax.bitcast_convert_type(x, target)
        out = out.reshape(x.shape[:-1] + (x.shape[-1] * (old // new),))
    elif old < new:  # groups of new // old trailing items merge into one
        out = lax.bitcast_convert_type(x.reshape(x.shape[:-1] + (x.shape[-1] * old // new, new // old)), target)
    else:
        out = lax.bitcast_convert_type(x, target)
    return out != 0 if as_bool else out

