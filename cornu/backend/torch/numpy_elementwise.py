"""Torch engine: element-wise NumPy ops beyond the core set (bitwise, special functions,
windows, constructors), re-exported by ``cornu.backend.torch.numpy``.

Dtypes follow cornu's promotion (``dtypes.result_type``): Python scalars are weak,
integer inputs of float-valued functions give ``floatx()``.
"""
import torch

from cornu.backend import config
from cornu.backend.common import dtypes, op_checks
from cornu.backend.torch.core import get_device, to_torch_dtype
from cornu.backend.torch.numpy import _float, _is_scalar, _pair, t

__all__ = [
    "angle", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "fabs", "fmax", "fmin",
    "fmod", "gcd", "lcm", "heaviside", "i0", "sinc", "ldexp", "nextafter", "logaddexp2", "isreal",
    "isneginf", "isposinf", "allclose", "empty_like", "bartlett", "blackman", "hamming", "hanning",
    "kaiser", "geomspace", "logspace", "tri", "vander", "view",
]


def _common(x1, x2):
    """Both operands converted (Python scalars weak) and cast to their promoted dtype."""
    a, b = _pair(x1, x2)
    dtype = to_torch_dtype(dtypes.result_type(a.dtype, b.dtype))
    return a.to(dtype), b.to(dtype)


def _common_float(x1, x2):
    """Like ``_common``, but an integer or boolean result becomes ``floatx()``."""
    a, b = _common(x1, x2)
    if not (a.is_floating_point() or a.is_complex()):
        floatx = to_torch_dtype(config.floatx())
        a, b = a.to(floatx), b.to(floatx)
    return a, b


def _integer_pair(op, x1, x2, names, allow_bool=True):
    """Operands of an integer op, promoted together; each must be an integer or boolean tensor
    (and, unless ``allow_bool``, not both boolean)."""
    a, b = _pair(x1, x2)
    dtype = to_torch_dtype(op_checks.integer_pair_dtype(op, names, a.dtype, b.dtype, allow_bool))
    return a.to(dtype), b.to(dtype)


# -- bitwise --------------------------------------------------------------------------------------
def bitwise_and(x, y):
    """``x & y`` on integer or boolean tensors."""
    a, b = _integer_pair("bitwise_and", x, y, ("x", "y"))
    return torch.bitwise_and(a, b)


def bitwise_or(x, y):
    """``x | y`` on integer or boolean tensors."""
    a, b = _integer_pair("bitwise_or", x, y, ("x", "y"))
    return torch.bitwise_or(a, b)


def bitwise_xor(x, y):
    """``x ^ y`` on integer or boolean tensors."""
    a, b = _integer_pair("bitwise_xor", x, y, ("x", "y"))
    return torch.bitwise_xor(a, b)


def bitwise_not(x):
    """``~x``: bit inversion of integers, logical not of booleans."""
    x = t(x)
    op_checks.check_integer_or_bool("bitwise_not", "x", x.dtype)
    return torch.bitwise_not(x)


bitwise_invert = bitwise_not


def _shift_pair(op, x, y):
    a, b = _integer_pair(op, x, y, ("x", "y"))
    if a.dtype == torch.bool:  # two booleans shift as int32, like NumPy's default integers
        a, b = a.to(torch.int32), b.to(torch.int32)
    return a, b


def bitwise_left_shift(x, y):
    """``x << y`` on integer tensors."""
    return torch.bitwise_left_shift(*_shift_pair("bitwise_left_shift", x, y))


def bitwise_right_shift(x, y):
    """``x >> y`` on integer tensors (arithmetic for signed types)."""
    return torch.bitwise_right_shift(*_shift_pair("bitwise_right_shift", x, y))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def gcd(x1, x2):
    """Greatest common divisor, element-wise, of integer tensors."""
    return torch.gcd(*_integer_pair("gcd", x1, x2, ("x1", "x2"), allow_bool=False))


