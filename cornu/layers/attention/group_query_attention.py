"""``GroupQueryAttention`` (Ainslie et al. 2023) with Keras 3's weight layout."""
import math

from cornu import backend, constraints, initializers, ops, regularizers
from cornu.backend import KerasTensor
from cornu.config import is_flash_attention_enabled
from cornu.layers.activations.softmax import Softmax
from cornu.layers.core.dropout import Dropout
from cornu.layers.core.einsum_dense import EinsumDense
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class GroupedQueryAttention(Layer):
    """Grouped-query attention: query heads share fewer key/value heads.

    ``num_query_heads`` query heads are split into ``num_key_value_heads``
    groups; each group attends with one shared key head and value head
    (``num_key_value_heads=1``: multi-query attention;
    ``num_key_value_heads=num_query_heads``: multi-head attention). The
    projections are ``EinsumDense`` sub-layers ``query`` (kernel
    ``(dim, num_query_heads, head_dim)``), ``key`` and ``value`` (kernels
    ``(dim, num_key_value_heads, head_dim)``) and ``attention_output``
    (kernel ``(num_query_heads, head_dim, dim)``); the scores are
    ``softmax(q k^T / sqrt(head_dim))``.

    Args:
        head_dim: size of each head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key/value heads; must divide ``num_query_heads``.
        dropout: dropout rate on the attention weights.
        use_bias: whether the projections have biases.
        sliding_window: optional positive int; query ``i`` then sees keys ``j``
            with ``|i - j| < sliding_window`` only.
        flash_attention: ``None`` (use the engine's fused kernel when possible),
            ``True`` (require it: no dropout, no returned scores) or ``False``.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: multiply the attention output by ``sigmoid`` of an extra
            projection of the query (sub-layer ``gate``) before the output projection.
        seed: int seed of the dropout.

    Call arguments:
        query ``(B, T, dim)``, value ``(B, S, dim)``, key (default ``value``);
        query_mask / value_mask / key_mask: ``(B, T)`` / ``(B, S)`` booleans
        (taken from the tensors' Keras masks when not given); attention_mask:
        ``(B, T, S)`` booleans; return_attention_scores: also return the
        ``(B, num_query_heads, T, S)`` weights; training: dropout;
        use_causal_mask: query ``i`` attends to keys ``j <= i`` only.
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not _positive_int(value):
                raise ValueError(
                    f"Argument `{arg}` of layer '{self.name}' (GroupQueryAttention) must be a positive integer; "
                    f"received {arg}={value!r}."
                )
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': `num_query_heads` must be a multiple of "
                f"`num_key_value_heads`; received num_query_heads={num_query_heads} and "
                f"num_key_value_heads={num_key_value_heads}."
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(
                f"Argument `dropout` of layer '{self.name}' (GroupQueryAttention) must be a float between 0 and 1; "
                f"received dropout={dropout!r}."
            )
        if sliding_window is not None and not _positive_int(sliding_window):
            raise ValueError(
                f"Argument `sliding_window` of layer '{self.name}' (GroupQueryAttention) must be None or a "
                f"positive integer; received sliding_window={sliding_window!r}."
            )
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention or is_flash_attention_enabled()
        if self._flash_attention and self.dropout > 0:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': dropout is not supported with flash attention; set "
                f"dropout=0.0 (received dropout={dropout!r}) or flash_attention=False."
            )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        # Fresh initializer objects per projection, so seeded ones do not repeat values.
        return EinsumDense(
            equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None, name=name,
            activation=activation,
            kernel_initializer=self.kernel_initializer.__class__.from_config(self.kernel_initializer.get_config()),
            bias_initializer=self.bias_initializer.__class__.from_config(self.bias_initializer.get_config()),
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer, kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint, dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        q_heads = (None, self.num_query_heads, self.head_dim)
        kv_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._dense("bqm,muh->bquh", q_heads, "uh", "query")
        self._query_dense.build(query_shape)  # (B, T, dim) -> (B, T, num_query_heads, head_dim)
        self._key_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "key")
        self._key_dense.build(key_shape)  # (B, S, dim) -> (B, S, num_key_value_heads, head_dim)
        if self.use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", q_heads, "uh", "gate", "sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", kv_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, seed=self.seed, dtype=self.dtype_policy)
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output")
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))  # -> (B, T, dim)
        self.built = True

    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # -- masks ------------------------------------------------------------------------------
    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (B, T, 1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.expand_dims(ops.cast(m, "bool"), -2)  # (B, 1, S)
                auto = m if auto is None else ops.logical_and(auto, m)
        rows = ops.expand_dims(ops.arange(ops.shape(query)[1]), -1)  # (T, 1)
        cols = ops.expand_dims(ops.arange(ops.shape(value)[1]), 0)  # (1, S)
        if use_causal_mask:
            causal = ops.expand_dims(ops.greater_equal(rows, cols), 0)  # (1, T, S)
            auto = causal if auto is None else ops.logical_and(auto, causal)
        if self.sliding_window is not None:
            band = ops.expand_dims(ops.less(ops.abs(rows - cols), self.sliding_window), 0)  # (1, T, S)
            auto = band if auto is None else ops.logical_and(auto, band)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
        if auto is not None:
            attention_mask = auto if attention_mask is None else ops.logical_and(attention_mask, auto)
        return attention_mask

    # -- computation --------------------------------------------------------------------------
    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': return_attention_scores=True is not supported with flash "
                "attention; create the layer with flash_attention=False to get the scores."
            )
        if attention_mask is not None:
            while len(attention_mask.shape) < 4:  # (B, T, S) -> (B, 1, T, S)
                attention_mask = ops.expand_dims(attention_mask, -3)
        if not (self.dropout > 0 or return_attention_scores):
            out = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                            scale=self._inverse_sqrt_head_dim,
                                            flash_attention=self._flash_attention or None)
            return out, None
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_head_dim, query.dtype))
        scores = ops.einsum("bquh,bkuh->buqk", query, key)  # (B, N, T, S)
        scores = self._softmax(scores, mask=attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self.dropout > 0 else scores
        out = ops.einsum("buqk,bkuh->bquh", dropped, value)  # (B, T, N, head_dim)
        return out, scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if key is None:
            key = value
        attention_mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask,
                                                      attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)  # (B, T, Nq, H)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)  # (B, S, Nkv, H) -> (B, S, Nq, H)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)  # (B, S, Nkv, H) -> (B, S, Nq, H)
        output, scores = self._compute_attention(q, k, v, attention_mask, training, return_attention_scores)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)  # (B, T, dim)
        if return_attention_scores:
            return output, scores
        return output

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if value_shape is not None:
            value_shape = tuple(value_shape)
            key_shape = value_shape if key_shape is None else tuple(key_shape)
            if query_shape[-1] != value_shape[-1]:
                raise ValueError(
                    f"GroupQueryAttention '{self.name}': the last dimensions of `query` and `value` must be "
                    f"equal; received query_shape={query_shape} and value_shape={value_shape}."
                )
            if value_shape[1:-1] != key_shape[1:-1]:
                raise ValueError(
                    f"GroupQueryAttention '{self.name}': all dimensions of `value` and `key` except the last "
                    f"must be equal; received value_shape={value_shape} and key_shape={key_shape}."
                )
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        shape = self.compute_output_shape(query.shape, value.shape, None if key is None else key.shape)
        out = KerasTensor(shape, dtype=self.compute_dtype)
        if return_attention_scores:
            source = value if key is None else key
            scores = KerasTensor((query.shape[0], self.num_query_heads, query.shape[1], source.shape[1]),
                                 dtype=self.compute_dtype)
            return out, scores
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return config


# Keras's class is `GroupedQueryAttention` (weight-file paths follow it), exported and
# serialized as `GroupQueryAttention`.
GroupedQueryAttention._keras_class_name = "GroupQueryAttention"  # what Keras 3 writes in configs
GroupQueryAttention = GroupedQueryAttention
register_builtin("keras.layers", GroupedQueryAttention, "GroupQueryAttention")
register_builtin("keras.layers", GroupedQueryAttention, "GroupedQueryAttention")
