"""JAX engine: normalization ops (layer norm, RMS norm)."""
import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor

_HALF = (jnp.float16, jnp.bfloat16)


def _prepare(x, axis):
    x = convert_to_tensor(x)
    floating = jnp.issubdtype(x.dtype, jnp.floating)
    original = x.dtype if floating else None
    compute = jnp.float32 if (original is None or original in _HALF) else original
    x = x.astype(compute)
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = sorted(a % x.ndim for a in axes)
    return x, original, axes


def _broadcast(v, x, axes):
    if v is None:
        return None
    v = convert_to_tensor(v).astype(x.dtype)
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]
    return jnp.reshape(v, shape)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, rms_scaling=False):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` over ``axis``.

    With ``rms_scaling`` (Keras 3's definition): ``x / sqrt(var + epsilon) * gamma``.
    """
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    x, original, axes = _prepare(x, axis)
    axes_t = tuple(axes)
    if rms_scaling:
        var = jnp.var(x, axis=axes_t, keepdims=True)
        out = x * jax.lax.rsqrt(var + epsilon)
        g = _broadcast(gamma, x, axes)
        if g is not None:
            out = out * g
    else:
        mean = jnp.mean(x, axis=axes_t, keepdims=True)
        var = jnp.mean(jnp.square(x - mean), axis=axes_t, keepdims=True)
        inv = jax.lax.rsqrt(var + epsilon)
        g = _broadcast(gamma, x, axes)
        if g is not None:
            inv = inv * g
        shift = -mean * inv
        b = _broadcast(beta, x, axes)
        if b is not None:
            shift = shift + b
        out = x * inv + shift
    return out if original is None else out.astype(original)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x * rsqrt(mean(square(x), axis) + epsilon) * scale``."""
    epsilon = config.epsilon() if epsilon is None else float(epsilon)
    x, original, axes = _prepare(x, axis)
    if x.ndim == 0:
        x = jnp.reshape(x, (1,))
        axes = [0]
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=tuple(axes), keepdims=True) + epsilon)
    if scale is not None:
        s = convert_to_tensor(scale).astype(x.dtype)
        out = out * (_broadcast(s, x, axes) if s.ndim == len(axes) and s.ndim > 0 else s)
    return out if original is None else out.astype(original)


__all__ = ["layer_normalization", "rms_normalization"]
