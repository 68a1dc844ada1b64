"""Math ops beyond NumPy: top-k, segment reductions, special functions, Fourier transforms.

Complex values travel as ``(real, imag)`` pairs of float tensors, as in Keras.
"""
import numpy as np

from cornu import backend
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.ops.linalg import qr
from cornu.ops.operation import FunctionOperation, make_op

_b = backend.math

top_k = make_op(_b.top_k, "top_k", "The ``top_k`` math op; works eagerly on tensors and symbolically on KerasTensors.")
in_top_k = make_op(_b.in_top_k, "in_top_k", "The ``in_top_k`` math op; works eagerly on tensors and symbolically on KerasTensors.")
logsumexp = make_op(_b.logsumexp, "logsumexp", "The ``logsumexp`` math op; works eagerly on tensors and symbolically on KerasTensors.")
segment_sum = make_op(_b.segment_sum, "segment_sum", "The ``segment_sum`` math op; works eagerly on tensors and symbolically on KerasTensors.")
segment_max = make_op(_b.segment_max, "segment_max", "The ``segment_max`` math op; works eagerly on tensors and symbolically on KerasTensors.")
erf = make_op(_b.erf, "erf", "The ``erf`` math op; works eagerly on tensors and symbolically on KerasTensors.")
erfinv = make_op(_b.erfinv, "erfinv", "The ``erfinv`` math op; works eagerly on tensors and symbolically on KerasTensors.")
rsqrt = make_op(_b.rsqrt, "rsqrt", "The ``rsqrt`` math op; works eagerly on tensors and symbolically on KerasTensors.")
logdet = make_op(_b.logdet, "logdet", "The ``logdet`` math op; works eagerly on tensors and symbolically on KerasTensors.")
extract_sequences = make_op(_b.extract_sequences, "extract_sequences", "The ``extract_sequences`` math op; works eagerly on tensors and symbolically on KerasTensors.")

erfc = make_op(_b.erfc, "erfc", "Complementary error function ``1 - erf(x)``, element-wise (integers give ``floatx``).")
view_as_real = make_op(
    _b.view_as_real, "view_as_real",
    "Real tensor (..., 2) of (real, imag) pairs from a complex tensor (a real input gets a zero imaginary part).")


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _dtype(x):
    if hasattr(x, "dtype"):
        return backend.standardize_dtype(x.dtype)
    return backend.standardize_dtype(np.asarray(x).dtype)


_view_as_complex = make_op(_b.view_as_complex, "view_as_complex")


def view_as_complex(x):
    """Complex tensor (...) from a real tensor (..., 2) of (real, imag) pairs.

    float64 input gives ``complex128``; any other gives ``complex64``.
    """
    shape = _shape(x)
    if len(shape) < 1 or shape[-1] != 2:
        raise ValueError(f"view_as_complex: the last dimension of `x` must be 2 (real, imag). "
                         f"Received: x.shape={shape}")
    return _view_as_complex(x)


# -- pairwise distances ----------------------------------------------------------
_cdist = make_op(_b.cdist, "cdist")


def cdist(x, y):
    """Euclidean distances (..., m, n) between the rows of ``x`` (..., m, d) and ``y`` (..., n, d).

    Batch axes broadcast; integer inputs give ``floatx``. The gradient is zero
    (not NaN) where two points coincide.
    """
    xs, ys = _shape(x), _shape(y)
    if len(xs) < 2 or len(ys) < 2:
        raise ValueError(f"cdist: `x` and `y` must have rank >= 2 (..., points, features). "
                         f"Received: x.shape={xs}, y.shape={ys}")
    if None not in (xs[-1], ys[-1]) and xs[-1] != ys[-1]:
        raise ValueError(f"cdist: `x` and `y` must have the same last (feature) dimension. "
                         f"Received: x.shape={xs}, y.shape={ys}")
    return _cdist(x, y)


# -- segment reductions ----------------------------------------------------------
class _SegmentOperation(FunctionOperation):
    """A segment reduction; without ``num_segments`` its symbolic first dimension is unknown."""

    def compute_output_spec(self, data, segment_ids, num_segments=None, sorted=False):
        if num_segments is not None:
            return super().compute_output_spec(data, segment_ids, num_segments, sorted)
        spec = super().compute_output_spec(data, segment_ids, 1, sorted)
        return KerasTensor((None,) + tuple(spec.shape[1:]), dtype=spec.dtype)


