"""Attention layers: ``Attention``, ``AdditiveAttention``, ``MultiHeadAttention``."""
from cornu.layers.attention.additive_attention import AdditiveAttention
from cornu.layers.attention.attention import Attention
from cornu.layers.attention.group_query_attention import GroupQueryAttention, GroupedQueryAttention  # noqa: F401
from cornu.layers.attention.multi_head_attention import MultiHeadAttention
from cornu.serialization import register_builtin

_PUBLIC = [Attention, AdditiveAttention, MultiHeadAttention]
for _cls in _PUBLIC:
    register_builtin("keras.layers", _cls)

__all__ = [c.__name__ for c in _PUBLIC] + ["GroupQueryAttention"]
