"""Element-wise NumPy ops beyond the core set (bitwise, special functions, windows,
constructors); part of ``cornu.ops.numpy``.

Arguments that are not tensors (window lengths, ``num``, ``N``...) are checked here,
once for both engines; dtype rules live in the engine functions.
"""
import numbers

import numpy as np

from cornu import backend
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.ops.operation import FunctionOperation, make_op

_b = backend.numpy

__all__ = [
    "angle", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "left_shift", "right_shift", "fabs", "fmax", "fmin",
    "fmod", "gcd", "lcm", "heaviside", "i0", "sinc", "ldexp", "nextafter", "logaddexp2", "isreal",
    "isneginf", "isposinf", "allclose", "empty_like", "bartlett", "blackman", "hamming", "hanning",
    "kaiser", "geomspace", "logspace", "tri", "vander", "view",
]

_SUFFIX = " Works eagerly on tensors and symbolically on KerasTensors."

# -- ops that are the engine function as they are --------------------------------------------------
angle = make_op(_b.angle, "angle", "The complex argument of ``x`` in radians (0 or pi for reals)." + _SUFFIX)
bitwise_and = make_op(_b.bitwise_and, "bitwise_and", "Bitwise AND of integer/boolean ``x`` and ``y``." + _SUFFIX)
bitwise_or = make_op(_b.bitwise_or, "bitwise_or", "Bitwise OR of integer/boolean ``x`` and ``y``." + _SUFFIX)
bitwise_xor = make_op(_b.bitwise_xor, "bitwise_xor", "Bitwise XOR of integer/boolean ``x`` and ``y``." + _SUFFIX)
bitwise_not = make_op(_b.bitwise_not, "bitwise_not", "Bitwise NOT of integer/boolean ``x``." + _SUFFIX)
bitwise_invert = make_op(_b.bitwise_invert, "bitwise_invert", "Bitwise NOT of ``x`` (alias of bitwise_not)." + _SUFFIX)
bitwise_left_shift = make_op(_b.bitwise_left_shift, "bitwise_left_shift",
                             "Integer ``x`` shifted left by ``y`` bits." + _SUFFIX)
bitwise_right_shift = make_op(_b.bitwise_right_shift, "bitwise_right_shift",
                              "Integer ``x`` shifted right by ``y`` bits." + _SUFFIX)
left_shift = make_op(_b.left_shift, "left_shift", "Integer ``x`` shifted left by ``y`` bits." + _SUFFIX)
right_shift = make_op(_b.right_shift, "right_shift", "Integer ``x`` shifted right by ``y`` bits." + _SUFFIX)
fabs = make_op(_b.fabs, "fabs", "Absolute value as a float tensor (integers become floatx)." + _SUFFIX)
fmax = make_op(_b.fmax, "fmax", "Element-wise maximum ignoring NaNs." + _SUFFIX)
fmin = make_op(_b.fmin, "fmin", "Element-wise minimum ignoring NaNs." + _SUFFIX)
fmod = make_op(_b.fmod, "fmod", "Remainder of ``x1 / x2`` with the sign of ``x1`` (C ``fmod``)." + _SUFFIX)
gcd = make_op(_b.gcd, "gcd", "Greatest common divisor of integer ``x1`` and ``x2``." + _SUFFIX)
lcm = make_op(_b.lcm, "lcm", "Least common multiple of integer ``x1`` and ``x2``." + _SUFFIX)
heaviside = make_op(_b.heaviside, "heaviside",
                    "Step function of ``x1``: 0 below zero, ``x2`` at zero, 1 above." + _SUFFIX)
i0 = make_op(_b.i0, "i0", "Modified Bessel function of the first kind, order 0." + _SUFFIX)
sinc = make_op(_b.sinc, "sinc", "Normalized sinc, ``sin(pi x) / (pi x)``, 1 at ``x = 0``." + _SUFFIX)
ldexp = make_op(_b.ldexp, "ldexp", "``x1 * 2 ** x2`` for an integer exponent ``x2``." + _SUFFIX)
nextafter = make_op(_b.nextafter, "nextafter",
                    "The next representable float after ``x1`` towards ``x2``." + _SUFFIX)