def _segment_op(fn, name, what, empty):
    def op(data, segment_ids, num_segments=None, sorted=False):
        ds, ids = _shape(data), _shape(segment_ids)
        if len(ids) != 1:
            raise ValueError(f"{name}: `segment_ids` must be a 1-D vector (one id per row of `data`). "
                             f"Received: segment_ids.shape={ids}")
        if len(ds) < 1 or None not in (ds[0], ids[0]) and ds[0] != ids[0]:
            raise ValueError(f"{name}: `data` and `segment_ids` must have the same leading dimension. "
                             f"Received: data.shape={ds}, segment_ids.shape={ids}")
        if num_segments is not None and (isinstance(num_segments, bool) or not isinstance(num_segments, int)
                                         or num_segments < 0):
            raise ValueError(f"{name}: `num_segments` must be None or a non-negative int. "
                             f"Received: num_segments={num_segments!r}")
        if any_symbolic_tensors((data, segment_ids)):
            return _SegmentOperation(fn, name)(data, segment_ids, num_segments, sorted)
        return fn(data, segment_ids, num_segments, sorted)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (
        f"The {what} of the rows of ``data`` in each segment: row ``i`` goes to segment "
        f"``segment_ids[i]``.\n\nReturns ``(num_segments,) + data.shape[1:]`` in the dtype of ``data``; "
        f"``num_segments`` defaults to ``max(segment_ids) + 1``. Empty segments hold {empty}; ids outside "
        "``[0, num_segments)`` are dropped."
    )
    return op


segment_min = _segment_op(_b.segment_min, "segment_min", "minimum",
                          "the largest value of the dtype (``inf`` for floats)")
segment_prod = _segment_op(_b.segment_prod, "segment_prod", "product", "1")


