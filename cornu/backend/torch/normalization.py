"""Torch engine: fused normalization ops (layer norm, RMS norm)."""
import torch
import torch.nn.functional as F

from cornu.backend import config
from cornu.backend.torch.core import convert_to_tensor

_HALF = (torch.float16, torch.bfloat16)


def _prepare(x, axis):
    x = convert_to_tensor(x)
    original = x.dtype if x.is_floating_point() else None
    compute = torch.float32 if (original is None or original in _HALF) else original
    x = x.to(compute)
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(a % x.ndim for a in axes)
    return x, original, axes


def _is_trailing(axes, ndim):
    return axes == list(range(ndim - len(axes), ndim))


def _broadcast(v, x, axes):
    """Reshape a parameter spanning ``axes`` so it broadcasts against ``x``."""
    if v is None:
        return None
    v = convert_to_tensor(v).to(x.dtype)
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    return v.reshape(shape)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, rms_scaling=False):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` over ``axis``.

    With ``rms_scaling`` (Keras 3's definition): ``x / sqrt(var + epsilon) * gamma``.
    Uses ``torch.nn.functional.layer_norm`` when the axes are the trailing ones.
    """
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    x, original, axes = _prepare(x, axis)
    if rms_scaling:
        var = torch.var(x, dim=axes, unbiased=False, keepdim=True)
        out = x * torch.rsqrt(var + epsilon)
        g = _broadcast(gamma, x, axes)
        if g is not None:
            out = out * g
    elif _is_trailing(axes, x.ndim):
        shape = tuple(x.shape[a] for a in axes)
        w = None if gamma is None else convert_to_tensor(gamma).to(x.dtype).reshape(shape)
        b = None if beta is None else convert_to_tensor(beta).to(x.dtype).reshape(shape)
        out = F.layer_norm(x, shape, w, b, epsilon)
    else:
        var, mean = torch.var_mean(x, dim=axes, unbiased=False, keepdim=True)
        inv = torch.rsqrt(var + epsilon)
        g = _broadcast(gamma, x, axes)
        if g is not None:
            inv = inv * g
        shift = -mean * inv
        b = _broadcast(beta, x, axes)
        if b is not None:
            shift = shift + b
        out = x * inv + shift
    return out if original is None else out.to(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x * rsqrt(mean(square(x), axis) + epsilon) * scale`` (``torch.nn.functional.rms_norm``)."""
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    x, original, axes = _prepare(x, axis)
    if x.ndim == 0:
        x = x.reshape(1)
        axes = [0]
    if _is_trailing(axes, x.ndim) and hasattr(F, "rms_norm"):
        shape = tuple(x.shape[a] for a in axes)
        w = None
        if scale is not None:
            w = torch.broadcast_to(convert_to_tensor(scale).to(x.dtype), shape)
        out = F.rms_norm(x, shape, w, epsilon)
    else:
        out = x * torch.rsqrt(torch.mean(x * x, dim=axes, keepdim=True) + epsilon)
        if scale is not None:
            s = convert_to_tensor(scale).to(x.dtype)
            out = out * (_broadcast(s, x, axes) if s.ndim == len(axes) and s.ndim > 0 else s)
    return out if original is None else out.to(original)


__all__ = ["layer_normalization", "rms_normalization"]


def fused_batch_norm(x, scale, offset, axis, epsilon):
    """Training-mode batch normalization in one native kernel pair (forward, backward).

    Returns ``(outputs, mean, variance)`` with the batch statistics (biased
    variance, as Keras's moving averages use) computed over every axis but
    ``axis``. For channels-last data the channel axis is moved to position 1
    as a view (torch's channels-last memory format), so nothing is copied.
    """
    x = convert_to_tensor(x)
    axis = axis % x.ndim
    if not x.is_floating_point() or x.ndim < 2:
        return None
    xt = torch.movedim(x, axis, 1) if axis != 1 else x
    weight = None if scale is None else convert_to_tensor(scale).to(x.dtype)
    bias = None if offset is None else convert_to_tensor(offset).to(x.dtype)
    out, mean, invstd = torch.ops.aten.native_batch_norm(xt, weight, bias, None, None, True, 0.0, epsilon)
    out = torch.movedim(out, 1, axis) if axis != 1 else out
    with torch.no_grad():
        variance = torch.clamp(invstd.reciprocal().square() - epsilon, min=0.0)
    return out, mean.detach(), variance


def fused_group_norm(x, gamma, beta, groups, axis, epsilon):
    """Group normalization in torch's native kernels (``F.group_norm``), or ``None``.

    ``axis`` is the channel axis (any but the batch axis); statistics are taken
    per sample and group over the group's channels and every other axis,
    with the biased variance, as Keras's GroupNormalization does. Channels-last
    data is viewed as channels-first (no copy for 4D/5D tensors).
    """
    x = convert_to_tensor(x)
    axis = axis % x.ndim if x.ndim else 0
    if not x.is_floating_point() or x.ndim < 2 or axis == 0 or x.shape[0] == 0:
        return None
    xt = torch.movedim(x, axis, 1) if axis != 1 else x
    weight = None if gamma is None else convert_to_tensor(gamma).to(x.dtype)
    bias = None if beta is None else convert_to_tensor(beta).to(x.dtype)
    out = F.group_norm(xt, groups, weight, bias, epsilon)
    return torch.movedim(out, 1, axis) if axis != 1 else out