def lcm(x1, x2):
    """Least common multiple, element-wise, of integer tensors."""
    return torch.lcm(*_integer_pair("lcm", x1, x2, ("x1", "x2"), allow_bool=False))


# -- real-valued element-wise functions ------------------------------------------------------------
def angle(x):
    """The argument of complex ``x``; 0 or pi for real ``x`` (pi for negatives and -0.0)."""
    x = t(x)
    if x.is_complex():
        return torch.angle(x)
    x = _float(x)
    return torch.atan2(torch.zeros_like(x), x)


def fabs(x):
    """``|x|`` as a float tensor (integers become ``floatx()``)."""
    return torch.abs(_float(x))


def fmax(x1, x2):
    """Element-wise maximum that ignores NaNs (NaN only where both are NaN)."""
    return torch.fmax(*_common(x1, x2))


def fmin(x1, x2):
    """Element-wise minimum that ignores NaNs (NaN only where both are NaN)."""
    return torch.fmin(*_common(x1, x2))


def fmod(x1, x2):
    """C-style remainder: the result has the sign of ``x1``."""
    a, b = _common(x1, x2)
    if a.is_floating_point() or a.is_complex():
        return torch.fmod(a, b)
    if a.dtype == torch.bool:
        a, b = a.to(torch.int32), b.to(torch.int32)
    zero = b == 0  # integer division by zero gives 0, as in NumPy (torch would raise)
    return torch.where(zero, 0, torch.fmod(a, torch.where(zero, 1, b)))


def heaviside(x1, x2):
    """Step function: 0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``."""
    a, b = _common_float(x1, x2)
    step = torch.where(a == 0, b, torch.where(a > 0, torch.ones_like(a), torch.zeros_like(a)))
    return torch.where(torch.isnan(a), a, step)


def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    return torch.i0(_float(x))


def sinc(x):
    """Normalized sinc, ``sin(pi x) / (pi x)`` (1 at 0)."""
    return torch.sinc(_float(x))


def ldexp(x1, x2):
    """``x1 * 2**x2`` for an integer exponent ``x2``."""
    a, b = t(x1), t(x2)  # the result takes x1's float type: no weak typing needed
    op_checks.check_integer_exponent(b.dtype)
    a = _float(a)
    compute = torch.float32 if a.dtype in (torch.float16, torch.bfloat16) else a.dtype  # 2**x2 may overflow a half
    return (a.to(compute) * torch.exp2(b.to(compute))).to(a.dtype)


def nextafter(x1, x2):
    """The next representable float after ``x1`` in the direction of ``x2``."""
    return torch.nextafter(*_common_float(x1, x2))


def logaddexp2(x1, x2):
    """``log2(2**x1 + 2**x2)`` computed without overflow."""
    return torch.logaddexp2(*_common_float(x1, x2))


def isreal(x):
    """True where ``x`` has no imaginary part (everywhere for real dtypes)."""
    return torch.isreal(t(x))


def isneginf(x):
    """True where ``x`` is negative infinity."""
    return torch.isneginf(t(x))


