"""JAX engine: math ops beyond NumPy."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend import config
from cornu.backend.common.dtypes import result_type
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype
from cornu.backend.jax.linalg import qr  # noqa: F401  (also ``cornu.ops.linalg.qr``)

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(config.floatx()))


_HALF = (jnp.float16, jnp.bfloat16)


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(t(x), k)
    return values, indices.astype(jnp.int32)


def in_top_k(targets, predictions, k):
    predictions = t(predictions)
    targets = t(targets).astype(jnp.int32)
    target_vals = jnp.take_along_axis(predictions, targets[:, None], axis=1)
    higher = jnp.sum((predictions > target_vals).astype(jnp.int32), axis=1)
    return higher < k


def logsumexp(x, axis=None, keepdims=False):
    return jax.scipy.special.logsumexp(_float(x), axis=axis, keepdims=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return jax.ops.segment_sum(t(data), t(segment_ids), num_segments, indices_are_sorted=sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return jax.ops.segment_max(t(data), t(segment_ids), num_segments, indices_are_sorted=sorted)


def erf(x): return jax.lax.erf(_float(x))
def erfinv(x): return jax.lax.erf_inv(_float(x))
def rsqrt(x): return jax.lax.rsqrt(_float(x))
def logdet(x): return jnp.linalg.slogdet(_float(x))[1]


def extract_sequences(x, sequence_length, sequence_stride):
    x = t(x)
    n = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    idx = jnp.arange(n)[:, None] * sequence_stride + jnp.arange(sequence_length)[None, :]
    return x[..., idx]


def erfc(x): return jax.lax.erfc(_float(x))


def cdist(x, y):
    x, y = t(x), t(y)
    dtype = result_type(x.dtype, y.dtype)
    dtype = to_jax_dtype(dtype if "float" in dtype else config.floatx())
    return _cdist(x.astype(dtype), y.astype(dtype))


@jax.jit
def _cdist(x, y):
    diff = x[..., :, None, :] - y[..., None, :, :]  # (..., m, n, d)
    squared = jnp.sum(diff * diff, axis=-1)
    # the square root with a zero (not NaN) gradient where two points coincide
    apart = squared > 0
    return jnp.where(apart, jnp.sqrt(jnp.where(apart, squared, 1.0)), 0.0)


def _segment_ids(segment_ids, num_segments):
    ids = t(segment_ids).astype(jnp.int32)
    if num_segments is None:
        num_segments = int(jnp.max(ids)) + 1 if ids.size else 0
    return ids, int(num_segments)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    ids, n = _segment_ids(segment_ids, num_segments)
    return _segment_min(t(data), ids, n, sorted)


@functools.partial(jax.jit, static_argnums=(2, 3))
def _segment_min(data, ids, n, sorted):
    return jax.ops.segment_min(data, ids, n, indices_are_sorted=sorted)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    ids, n = _segment_ids(segment_ids, num_segments)
    return _segment_prod(t(data), ids, n, sorted)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _differentiable_segment_prod(data, ids, n, sorted):
    return jax.ops.segment_prod(data, ids, n, indices_are_sorted=sorted)


def _segment_prod_fwd(data, ids, n, sorted):
    return _differentiable_segment_prod(data, ids, n, sorted), (data, ids)


def _segment_prod_bwd(n, sorted, residuals, grad):
    # JAX has no gradient for a multiplying scatter: d out[s] / d data[i] is the product of
    # the other rows of segment s, counted without division where zeros occur
    data, ids = residuals
    is_zero = data == 0
    zeros = jax.ops.segment_sum(is_zero.astype(jnp.int32), ids, n, indices_are_sorted=sorted)
    nonzero_prod = jax.ops.segment_prod(jnp.where(is_zero, 1, data), ids, n, indices_are_sorted=sorted)
    valid = (ids >= 0) & (ids < n)
    rows = jnp.where(valid, ids, 0)
    zeros, nonzero_prod, grad = zeros[rows], nonzero_prod[rows], grad[rows]
    others = jnp.where(is_zero, jnp.where(zeros == 1, nonzero_prod, 0),
                       jnp.where(zeros == 0, nonzero_prod / jnp.where(is_zero, 1, data), 0))
    valid = valid.reshape((-1,) + (1,) * (data.ndim - 1))
    return jnp.where(valid, grad * others, 0).astype(data.dtype), None


_differentiable_segment_prod.defvjp(_segment_prod_fwd, _segment_prod_bwd)
_segment_prod = jax.jit(_differentiable_segment_prod, static_argnums=(2, 3))


# -- Fourier transforms: complex values travel as (real, imag) pairs -------------
def _complex(real, imag):
    """The complex array of a (real, imag) pair, and the real dtype to return."""
    dtype = jnp.promote_types(real.dtype, imag.dtype)
    work = jnp.float32 if dtype in _HALF else dtype
    return jax.lax.complex(real.astype(work), imag.astype(work)), dtype


def _parts(z, dtype):
    return jnp.real(z).astype(dtype), jnp.imag(z).astype(dtype)


@functools.partial(jax.jit, static_argnums=(2, 3))
def _transform(real, imag, kind, n=None):
    """One compiled complex transform of (real, imag): fft, fft2, ifft2 or irfft (length ``n``)."""
    z, dtype = _complex(real, imag)
    if kind == "irfft":
        return jnp.fft.irfft(z, n=n, axis=-1).astype(dtype)
    return _parts(getattr(jnp.fft, kind)(z), dtype)


def fft(x): return _transform(t(x[0]), t(x[1]), "fft")
def fft2(x): return _transform(t(x[0]), t(x[1]), "fft2")
def ifft2(x): return _transform(t(x[0]), t(x[1]), "ifft2")
def irfft(x, fft_length=None): return _transform(t(x[0]), t(x[1]), "irfft", fft_length)
def rfft(x, fft_length=None): return _rfft(_float(x), fft_length)


@functools.partial(jax.jit, static_argnums=(1,))
def _rfft(x, n):
    dtype = x.dtype
    return _parts(jnp.fft.rfft(x.astype(jnp.float32) if dtype in _HALF else x, n=n, axis=-1), dtype)


def _named_window(name, length):
    """Periodic Hann or Hamming window (as ``scipy.signal.get_window``), in float64 NumPy."""
    a = 0.5 if name == "hann" else 0.54
    return a - (1.0 - a) * np.cos(2.0 * np.pi * np.arange(length) / length)


def _window(window, sequence_length, fft_length, dtype):
    """The window of ``sequence_length`` zero-padded (centred) to ``fft_length``; ones for None."""
    if window is None:
        return jnp.ones(fft_length, dtype=dtype)
    if isinstance(window, str):
        win = jnp.asarray(_named_window(window, sequence_length).astype(dtype))
    else:
        win = t(window).astype(dtype)
    left = (fft_length - sequence_length) // 2
    return jnp.pad(win, (left, fft_length - sequence_length - left))


def _frame_index(num_frames, sequence_stride, fft_length):
    """(num_frames, fft_length) sample indices of overlapping frames."""
    return np.arange(num_frames)[:, None] * sequence_stride + np.arange(fft_length)[None, :]


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = t(x)
    win = _window(window, sequence_length, fft_length, x.dtype)
    return _stft(x, win, sequence_stride, fft_length, center)


@functools.partial(jax.jit, static_argnums=(2, 3, 4))
def _stft(x, win, sequence_stride, fft_length, center):
    if center:  # reflect-pad fft_length // 2 samples on both sides
        pad = fft_length // 2
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    num_frames = 1 + (x.shape[-1] - fft_length) // sequence_stride
    frames = x[..., _frame_index(num_frames, sequence_stride, fft_length)]  # (..., num_frames, fft_length)
    z = jnp.fft.rfft(frames * win, axis=-1)
    return jnp.real(z), jnp.imag(z)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    real, imag = t(x[0]), t(x[1])
    dtype = jnp.promote_types(real.dtype, imag.dtype)
    win = _window(window, sequence_length, fft_length, jnp.float32 if dtype in _HALF else dtype)
    return _istft(real, imag, win, sequence_stride, fft_length, length, center)


@functools.partial(jax.jit, static_argnums=(3, 4, 5, 6))
def _istft(real, imag, win, sequence_stride, fft_length, length, center):
    z, dtype = _complex(real, imag)
    frames = jnp.fft.irfft(z, n=fft_length, axis=-1)  # (..., num_frames, fft_length)
    num_frames = frames.shape[-2]
    total = fft_length + sequence_stride * (num_frames - 1)
    # overlap-add the windowed frames, then divide by the overlap-added squared window
    index = _frame_index(num_frames, sequence_stride, fft_length).reshape(-1)
    signal = jnp.zeros(frames.shape[:-2] + (total,), frames.dtype)
    signal = signal.at[..., index].add((frames * win).reshape(frames.shape[:-2] + (-1,)))
    norm = jnp.zeros(total, frames.dtype).at[index].add(jnp.tile(win * win, num_frames))
    signal = signal / jnp.where(norm > 1e-10, norm, 1.0)
    start = fft_length // 2 if center else 0
    if length is None:
        return signal[..., start:total - start].astype(dtype)
    signal = signal[..., start:start + length]
    missing = length - signal.shape[-1]
    return jnp.pad(signal, [(0, 0)] * (signal.ndim - 1) + [(0, max(missing, 0))]).astype(dtype)


def view_as_complex(x): return _view_as_complex(t(x))


@jax.jit
def _view_as_complex(x):
    x = x.astype(jnp.float64 if x.dtype == jnp.float64 else jnp.float32)
    return jax.lax.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = t(x)
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return jnp.stack((jnp.real(x), jnp.imag(x)), axis=-1)
    x = _float(x)
    return jnp.stack((x, jnp.zeros_like(x)), axis=-1)
