"""Torch engine: fused attention (``torch.nn.functional.scaled_dot_product_attention``)."""
import torch
import torch.nn.functional as F

from cornu.backend.torch.core import convert_to_tensor

__all__ = ["dot_product_attention"]


def _large_negative(dtype):
    return -3e4 if dtype in (torch.float16, torch.bfloat16) else -1e9


def _to_4d(x):
    x = convert_to_tensor(x)
    while x.ndim < 4:
        x = x.unsqueeze(0)
    return x


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None):
    """``softmax(query . key * scale + bias, masked) . value`` over ``(batch, time, heads, dim)``.

    Args:
        query: ``(B, T, N, H)``; key: ``(B, S, N, H)``; value: ``(B, S, N, V)``.
        bias: optional float tensor added to the logits, broadcastable to ``(B, N, T, S)``.
        mask: optional boolean, broadcastable to ``(B, N, T, S)``; False marks
            positions that receive no attention (a large negative logit).
        scale: logit scale; ``1 / sqrt(H)`` by default.
        is_causal: mask out keys after each query (top-left aligned).
        flash_attention: accepted for Keras compatibility; torch picks its kernel.

    Returns:
        ``(B, T, N, V)``.
    """
    q = convert_to_tensor(query)
    k = convert_to_tensor(key).to(q.dtype)
    v = convert_to_tensor(value).to(q.dtype)
    q, k, v = (x.transpose(1, 2) for x in (q, k, v))  # (B, N, T, H)
    attn = None
    if bias is not None:
        attn = _to_4d(bias).to(q.dtype)
    if mask is not None:
        m = _to_4d(mask)
        if m.dtype != torch.bool:
            m = m != 0
        neg = torch.zeros(m.shape, dtype=q.dtype, device=q.device).masked_fill(~m, _large_negative(q.dtype))
        attn = neg if attn is None else attn + neg
    if is_causal and attn is not None:
        t, s = q.shape[-2], k.shape[-2]
        causal = torch.ones(t, s, dtype=torch.bool, device=q.device).tril()
        attn = attn.masked_fill(~causal, _large_negative(q.dtype))
        is_causal = False
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=attn, is_causal=bool(is_causal), scale=scale)
    return out.transpose(1, 2)  # (B, T, N, V)
