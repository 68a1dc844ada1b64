"""Torch engine: math ops beyond NumPy (top-k, segment reductions, special functions)."""
import numpy as np
import torch

from cornu.backend import config
from cornu.backend.common.dtypes import result_type
from cornu.backend.torch.core import cast, convert_to_tensor, to_torch_dtype
from cornu.backend.torch.linalg import qr  # noqa: F401  (also ``cornu.ops.linalg.qr``)

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if x.is_floating_point() else cast(x, config.floatx())


_HALF = (torch.float16, torch.bfloat16)


def top_k(x, k, sorted=True):
    values, indices = torch.topk(t(x), k, sorted=sorted)
    return values, indices.to(torch.int32)


def in_top_k(targets, predictions, k):
    predictions = t(predictions)
    targets = t(targets).long()
    target_vals = torch.gather(predictions, 1, targets.unsqueeze(1))
    # a target is in the top k when fewer than k classes score strictly higher
    higher = torch.sum((predictions > target_vals).to(torch.int32), dim=1)
    return higher < k


def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    if axis is None:
        out = torch.logsumexp(x.flatten(), dim=0)
        return out.reshape([1] * x.ndim) if keepdims else out
    return torch.logsumexp(x, dim=axis, keepdim=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data, ids = t(data), t(segment_ids).long()
    n = int(ids.max().item()) + 1 if num_segments is None else num_segments
    out = torch.zeros((n,) + tuple(data.shape[1:]), dtype=data.dtype, device=data.device)
    return out.index_add_(0, ids, data)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data, ids = t(data), t(segment_ids).long()
    n = int(ids.max().item()) + 1 if num_segments is None else num_segments
    out = torch.full((n,) + tuple(data.shape[1:]), float("-inf"), dtype=data.dtype, device=data.device)
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    return out.scatter_reduce(0, index, data, reduce="amax", include_self=True)


def erf(x): return torch.erf(_float(x))
def erfinv(x): return torch.erfinv(_float(x))
def rsqrt(x): return torch.rsqrt(_float(x))
def logdet(x): return torch.logdet(_float(x))


def extract_sequences(x, sequence_length, sequence_stride):
    return t(x).unfold(-1, sequence_length, sequence_stride)


def erfc(x): return torch.erfc(_float(x))


def cdist(x, y):
    x, y = t(x), t(y)
    dtype = result_type(x.dtype, y.dtype)
    dtype = to_torch_dtype(dtype if "float" in dtype else config.floatx())
    diff = x.to(dtype).unsqueeze(-2) - y.to(dtype).unsqueeze(-3)  # (..., m, n, d)
    squared = torch.sum(diff * diff, dim=-1)
    # the square root with a zero (not NaN) gradient where two points coincide
    apart = squared > 0
    return torch.where(apart, torch.sqrt(torch.where(apart, squared, 1.0)), 0.0).to(dtype)


def _segment_reduce(data, segment_ids, num_segments, reduce, identity):
    data, ids = t(data), t(segment_ids).long()
    if num_segments is None:
        num_segments = int(ids.max().item()) + 1 if ids.numel() else 0
    n = int(num_segments)
    # ids outside [0, n) go to a spare row n, dropped at the end
    ids = torch.where((ids >= 0) & (ids < n), ids, n)
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    out = torch.full((n + 1,) + tuple(data.shape[1:]), identity, dtype=data.dtype, device=data.device)
    return out.scatter_reduce(0, index, data, reduce=reduce, include_self=True)[:n]


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = t(data)
    top = float("inf") if data.is_floating_point() else torch.iinfo(data.dtype).max
    return _segment_reduce(data, segment_ids, num_segments, "amin", top)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment_reduce(data, segment_ids, num_segments, "prod", 1)


# -- Fourier transforms: complex values travel as (real, imag) pairs -------------
def _complex(x):
    """The complex tensor of a (real, imag) pair, and the real dtype to return."""
    real, imag = t(x[0]), t(x[1])
    dtype = torch.promote_types(real.dtype, imag.dtype)
    work = torch.float32 if dtype in _HALF else dtype
    return torch.complex(real.to(work), imag.to(work)), dtype


def _parts(z, dtype):
    return z.real.to(dtype), z.imag.to(dtype)


def _real(x):
    """``x`` as a float tensor to transform, and the dtype to return."""
    x = _float(x)
    return (x.float(), x.dtype) if x.dtype in _HALF else (x, x.dtype)


def fft(x):
    z, dtype = _complex(x)
    return _parts(torch.fft.fft(z), dtype)


def fft2(x):
    z, dtype = _complex(x)
    return _parts(torch.fft.fft2(z), dtype)


def ifft2(x):
    z, dtype = _complex(x)
    return _parts(torch.fft.ifft2(z), dtype)


def rfft(x, fft_length=None):
    x, dtype = _real(x)
    return _parts(torch.fft.rfft(x, n=fft_length, dim=-1), dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex(x)
    return torch.fft.irfft(z, n=fft_length, dim=-1).to(dtype)


def _named_window(name, length):
    """Periodic Hann or Hamming window (as ``scipy.signal.get_window``), in float64 NumPy."""
    a = 0.5 if name == "hann" else 0.54
    return a - (1.0 - a) * np.cos(2.0 * np.pi * np.arange(length) / length)


def _window(window, sequence_length, fft_length, like):
    """The window of ``sequence_length`` zero-padded (centred) to ``fft_length``; ones for None."""
    if window is None:
        return torch.ones(fft_length, dtype=like.dtype, device=like.device)
    if isinstance(window, str):
        win = torch.as_tensor(_named_window(window, sequence_length), dtype=like.dtype, device=like.device)
    else:
        win = t(window).to(device=like.device, dtype=like.dtype)
    left = (fft_length - sequence_length) // 2
    return torch.nn.functional.pad(win, (left, fft_length - sequence_length - left))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    x = t(x)
    if center:  # reflect-pad fft_length // 2 samples on both sides
        pad = fft_length // 2
        batch = tuple(x.shape[:-1])
        x = torch.nn.functional.pad(x.reshape(-1, x.shape[-1]), (pad, pad), mode="reflect")
        x = x.reshape(batch + (x.shape[-1],))
    frames = x.unfold(-1, fft_length, sequence_stride)  # (..., num_frames, fft_length)
    z = torch.fft.rfft(frames * _window(window, sequence_length, fft_length, x), dim=-1)
    return z.real, z.imag


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    z, dtype = _complex(x)
    frames = torch.fft.irfft(z, n=fft_length, dim=-1)  # (..., num_frames, fft_length)
    win = _window(window, sequence_length, fft_length, frames)
    num_frames = frames.shape[-2]
    total = fft_length + sequence_stride * (num_frames - 1)
    # overlap-add the windowed frames, then divide by the overlap-added squared window
    starts = torch.arange(num_frames, device=frames.device) * sequence_stride
    index = (starts[:, None] + torch.arange(fft_length, device=frames.device)).reshape(-1)
    signal = torch.zeros(tuple(frames.shape[:-2]) + (total,), dtype=frames.dtype, device=frames.device)
    signal = signal.index_add(-1, index, (frames * win).flatten(-2))
    norm = torch.zeros(total, dtype=frames.dtype, device=frames.device)
    norm = norm.index_add(0, index, (win * win).repeat(num_frames))
    signal = signal / torch.where(norm > 1e-10, norm, 1.0)
    start = fft_length // 2 if center else 0
    if length is not None:
        signal = signal[..., start:start + length]
        missing = length - signal.shape[-1]
        return torch.nn.functional.pad(signal, (0, missing)).to(dtype) if missing > 0 else signal.to(dtype)
    return signal[..., start:total - start].to(dtype)


def view_as_complex(x):
    x = t(x)
    x = x.to(torch.float64 if x.dtype == torch.float64 else torch.float32)
    return torch.complex(x[..., 0], x[..., 1])


def view_as_real(x):
    x = t(x)
    if x.is_complex():
        return torch.stack((x.real, x.imag), dim=-1)
    x = _float(x)
    return torch.stack((x, torch.zeros_like(x)), dim=-1)
