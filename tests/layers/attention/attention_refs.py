"""NumPy (float64) references for the attention tests, and engine gradients."""
import numpy as np

from cornu import backend


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def masked_softmax(scores, mask):
    """Keras's masking: masked logits get -1e9 added.

    In float32 that constant absorbs ordinary logits, so a fully masked row
    gets uniform weights; the float64 reference reproduces that explicitly.
    """
    if mask is None:
        return softmax(scores)
    mask = np.asarray(mask, bool)
    out = softmax(np.where(mask, scores, scores - 1e9))
    empty = ~mask.any(axis=-1, keepdims=True)
    return np.where(empty, 1.0 / scores.shape[-1], out)


def causal(t, s):
    return np.tril(np.ones((t, s), bool))


def dot_attention(q, v, k=None, q_mask=None, v_mask=None, scale=None, causal_mask=False,
                  concat_weight=None):
    """Luong (dot, or Keras's "concat" score mode when ``concat_weight`` is set) attention."""
    k = v if k is None else k
    if concat_weight is None:
        scores = q @ np.swapaxes(k, -1, -2)
        if scale is not None:
            scores = scores * scale
    else:
        pre = q[:, :, None, :] + k[:, None, :, :]
        if scale is not None:
            pre = scale * pre
        scores = concat_weight * np.tanh(pre).sum(-1)
    return _apply(scores, v, q_mask, v_mask, causal_mask)


def additive_attention(q, v, k=None, scale=None, q_mask=None, v_mask=None, causal_mask=False):
    k = v if k is None else k
    t = np.tanh(q[:, :, None, :] + k[:, None, :, :])
    scores = (t * (1.0 if scale is None else scale)).sum(-1)
    return _apply(scores, v, q_mask, v_mask, causal_mask)


def _apply(scores, v, q_mask, v_mask, causal_mask):
    mask = None
    if v_mask is not None:
        mask = np.broadcast_to(v_mask[:, None, :], scores.shape)
    if causal_mask:
        c = np.broadcast_to(causal(*scores.shape[-2:]), scores.shape)
        mask = c if mask is None else mask & c
    weights = masked_softmax(scores, mask)
    out = weights @ v
    if q_mask is not None:
        out = out * q_mask[:, :, None]
    return out, weights


def mha(query, value, key, weights, num_heads, key_dim, attention_mask=None, use_bias=True):
    """Vaswani et al. multi-head attention with Keras's weight layout.

    ``weights``: [Wq (d, N, H), bq (N, H), Wk, bk, Wv (d, N, Hv), bv, Wo (N, Hv, out), bo (out,)].
    ``attention_mask``: (B, T, S) booleans.
    """
    if use_bias:
        wq, bq, wk, bk, wv, bv, wo, bo = weights
    else:
        (wq, wk, wv, wo), bq = weights, None
    q = np.einsum("btd,dnh->btnh", query, wq) + (bq if use_bias else 0)
    k = np.einsum("bsd,dnh->bsnh", key, wk) + (bk if use_bias else 0)
    v = np.einsum("bsd,dnh->bsnh", value, wv) + (bv if use_bias else 0)
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(key_dim)
    mask = None if attention_mask is None else np.broadcast_to(attention_mask[:, None], scores.shape)
    probs = masked_softmax(scores, mask)
    ctx = np.einsum("bnts,bsnh->btnh", probs, v)
    out = np.einsum("btnh,nho->bto", ctx, wo) + (bo if use_bias else 0)
    return out, probs


def numeric_grad(fn, arrays, eps=1e-6):
    """Central finite differences of scalar ``fn(*arrays)`` (float64)."""
    arrays = [np.array(a, np.float64, order="C") for a in arrays]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            up = fn(*arrays)
            flat[i] = old - eps
            down = fn(*arrays)
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def engine_grads(fn, variables, inputs, cotangents):
    """Outputs and gradients of ``sum(out_i * cot_i)`` w.r.t. variables and float inputs."""
    if backend.backend() == "torch":
        import torch

        xs = [torch.tensor(np.asarray(a), requires_grad=np.asarray(a).dtype.kind == "f") for a in inputs]
        outs = fn(*xs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        loss = sum((o * torch.tensor(c, dtype=o.dtype)).sum() for o, c in zip(outs, cotangents))
        params = [v.value for v in variables]
        wanted = params + [x for x in xs if x.requires_grad]
        grads = torch.autograd.grad(loss, wanted)
        return ([o.detach().numpy() for o in outs], [g.numpy() for g in grads[:len(params)]],
                [g.numpy() for g in grads[len(params):]])
    import jax
    import jax.numpy as jnp

    from cornu.backend import StatelessScope

    float_idx = [i for i, a in enumerate(inputs) if np.asarray(a).dtype.kind == "f"]

    def loss(values, float_xs):
        xs = [jnp.asarray(a) for a in inputs]
        for i, x in zip(float_idx, float_xs):
            xs[i] = x
        with StatelessScope(zip(variables, values)):
            outs = fn(*xs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        return sum(jnp.sum(o * c) for o, c in zip(outs, cotangents)), outs

    (_, outs), (gv, gx) = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(
        [v.value for v in variables], [jnp.asarray(inputs[i]) for i in float_idx])
    return [np.asarray(o) for o in outs], [np.asarray(g) for g in gv], [np.asarray(g) for g in gx]
