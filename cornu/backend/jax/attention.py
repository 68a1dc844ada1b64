"""JAX engine: fused attention (``jax.nn.dot_product_attention``)."""
import jax
import jax.numpy as jnp

from cornu.backend.jax.core import convert_to_tensor

__all__ = ["dot_product_attention"]


def _to_4d(x):
    x = convert_to_tensor(x)
    while x.ndim < 4:
        x = x[None]
    return x


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None):
    """``softmax(query . key * scale + bias, masked) . value`` over ``(batch, time, heads, dim)``.

    Args:
        query: ``(B, T, N, H)``; key: ``(B, S, N, H)``; value: ``(B, S, N, V)``.
        bias: optional float tensor added to the logits, broadcastable to ``(B, N, T, S)``.
        mask: optional boolean, broadcastable to ``(B, N, T, S)``; False marks
            positions that receive no attention.
        scale: logit scale; ``1 / sqrt(H)`` by default.
        is_causal: mask out keys after each query (top-left aligned).
        flash_attention: accepted for Keras compatibility; XLA picks the kernel.

    Returns:
        ``(B, T, N, V)``.
    """
    q = convert_to_tensor(query)
    k = convert_to_tensor(key).astype(q.dtype)
    v = convert_to_tensor(value).astype(q.dtype)
    if bias is not None:
        bias = _to_4d(bias).astype(q.dtype)
    if mask is not None:
        mask = _to_4d(mask)
        if mask.dtype != jnp.bool_:
            mask = mask != 0
    if hasattr(jax.nn, "dot_product_attention") and v.shape[-1] == q.shape[-1]:
        return jax.nn.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=scale,
                                            is_causal=bool(is_causal))
    # Plain ops: older JAX, or value heads of another size than the query heads.
    scale = scale if scale is not None else 1.0 / float(q.shape[-1]) ** 0.5
    logits = jnp.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    big_neg = jnp.asarray(-0.7 * jnp.finfo(logits.dtype).max, logits.dtype)
    if mask is not None:
        logits = jnp.where(mask, logits, big_neg)
    if is_causal:
        t, s = logits.shape[-2:]
        logits = jnp.where(jnp.tril(jnp.ones((t, s), bool)), logits, big_neg)
    weights = jax.nn.softmax(logits, axis=-1)
    return jnp.einsum("bnts,bsnv->btnv", weights, v)