def isposinf(x):
    """True where ``x`` is positive infinity."""
    return torch.isposinf(t(x))


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` holds everywhere (a 0-d boolean)."""
    a, b = _common_float(x1, x2)
    return torch.all(torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def empty_like(x, dtype=None):
    """A tensor shaped like ``x`` (filled with zeros, so its content is deterministic)."""
    x = t(x)
    return torch.zeros_like(x, dtype=to_torch_dtype(dtype) if dtype is not None else x.dtype)


# -- windows ---------------------------------------------------------------------------------------
def _window(fn, M, **kwargs):
    out = fn(M, dtype=torch.float64, device=get_device(), **kwargs)  # symmetric, as NumPy's
    return out.to(to_torch_dtype(config.floatx()))


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``."""
    return _window(torch.signal.windows.bartlett, _length(x))


def blackman(x):
    """The Blackman window of length ``x``."""
    return _window(torch.signal.windows.blackman, _length(x))


def hamming(x):
    """The Hamming window of length ``x``."""
    return _window(torch.signal.windows.hamming, _length(x))


def hanning(x):
    """The Hann window of length ``x``."""
    return _window(torch.signal.windows.hann, _length(x))


def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape parameter ``beta``."""
    return _window(torch.signal.windows.kaiser, _length(x), beta=float(beta))


def _length(x):
    return int(x.item()) if torch.is_tensor(x) else int(x)


# -- constructors ----------------------------------------------------------------------------------
def _space_dtype(start, stop, dtype):
    found = (t(a).dtype for a in (start, stop) if not _is_scalar(a))
    return to_torch_dtype(op_checks.space_dtype(dtype, found))


def _exponents(start, stop, num, endpoint, compute):
    """``linspace(start, stop, num)`` along a new leading axis, broadcast over start/stop."""
    start, stop = torch.broadcast_tensors(t(start).to(compute), t(stop).to(compute))
    div = num - 1 if endpoint else num
    steps = torch.arange(num, dtype=compute, device=start.device).reshape((num,) + (1,) * start.ndim)
    y = start + steps * ((stop - start) / div if div > 0 else torch.zeros_like(start))
    if endpoint and num > 1:
        y[-1] = stop
    return y


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``: numbers evenly spaced on a log scale."""
    out_dtype = _space_dtype(start, stop, dtype)
    compute = torch.float32 if out_dtype in (torch.float16, torch.bfloat16, torch.float32) else torch.float64
    y = _exponents(start, stop, num, endpoint, compute)
    base = t(base).to(compute)
    out = torch.pow(base.unsqueeze(0) if base.ndim else base, y)
    return torch.moveaxis(out, 0, axis).to(out_dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Numbers evenly spaced on a log scale from ``start`` to ``stop`` (same sign, non-zero)."""
    out_dtype = _space_dtype(start, stop, dtype)
    compute = torch.float32 if out_dtype in (torch.float16, torch.bfloat16, torch.float32) else torch.float64
    a, b = torch.broadcast_tensors(t(start).to(compute), t(stop).to(compute))
    y = _exponents(torch.log10(torch.abs(a)), torch.log10(torch.abs(b)), num, endpoint, compute)
    out = torch.sign(a) * torch.pow(10.0, y)
    out = torch.where(torch.sign(a) == torch.sign(b), out, torch.nan)
    if num > 0:
        out[0] = a
        if endpoint and num > 1:
            out[-1] = b
    return torch.moveaxis(out, 0, axis).to(out_dtype)


def tri(N, M=None, k=0, dtype=None):
    """An ``(N, M)`` matrix with ones at and below the ``k``-th diagonal, zeros elsewhere."""
    M = N if M is None else M
    rows = torch.arange(N, device=get_device()).reshape(N, 1)
    cols = torch.arange(M, device=get_device()).reshape(1, M)
    return (cols <= rows + k).to(to_torch_dtype(dtype or config.floatx()))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D ``x``: columns are powers of ``x``."""
    x = t(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    N = x.shape[0] if N is None else N
    if N == 0:
        return torch.zeros((x.shape[0], 0), dtype=x.dtype, device=x.device)
    cols = torch.cat([torch.ones_like(x)[:, None], x[:, None].expand(-1, N - 1)], dim=1)
    out = torch.cumprod(cols, dim=1).to(x.dtype)
    return out if increasing else torch.flip(out, dims=(1,))


def view(x, dtype=None):
    """The same bytes reinterpreted as ``dtype`` (the last axis scales with the item size)."""
    x = t(x)
    if dtype is None:
        return x
    target = to_torch_dtype(dtype)
    as_bool = target == torch.bool
    if as_bool:
        target = torch.uint8
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    op_checks.check_view(tuple(x.shape), x.element_size(), target.itemsize, dtype)
    out = x.contiguous().view(target)
    return out != 0 if as_bool else out

