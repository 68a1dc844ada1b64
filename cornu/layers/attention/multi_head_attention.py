"""``MultiHeadAttention`` (Vaswani et al. 2017) with Keras 3's weight layout."""
import math
import string

from cornu import backend, constraints, initializers, ops, regularizers
from cornu.backend import KerasTensor
from cornu.layers.attention._einsum_projection import EinsumProjection
from cornu.layers.core.dropout import Dropout
from cornu.layers.layer import Layer


def _attention_equations(rank, attn_axes):
    """Einsum equations ``(key, query) -> scores`` and ``(scores, value) -> output``.

    Projected tensors are ``(batch, <other dims>, <attention dims>, heads, channels)``
    of rank ``rank``; every axis except the attention axes and the channels is a
    batch axis of the product (the heads included).
    """
    letters = string.ascii_lowercase
    target = letters[:rank]  # query / output notation
    batch_axes = [i for i in range(rank - 1) if i not in attn_axes]
    source = list(target)
    extra = iter(letters[rank:])
    for i in attn_axes:
        source[i] = next(extra)  # key positions get their own letters
    source = "".join(source)
    product = "".join([target[i] for i in batch_axes] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


class MultiHeadAttention(Layer):
    """Multi-head attention: ``num_heads`` scaled dot-product attentions in parallel.

    ``query``, ``key`` and ``value`` are projected per head (``query`` / ``key``
    / ``value`` sub-layers with kernels ``(dim, num_heads, key_dim)``), attended
    with ``softmax(q k^T / sqrt(key_dim))`` and projected back by
    ``attention_output`` (kernel ``(num_heads, value_dim, out_dim)``).

    Args:
        num_heads: number of heads.
        key_dim: size of each query/key head.
        value_dim: size of each value head (default ``key_dim``).
        dropout: dropout rate on the attention weights.
        use_bias: whether the projections have biases.
        output_shape: trailing output shape (default: the query's last dimension).
        attention_axes: axes attended over (default: all but batch, heads and features).
        flash_attention: accepted for Keras compatibility; the fused kernel is
            used whenever dropout and returned scores do not need the weights.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        seed: int seed of the dropout.

    Call arguments:
        query ``(B, T, dim)``, value ``(B, S, dim)``, key (default ``value``);
        query_mask / value_mask / key_mask: ``(B, T)`` / ``(B, S)`` booleans
        (taken from the tensors' Keras masks when not given); attention_mask:
        ``(B, T, S)`` booleans; return_attention_scores: also return the
        ``(B, num_heads, T, S)`` weights; training: dropout;
        use_causal_mask: query ``i`` attends to keys ``j <= i`` only.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if value is None and arg == "value_dim":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Argument `{arg}` of layer '{self.name}' (MultiHeadAttention) must be a positive "
                    f"integer; received {arg}={value!r}."
                )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(
                f"Argument `dropout` of layer '{self.name}' (MultiHeadAttention) must be a float between "
                f"0 and 1; received dropout={dropout!r}."
            )
        if flash_attention and dropout > 0:
            raise ValueError(
                f"MultiHeadAttention '{self.name}': dropout is not supported with flash_attention=True; "
                "set dropout=0.0 to use flash attention."
            )
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            if not isinstance(output_shape, (list, tuple)) or not all(
                    isinstance(d, int) and d > 0 for d in output_shape):
                raise ValueError(
                    f"Argument `output_shape` of layer '{self.name}' (MultiHeadAttention) must be an int "
                    f"or a tuple of positive ints; received output_shape={output_shape!r}."
                )
            output_shape = tuple(output_shape)
        self._output_shape = output_shape or None
        self._flash_attention = flash_attention
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                f"Argument `attention_axes` of layer '{self.name}' (MultiHeadAttention) must be an int, "
                f"list or tuple; received attention_axes={attention_axes!r}."
            )
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self._config_attention_axes = self._attention_axes
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self._key_dim))

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    def _sublayer_kwargs(self):
        # Fresh initializer objects per projection, so seeded ones do not repeat values.
        return dict(
            use_bias=self._use_bias,
            kernel_initializer=self._kernel_initializer.__class__.from_config(self._kernel_initializer.get_config()),
            bias_initializer=self._bias_initializer.__class__.from_config(self._bias_initializer.get_config()),
            kernel_regularizer=self._kernel_regularizer, bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer, kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint, dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key` except the last "
                f"must be equal; received value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}."
            )
        heads = self._num_heads
        self._query_dense = EinsumProjection((heads, self._key_dim), name="query", **self._sublayer_kwargs())
        self._query_dense.build(query_shape)
        self._key_dense = EinsumProjection((heads, self._key_dim), name="key", **self._sublayer_kwargs())
        self._key_dense.build(key_shape)
        self._value_dense = EinsumProjection((heads, self._value_dim), name="value", **self._sublayer_kwargs())
        self._value_dense.build(value_shape)
        rank = len(query_shape) + 1  # projected: (batch, ..., heads, channels)
        if self._config_attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._config_attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(
            rank, self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype_policy)
        out_dims = self._output_shape or (query_shape[-1],)
        self._output_dense = EinsumProjection(out_dims, bound_dims=2, name="attention_output",
                                              **self._sublayer_kwargs())
        self._output_dense.build(tuple(query_shape[:-1]) + (heads, self._value_dim))
        self.built = True

    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def get_build_config(self):
        shapes = self._build_shapes
        if isinstance(shapes, dict):
            return {"shapes_dict": {k: list(v) for k, v in shapes.items()}}
        return super().get_build_config()

    def build_from_config(self, config):
        if config and "shapes_dict" in config and not self.built:
            shapes = {k: tuple(v) for k, v in config["shapes_dict"].items()}
            self.build(**shapes)
            self._build_shapes = shapes
            self.built = True
            return
        super().build_from_config(config)

    # -- computation ----------------------------------------------------------------------
    def _masked_softmax(self, scores, attention_mask=None):
        if attention_mask is not None:
            axis = -len(self._attention_axes) * 2 - 1  # insert the heads axis (and others)
            for _ in range(len(scores.shape) - len(attention_mask.shape)):
                attention_mask = ops.expand_dims(attention_mask, axis=axis)
            big = -3e4 if backend.standardize_dtype(scores.dtype) == "float16" else -1e9
            scores = scores + (1.0 - ops.cast(attention_mask, scores.dtype)) * big
        if len(self._norm_axes) == 1:
            return ops.softmax(scores, axis=self._norm_axes[0])
        return ops.exp(scores - ops.logsumexp(scores, axis=self._norm_axes, keepdims=True))

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        fused = not ((self._dropout > 0.0 and training) or return_attention_scores
                     or len(query.shape) != 4)
        if fused:
            if attention_mask is not None:
                for _ in range(4 - len(attention_mask.shape)):  # (B, T, S) -> (B, 1, T, S)
                    attention_mask = ops.expand_dims(attention_mask, axis=-len(self._attention_axes) * 2 - 1)
                attention_mask = ops.cast(attention_mask, "bool")
            out = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                            scale=self._inverse_sqrt_key_dim)
            return out, None
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)  # (B, N, T, S)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training) if self._dropout > 0 else scores
        out = ops.einsum(self._combine_equation, dropped, value)  # (B, T, N, value_dim)
        return out, scores

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)  # (B, T, 1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.expand_dims(ops.cast(m, "bool"), -2)  # (B, 1, S)
                auto = m if auto is None else ops.logical_and(auto, m)
        if use_causal_mask:
            t, s = ops.shape(query)[1], ops.shape(value)[1]
            causal = ops.expand_dims(ops.greater_equal(ops.expand_dims(ops.arange(t), -1),
                                                       ops.expand_dims(ops.arange(s), 0)), 0)  # (1, T, S)
            auto = causal if auto is None else ops.logical_and(auto, causal)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
        if auto is not None:
            attention_mask = auto if attention_mask is None else ops.logical_and(attention_mask, auto)
        return attention_mask

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False,
             mask=None):
        if key is None:
            key = value
        if query_mask is None:
            query_mask = mask if mask is not None else getattr(query, "_keras_mask", None)
        if value_mask is None:
            value_mask = getattr(value, "_keras_mask", None)
        if key_mask is None and key is not value:
            key_mask = getattr(key, "_keras_mask", None)
        attention_mask = self._compute_attention_mask(query, value, query_mask, value_mask, key_mask,
                                                      attention_mask, use_causal_mask)
        query = self._query_dense(query)  # (B, T, N, key_dim)
        key = self._key_dense(key)  # (B, S, N, key_dim)
        value = self._value_dense(value)  # (B, S, N, value_dim)
        output, scores = self._compute_attention(query, key, value, attention_mask, training,
                                                 return_attention_scores)
        output = self._output_dense(output)  # (B, T, out_dim)
        if return_attention_scores:
            return output, scores
        return output

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False, mask=None):
        if key is not None and tuple(value.shape[1:-1]) != tuple(key.shape[1:-1]):
            raise ValueError(
                f"MultiHeadAttention '{self.name}': all dimensions of `value` and `key` except the last "
                f"must be equal; received value_shape={value.shape} and key_shape={key.shape}."
            )
        out = KerasTensor(self.compute_output_shape(query.shape), dtype=self.compute_dtype)
        if return_attention_scores:
            q, v = tuple(query.shape), tuple(value.shape)
            axes = self._attention_axes or tuple(range(1, len(q) - 1))
            batch = [q[i] for i in range(len(q) - 1) if i not in axes]
            scores_shape = tuple(batch) + (self._num_heads,) + tuple(q[i] for i in axes) + \
                tuple(v[i] for i in axes)
            return out, KerasTensor(scores_shape, dtype=self.compute_dtype)
        return out

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "output_shape": None if self._output_shape is None else list(self._output_shape),
            "attention_axes": None if self._config_attention_axes is None else list(self._config_attention_axes),
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return config