# -- Fourier transforms ----------------------------------------------------------
def _check_pair(x, op, rank):
    """``x`` is a (real, imag) pair of same-shape float tensors of rank >= ``rank``."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: `x` must be a tuple (real, imag) of two float tensors. "
                         f"Received: x of type {type(x).__name__}")
    (rs, is_), (rd, id_) = (_shape(v) for v in x), (_dtype(v) for v in x)
    if rs != is_:
        raise ValueError(f"{op}: the real and imaginary parts of `x` must have the same shape. "
                         f"Received: x[0].shape={rs}, x[1].shape={is_}")
    if not (backend.is_float_dtype(rd) and backend.is_float_dtype(id_)):
        raise ValueError(f"{op}: the real and imaginary parts of `x` must be float tensors. "
                         f"Received: x[0].dtype={rd}, x[1].dtype={id_}")
    if len(rs) < rank:
        raise ValueError(f"{op}: `x` must have rank >= {rank}. Received: x[0].shape={rs}")


def _check_length(value, op, arg, optional=True):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{op}: `{arg}` must be a positive int{' or None' if optional else ''}. "
                         f"Received: {arg}={value!r}")


_fft = make_op(_b.fft, "fft")
_fft2 = make_op(_b.fft2, "fft2")
_ifft2 = make_op(_b.ifft2, "ifft2")
_rfft = make_op(_b.rfft, "rfft")
_irfft = make_op(_b.irfft, "irfft")
_stft = make_op(_b.stft, "stft")
_istft = make_op(_b.istft, "istft")


def fft(x):
    """Discrete Fourier transform over the last axis of ``x = (real, imag)``; returns ``(real, imag)``."""
    _check_pair(x, "fft", 1)
    return _fft(tuple(x))


def fft2(x):
    """2-D discrete Fourier transform over the last two axes of ``x = (real, imag)``; returns ``(real, imag)``."""
    _check_pair(x, "fft2", 2)
    return _fft2(tuple(x))


def ifft2(x):
    """Inverse 2-D Fourier transform (scaled by ``1/(M N)``) over the last two axes of ``(real, imag)``."""
    _check_pair(x, "ifft2", 2)
    return _ifft2(tuple(x))


def rfft(x, fft_length=None):
    """Fourier transform of the real signal ``x`` over its last axis: the ``fft_length // 2 + 1`` non-negative
    frequencies as ``(real, imag)``.

    The signal is cropped or zero-padded to ``fft_length`` (default: its length).
    """
    if len(_shape(x)) < 1:
        raise ValueError(f"rfft: `x` must have rank >= 1. Received: x.shape={_shape(x)}")
    _check_length(fft_length, "rfft", "fft_length")
    return _rfft(x, fft_length=fft_length)


def irfft(x, fft_length=None):
    """Inverse of ``rfft``: the real signal of length ``fft_length`` (default ``2 * (n - 1)``) from the
    ``n`` non-negative frequencies ``x = (real, imag)``.
    """
    _check_pair(x, "irfft", 1)
    _check_length(fft_length, "irfft", "fft_length")
    return _irfft(tuple(x), fft_length=fft_length)


def _check_stft_args(op, sequence_length, sequence_stride, fft_length, window, center):
    _check_length(sequence_length, op, "sequence_length", optional=False)
    _check_length(sequence_stride, op, "sequence_stride", optional=False)
    _check_length(fft_length, op, "fft_length", optional=False)
    if fft_length < sequence_length:
        raise ValueError(f"{op}: `fft_length` must be at least `sequence_length`. "
                         f"Received: sequence_length={sequence_length}, fft_length={fft_length}")
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"{op}: a string `window` must be 'hann' or 'hamming'. Received: window={window!r}")
    elif window is not None and _shape(window) != (sequence_length,):
        raise ValueError(f"{op}: a tensor `window` must have shape (sequence_length,) = ({sequence_length},). "
                         f"Received: window.shape={_shape(window)}")
    if not isinstance(center, bool):
        raise TypeError(f"{op}: `center` must be a bool. Received: center={center!r}")


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform over the last axis of float32/float64 ``x``.

    Frames of ``fft_length`` samples start every ``sequence_stride`` samples
    (with ``center=True`` the signal is first reflect-padded by ``fft_length // 2``
    on both sides, so frame ``t`` is centred on sample ``t * sequence_stride``).
    Each frame is multiplied by the window (``"hann"``, ``"hamming"`` -- periodic --
    or a tensor, of ``sequence_length`` samples zero-padded to the centre of the
    frame; ``None``: no window) and transformed with ``rfft``. Returns
    ``(real, imag)`` of shape ``(..., num_frames, fft_length // 2 + 1)``.
    """
    _check_stft_args("stft", sequence_length, sequence_stride, fft_length, window, center)
    dtype, shape = _dtype(x), _shape(x)
    if dtype not in ("float32", "float64"):
        raise TypeError(f"stft: `x` must be float32 or float64. Received: x.dtype={dtype}")
    if len(shape) < 1:
        raise ValueError(f"stft: `x` must have rank >= 1. Received: x.shape={shape}")
    n = shape[-1]
    if n is not None and (n <= fft_length // 2 if center else n < fft_length):
        need = f"more than fft_length // 2 = {fft_length // 2}" if center else f"at least fft_length = {fft_length}"
        raise ValueError(f"stft: the signal (last axis of `x`) must have {need} samples"
                         f"{' with center=True' if center else ' with center=False'}. Received: x.shape={shape}")
    return _stft(x, sequence_length, sequence_stride, fft_length, window=window, center=center)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse of ``stft`` (same arguments) for ``x = (real, imag)`` of shape (..., num_frames, bins).

    Frames are inverted with ``irfft``, windowed, overlap-added and divided by
    the overlap-added squared window, which recovers the signal wherever the
    window covers it. ``center=True`` trims ``fft_length // 2`` samples from each
    end; ``length`` crops (or zero-pads) the result to exactly that many samples.
    """
    _check_pair(x, "istft", 2)
    _check_stft_args("istft", sequence_length, sequence_stride, fft_length, window, center)
    if length is not None and (isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0):
        raise ValueError(f"istft: `length` must be None or a non-negative int. Received: length={length!r}")
    return _istft(tuple(x), sequence_length, sequence_stride, fft_length, length=length, window=window,
                  center=center)


__all__ = [
    "top_k", "in_top_k", "logsumexp", "segment_sum", "segment_max", "segment_min", "segment_prod", "erf",
    "erfc", "erfinv", "rsqrt", "logdet", "qr", "extract_sequences", "cdist", "fft", "fft2", "ifft2", "rfft",
    "irfft", "stft", "istft", "view_as_complex", "view_as_real",
]