logaddexp2 = make_op(_b.logaddexp2, "logaddexp2", "``log2(2 ** x1 + 2 ** x2)`` without overflow." + _SUFFIX)
isreal = make_op(_b.isreal, "isreal", "True where ``x`` has a zero imaginary part." + _SUFFIX)
isneginf = make_op(_b.isneginf, "isneginf", "True where ``x`` is negative infinity." + _SUFFIX)
isposinf = make_op(_b.isposinf, "isposinf", "True where ``x`` is positive infinity." + _SUFFIX)
_allclose = make_op(_b.allclose, "allclose")
_empty_like = make_op(_b.empty_like, "empty_like")
_vander = make_op(_b.vander, "vander")
_logspace = make_op(_b.logspace, "logspace")
_geomspace = make_op(_b.geomspace, "geomspace")


# -- argument checks --------------------------------------------------------------------------------
def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _count(op, arg, value, allow_none=False):
    """A non-negative Python integer argument (``None`` allowed where it means a default)."""
    if value is None and allow_none:
        return None
    if not _is_int(value):
        raise TypeError(f"`{op}`: argument `{arg}` must be an integer. Received: {arg}={value!r} "
                        f"of type {type(value).__name__}.")
    if value < 0:
        raise ValueError(f"`{op}`: argument `{arg}` must be non-negative. Received: {arg}={value}.")
    return int(value)


