"""NumPy references for convolution and pooling, written from the definitions.

Everything is channels-last and float64.  Padding is TensorFlow's published
``"same"`` rule: ``out = ceil(n / s)``, total pad
``max((out - 1) * s + (k - 1) * d + 1 - n, 0)``, the odd element at the end.
A transposed convolution is the adjoint of the forward convolution whose
input has the transposed output's shape (Keras's output-length formula).

Also: ``engine_vjp`` and ``layer_vjp``, outputs and gradients taken with the
engine's own autodiff (torch.autograd / jax.vjp) for comparison.
"""
import itertools

import numpy as np

from cornu import backend


def tf_pads(spatial, kernel, strides, dilation, padding):
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    pads = []
    for n, k, s, d in zip(spatial, kernel, strides, dilation):
        out = -(-n // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _window(xp, kpos, dilation, strides, out_sz):
    """``xp[:, kpos*d + p*s, ...]`` for every output position ``p`` (a strided view)."""
    return xp[(slice(None),) + tuple(
        slice(kp * d, kp * d + s * (o - 1) + 1, s) for kp, d, s, o in zip(kpos, dilation, strides, out_sz))]


def conv(x, k, strides=1, padding="valid", dilation=1):
    """Grouped N-D cross-correlation; kernel ``spatial + (in // groups, out)``."""
    x = np.asarray(x, np.float64)
    k = np.asarray(k, np.float64)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation, n)
    ksz = k.shape[:n]
    pads = tf_pads(x.shape[1:-1], ksz, strides, dilation, padding)
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    out_sz = [(xp.shape[1 + i] - (ksz[i] - 1) * dilation[i] - 1) // strides[i] + 1 for i in range(n)]
    cin, kin, cout = x.shape[-1], k.shape[-2], k.shape[-1]
    groups = cin // kin
    og = cout // groups
    out = np.zeros((x.shape[0], *out_sz, cout))
    for kpos in itertools.product(*[range(s) for s in ksz]):
        patch = _window(xp, kpos, dilation, strides, out_sz)  # (b, out..., cin)
        for g in range(groups):
            out[..., g * og:(g + 1) * og] += patch[..., g * kin:(g + 1) * kin] @ k[kpos][:, g * og:(g + 1) * og]
    return out


def depthwise_conv(x, k, strides=1, padding="valid", dilation=1):
    """Each channel ``c`` with ``k[..., c, m]``; output channel ``c * mult + m``."""
    x = np.asarray(x, np.float64)
    cin, mult = k.shape[-2], k.shape[-1]
    outs = []
    for c in range(cin):
        outs.append(conv(x[..., c:c + 1], k[..., c:c + 1, :], strides, padding, dilation))
    return np.concatenate(outs, axis=-1)  # channel order c * mult + m


def separable_conv(x, dk, pk, strides=1, padding="valid", dilation=1):
    return conv(depthwise_conv(x, dk, strides, padding, dilation), pk)


def keras_transpose_length(n, k, s, padding, output_padding, d):
    """Keras's documented output length of a transposed convolution."""
    k = k + (k - 1) * (d - 1)
    if output_padding is None:
        return n * s + max(k - s, 0) if padding == "valid" else n * s
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * s + k - 2 * pad + output_padding


def conv_transpose(x, k, strides=1, padding="valid", output_padding=None, dilation=1):
    """Adjoint of the forward convolution ``R^T -> R^L``; kernel ``spatial + (out, in)``."""
    x = np.asarray(x, np.float64)
    k = np.asarray(k, np.float64)
    n = x.ndim - 2
    strides, dilation = _tuple(strides, n), _tuple(dilation, n)
    ops_ = [None] * n if output_padding is None else list(_tuple(output_padding, n))
    ksz = k.shape[:n]
    target = [keras_transpose_length(x.shape[1 + i], ksz[i], strides[i], padding, ops_[i], dilation[i])
              for i in range(n)]
    pads = tf_pads(target, ksz, strides, dilation, padding)
    padded = [t + b + a for t, (b, a) in zip(target, pads)]
    fwd_len = [(padded[i] - (ksz[i] - 1) * dilation[i] - 1) // strides[i] + 1 for i in range(n)]
    assert fwd_len == list(x.shape[1:-1]), (fwd_len, x.shape)
    out = np.zeros((x.shape[0], *padded, k.shape[-2]))
    for kpos in itertools.product(*[range(s) for s in ksz]):
        _window(out, kpos, dilation, strides, x.shape[1:-1])[...] += x @ k[kpos].T
    crop = tuple(slice(b, b + t) for (b, _), t in zip(pads, target))
    return out[(slice(None),) + crop]


def pool(x, pool_size, strides=None, padding="valid", kind="max"):
    """Max or average pooling; ``"same"`` averages only over real (unpadded) elements."""
    x = np.asarray(x, np.float64)
    n = x.ndim - 2
    pool_size = _tuple(pool_size, n)
    strides = pool_size if strides is None else _tuple(strides, n)
    pads = tf_pads(x.shape[1:-1], pool_size, strides, (1,) * n, padding)
    fill = -np.inf if kind == "max" else np.nan
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=fill)
    out_sz = [(xp.shape[1 + i] - pool_size[i]) // strides[i] + 1 for i in range(n)]
    windows = np.stack([_window(xp, kpos, (1,) * n, strides, out_sz)
                        for kpos in itertools.product(*[range(p) for p in pool_size])])
    return windows.max(axis=0) if kind == "max" else np.nanmean(windows, axis=0)


def linear_vjp(fn, x, cotangent):
    """``J^T cotangent`` of a function linear in ``x``, by evaluating it on each basis vector."""
    x = np.asarray(x, np.float64)
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = 1.0
        grad[i] = np.sum(fn(e.reshape(x.shape)) * cotangent)
    return grad.reshape(x.shape)


def batched_vjp(fn, x, cotangent):
    """``J^T cotangent`` for ``fn`` linear in ``x`` and independent per sample: all basis vectors in one call."""
    x = np.asarray(x, np.float64)
    basis = np.eye(x.size).reshape((x.size,) + x.shape)
    out = fn(basis.reshape((x.size * x.shape[0],) + x.shape[1:]))
    out = out.reshape((x.size,) + cotangent.shape)
    return np.tensordot(out, cotangent, axes=cotangent.ndim).reshape(x.shape)


def max_pool_vjp(x, cotangent, pool_size, strides=None, padding="valid"):
    """Gradient of max pooling: each window's cotangent goes to its arg-max."""
    x = np.asarray(x, np.float64)
    n = x.ndim - 2
    pool_size = _tuple(pool_size, n)
    strides = pool_size if strides is None else _tuple(strides, n)
    pads = tf_pads(x.shape[1:-1], pool_size, strides, (1,) * n, padding)
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=-np.inf)
    gp = np.zeros_like(xp)
    for b in range(x.shape[0]):
        for c in range(x.shape[-1]):
            for pos in itertools.product(*[range(o) for o in cotangent.shape[1:-1]]):
                sl = tuple(slice(p * s, p * s + k) for p, s, k in zip(pos, strides, pool_size))
                window = xp[(b,) + sl + (c,)]
                arg = np.unravel_index(np.argmax(window), window.shape)
                gp[(b,) + tuple(s.start + a for s, a in zip(sl, arg)) + (c,)] += cotangent[(b,) + pos + (c,)]
    crop = tuple(slice(bf, bf + m) for (bf, _), m in zip(pads, x.shape[1:-1]))
    return gp[(slice(None),) + crop + (slice(None),)]


# -- the engine's own autodiff -----------------------------------------------------
def engine_vjp(fn, arrays, cotangent):
    """``(fn(*arrays), grads of sum(fn * cotangent) w.r.t. each array)`` by torch.autograd or jax.vjp."""
    if backend.backend() == "torch":
        import torch

        ts = [backend.convert_to_tensor(np.asarray(a, np.float32)).requires_grad_(True) for a in arrays]
        out = fn(*ts)
        grads = torch.autograd.grad((out * backend.convert_to_tensor(cotangent, "float32")).sum(), ts)
        return _np(out.detach()), [_np(g) for g in grads]
    import jax
    import jax.numpy as jnp

    out, pullback = jax.vjp(fn, *[jnp.asarray(a, jnp.float32) for a in arrays])
    grads = pullback(jnp.asarray(cotangent, out.dtype))
    return _np(out), [_np(g) for g in grads]


def layer_vjp(layer, x, cotangent, **call_kwargs):
    """``(output, grad_x, [grad of each trainable weight])`` of ``sum(layer(x) * cotangent)``."""
    weights = list(layer.trainable_weights)
    if backend.backend() == "torch":
        import torch

        xt = backend.convert_to_tensor(np.asarray(x, np.float32)).requires_grad_(True)
        out = layer(xt, **call_kwargs)
        total = (out * backend.convert_to_tensor(cotangent, "float32")).sum()
        grads = torch.autograd.grad(total, [xt] + [w.value for w in weights])
        return _np(out.detach()), _np(grads[0]), [_np(g) for g in grads[1:]]
    import jax
    import jax.numpy as jnp

    def f(xv, *values):
        with backend.StatelessScope(zip(weights, values)):
            return layer(xv, **call_kwargs)

    out, pullback = jax.vjp(f, jnp.asarray(x, jnp.float32), *[w.value for w in weights])
    grads = pullback(jnp.asarray(cotangent, out.dtype))
    return _np(out), _np(grads[0]), [_np(g) for g in grads[1:]]


def _np(t):
    return np.asarray(backend.convert_to_numpy(t), np.float64)
