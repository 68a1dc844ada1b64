"""Torch engine: the rest of the NumPy-like op set (statistics, element-wise extras,
constructors), re-exported by ``cornu.backend.torch.numpy``."""
import math

import torch

from cornu.backend.torch.core import convert_to_tensor, get_device
from cornu.backend.torch.numpy import _as_tuple, _axis, _float, _pair, full_like, mean, t, zeros

def pad(x, pad_width, mode="constant", constant_values=None):
    x = t(x)
    pad_width = [tuple(p) for p in (pad_width if isinstance(pad_width[0], (list, tuple)) else [pad_width] * x.ndim)]
    flat = []
    for before, after in reversed(pad_width):
        flat += [before, after]
    if mode == "constant":
        return torch.nn.functional.pad(x, flat, mode="constant", value=constant_values or 0)
    mode = {"symmetric": "replicate", "edge": "replicate"}.get(mode, mode)
    if mode == "reflect" or mode == "replicate" or mode == "circular":
        return np_style_pad(x, pad_width, mode)
    raise ValueError(f"pad: unsupported mode {mode!r}.")


def np_style_pad(x, pad_width, mode):
    # torch only pads the trailing dims in non-constant modes: add a batch/channel dim.
    nd = x.ndim
    out = x
    for axis in range(nd):
        before, after = pad_width[axis]
        if before == 0 and after == 0:
            continue
        moved = torch.moveaxis(out, axis, -1)
        shp = moved.shape
        flat = moved.reshape(1, -1, shp[-1]) if moved.dtype.is_floating_point else moved.reshape(1, -1, shp[-1]).float()
        padded = torch.nn.functional.pad(flat, (before, after), mode=mode).to(out.dtype)
        out = torch.moveaxis(padded.reshape(*shp[:-1], -1), -1, axis)
    return out


def flip(x, axis=None):
    x = t(x)
    axis = tuple(range(x.ndim)) if axis is None else _as_tuple(axis)
    return torch.flip(x, dims=axis)


def roll(x, shift, axis=None): return torch.roll(t(x), shift, dims=axis)
def tril(x, k=0): return torch.tril(t(x), diagonal=k)
def triu(x, k=0): return torch.triu(t(x), diagonal=k)
def diag(x, k=0): return torch.diag(t(x), diagonal=k)
def trace(x, offset=0, axis1=0, axis2=1): return torch.diagonal(t(x), offset, axis1, axis2).sum(-1)


def count_nonzero(x, axis=None):
    return torch.count_nonzero(t(x), dim=_axis(axis)).to(torch.int32)


def size(x): return t(x).numel()
def ndim(x): return t(x).ndim


def average(x, axis=None, weights=None):
    x = _float(x)
    if weights is None:
        return mean(x, axis=axis)
    w = t(weights).to(x.dtype)
    if axis is not None and w.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        w = w.reshape(shape)
    return torch.sum(x * w, dim=axis) / torch.sum(w * torch.ones_like(x), dim=axis)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return torch.nan_to_num(t(x), nan=nan, posinf=posinf, neginf=neginf)


def vdot(x1, x2): return torch.sum(t(x1).flatten() * t(x2).flatten())


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    return torch.cross(t(x1), t(x2), dim=-1 if axis is None else axis)


def copy(x): return t(x).clone()
def real(x): return torch.real(t(x))
def imag(x): return torch.imag(t(x))


def unique(x):
    return torch.unique(t(x), sorted=True)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    x = _float(x)
    q = t(q).to(x.dtype)
    if axis is None:
        out = torch.quantile(x.flatten(), q, interpolation=method)
        return out.reshape([1] * x.ndim) if keepdims else out
    return torch.quantile(x, q, dim=axis, keepdim=keepdims, interpolation=method)


def histogram(x, bins=10, range=None):
    x = _float(x)
    lo, hi = range if range is not None else (x.min().item(), x.max().item())
    hist, edges = torch.histogram(x.cpu().flatten(), bins=bins, range=(lo, hi))
    return hist.to(get_device()), edges.to(get_device())


def meshgrid(*x, indexing="xy"):
    return list(torch.meshgrid(*[t(v) for v in x], indexing=indexing))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    a, b = _pair(x1, x2)
    return torch.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def ravel(x): return torch.ravel(t(x))
def signbit(x): return torch.signbit(t(x))
def trunc(x): return torch.trunc(t(x))
def exp2(x): return torch.exp2(_float(x))
def cbrt(x): x = _float(x); return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)
def hypot(x1, x2): a, b = _pair(x1, x2); return torch.hypot(_float(a), _float(b))
def deg2rad(x): return _float(x) * (math.pi / 180.0)
def rad2deg(x): return _float(x) * (180.0 / math.pi)
def bincount(x, weights=None, minlength=0):
    return torch.bincount(t(x).long(), weights=None if weights is None else t(weights), minlength=minlength)


def digitize(x, bins):
    return torch.bucketize(t(x), t(bins), right=True).to(torch.int32)


def searchsorted(sorted_sequence, values, side="left"):
    return torch.searchsorted(t(sorted_sequence), t(values), side=side).to(torch.int32)


def diff(a, n=1, axis=-1): return torch.diff(t(a), n=n, dim=axis)


def empty(shape, dtype=None): return zeros(shape, dtype)


def select(condlist, choicelist, default=0):
    out = full_like(t(choicelist[0]), default)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = torch.where(t(cond).to(torch.bool), t(choice), out)
    return out


def conjugate(x): return torch.conj(t(x))


conj = conjugate


def array(x, dtype=None): return convert_to_tensor(x, dtype=dtype)