def _real(op, arg, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{op}`: argument `{arg}` must be a real number. Received: {arg}={value!r} "
                        f"of type {type(value).__name__}.")
    return value


def _window_length(op, x):
    """The window length as a Python int: an integer, or a tensor holding one."""
    if any_symbolic_tensors((x,)):
        raise TypeError(f"`{op}` needs a concrete window length, not a symbolic tensor. Received: x={x!r}.")
    if not isinstance(x, numbers.Number):
        value = np.asarray(backend.convert_to_numpy(x))
        if value.size != 1 or value.dtype.kind not in "iuf":
            raise TypeError(f"`{op}`: argument `x` (the window length) must be an integer. Received a "
                            f"{value.dtype} tensor of shape {value.shape}.")
        x = value.reshape(()).item()
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return _count(op, "x", x)


def _check_dtype(op, dtype):
    if dtype is not None:
        try:
            backend.standardize_dtype(dtype)
        except (TypeError, ValueError) as e:
            raise ValueError(f"`{op}`: invalid argument `dtype`. Received: dtype={dtype!r}. {e}") from None


# -- ops with argument checks ----------------------------------------------------------------------
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|`` everywhere, as a 0-d boolean tensor.

    Integer inputs are compared as floats (as NumPy does); NaNs match only when
    ``equal_nan=True``.
    """
    _real("allclose", "rtol", rtol)
    _real("allclose", "atol", atol)
    return _allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=bool(equal_nan))


def empty_like(x, dtype=None):
    """A tensor with the shape (and, by default, dtype) of ``x``; cornu fills it with zeros."""
    _check_dtype("empty_like", dtype)
    return _empty_like(x, dtype=dtype)


def bartlett(x):
    """The Bartlett (triangular) window of length ``x``, in floatx."""
    return _b.bartlett(_window_length("bartlett", x))


def blackman(x):
    """The Blackman window of length ``x``, in floatx."""
    return _b.blackman(_window_length("blackman", x))


def hamming(x):
    """The Hamming window of length ``x``, in floatx."""
    return _b.hamming(_window_length("hamming", x))


def hanning(x):
    """The Hann window of length ``x``, in floatx."""
    return _b.hanning(_window_length("hanning", x))


def kaiser(x, beta):
    """The Kaiser window of length ``x`` and shape ``beta``, in floatx."""
    length = _window_length("kaiser", x)
    if not isinstance(beta, numbers.Number) and not any_symbolic_tensors((beta,)):
        beta = np.asarray(backend.convert_to_numpy(beta)).reshape(()).item()
    return _b.kaiser(length, _real("kaiser", "beta", beta))


def _space_checks(op, start, stop, num, axis):
    num = _count(op, "num", num)
    if not _is_int(axis):
        raise TypeError(f"`{op}`: argument `axis` must be an integer. Received: axis={axis!r}.")
    ndim = 1 + max(len(x.shape) if hasattr(x, "shape") else np.ndim(x) for x in (start, stop))
    if not -ndim <= axis < ndim:
        raise ValueError(f"`{op}`: argument `axis` is out of range for a {ndim}-D result. Received: axis={axis}.")
    return num


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``num`` numbers from ``base ** start`` to ``base ** stop``, evenly spaced on a log scale.

    ``start`` and ``stop`` may be tensors (broadcast together; the samples run
    along ``axis``). With ``endpoint=False`` the last sample is left out. The
    dtype defaults to the inputs' float dtype, else floatx.
    """
    num = _space_checks("logspace", start, stop, num, axis)
    _check_dtype("logspace", dtype)
    return _logspace(start, stop, num=num, endpoint=bool(endpoint), base=base, dtype=dtype, axis=axis)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` numbers from ``start`` to ``stop`` forming a geometric progression.

    ``start`` and ``stop`` must be non-zero and of the same sign (mixed signs give
    NaN between the end points); they may be tensors, broadcast together.
    """
    num = _space_checks("geomspace", start, stop, num, axis)
    _check_dtype("geomspace", dtype)
    for arg, value in (("start", start), ("stop", stop)):
        if isinstance(value, (numbers.Number, np.ndarray, list, tuple)) and np.any(np.asarray(value) == 0):
            raise ValueError(f"`geomspace`: a geometric sequence cannot include zero. Received: {arg}={value!r}.")
    return _geomspace(start, stop, num=num, endpoint=bool(endpoint), dtype=dtype, axis=axis)


def tri(N, M=None, k=0, dtype=None):
    """An ``(N, M)`` tensor with ones at and below the ``k``-th diagonal (``M`` defaults to ``N``)."""
    N = _count("tri", "N", N)
    M = _count("tri", "M", M, allow_none=True)
    if not _is_int(k):
        raise TypeError(f"`tri`: argument `k` must be an integer. Received: k={k!r}.")
    _check_dtype("tri", dtype)
    return _b.tri(N, M, int(k), dtype=dtype)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D ``x``: column ``j`` is ``x ** (N - 1 - j)``.

    ``N`` (default ``len(x)``) is the number of columns; ``increasing=True``
    reverses the column order. Booleans are treated as int32.
    """
    N = _count("vander", "N", N, allow_none=True)
    if not isinstance(increasing, (bool, np.bool_)):
        raise TypeError(f"`vander`: argument `increasing` must be a boolean. Received: increasing={increasing!r}.")
    ndim = len(x.shape) if hasattr(x, "shape") else np.ndim(x)
    if ndim != 1:
        raise ValueError(f"`vander`: argument `x` must be 1-D. Received a tensor of rank {ndim}.")
    return _vander(x, N=N, increasing=bool(increasing))


class _View(FunctionOperation):
    """``view`` symbolically: an unknown last axis stays unknown whatever the item sizes."""

    def compute_output_spec(self, x, dtype=None):
        if x.shape and x.shape[-1] is None:
            probe = KerasTensor(x.shape[:-1] + (16,), dtype=x.dtype)  # 16 bytes fit every item size
            out = backend.compute_output_spec(self.call, probe, dtype)
            return KerasTensor(out.shape[:-1] + (None,), dtype=out.dtype)
        return super().compute_output_spec(x, dtype)


def view(x, dtype=None):
    """The bytes of ``x`` reinterpreted as ``dtype`` (NumPy's ``ndarray.view``).

    When the item sizes differ the last axis grows or shrinks accordingly; it
    must hold a whole number of the new items.
    """
    _check_dtype("view", dtype)
    if any_symbolic_tensors((x,)):
        return _View(_b.view, "view")(x, dtype)
    return _b.view(x, dtype)
