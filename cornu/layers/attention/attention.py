"""``Attention``: dot-product (Luong-style) attention over a query and a value sequence."""
from cornu import backend, ops, random
from cornu.backend import KerasTensor
from cornu.layers.layer import Layer


def _large_negative(dtype):
    return 65504.0 if backend.standardize_dtype(dtype) == "float16" else 1.0e9


class Attention(Layer):
    """Dot-product attention, a.k.a. Luong-style attention.

    Inputs are ``[query, value]`` or ``[query, value, key]`` (``key`` defaults
    to ``value``) of shapes ``(batch, Tq, dim)`` and ``(batch, Tv, dim)``:
    ``scores = query . key^T`` (times ``scale`` when ``use_scale``), or with
    ``score_mode="concat"`` ``concat_score_weight * sum(tanh(query + key))``;
    the output is ``softmax(scores) . value`` of shape ``(batch, Tq, dim)``.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores.
        score_mode: ``"dot"`` or ``"concat"``.
        dropout: fraction of the attention weights dropped in training.
        seed: int seed of the dropout.

    Call arguments:
        inputs: ``[query, value]`` or ``[query, value, key]``.
        mask: ``[query_mask, value_mask]``; masked values get no attention and
            masked queries output zeros.
        training: apply dropout.
        return_attention_scores: also return the ``(batch, Tq, Tv)`` weights.
        use_causal_mask: query ``i`` sees values ``j <= i`` only.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"Invalid value for argument `score_mode` of layer '{self.name}' "
                f"({type(self).__name__}): expected one of {{'dot', 'concat'}}, got {score_mode!r}."
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout <= 1:
            raise ValueError(
                f"Invalid value for argument `dropout` of layer '{self.name}' ({type(self).__name__}): "
                f"expected a float between 0 and 1, got {dropout!r}."
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones", trainable=True)
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones", trainable=True)
        self.built = True

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -1, -2))  # (b, Tq, d) @ (b, d, Tv)
            if self.scale is not None:
                scores = ops.multiply(scores, self.scale)
            return scores
        q = ops.expand_dims(query, -2)  # (b, Tq, 1, d)
        k = ops.expand_dims(key, -3)  # (b, 1, Tv, d)
        pre = q + k
        if self.scale is not None:
            pre = ops.multiply(self.scale, pre)
        return ops.multiply(self.concat_score_weight, ops.sum(ops.tanh(pre), axis=-1))

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        if scores_mask is not None:
            padding = ops.cast(ops.logical_not(scores_mask), scores.dtype)
            scores = scores - _large_negative(scores.dtype) * padding
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask):
        if use_causal_mask:
            tq, tv = ops.shape(scores)[-2], ops.shape(scores)[-1]
            rows = ops.expand_dims(ops.arange(tq), -1)
            cols = ops.expand_dims(ops.arange(tv), 0)
            causal = ops.expand_dims(ops.greater_equal(rows, cols), 0)  # (1, Tq, Tv)
            if v_mask is not None:
                return ops.logical_and(ops.expand_dims(v_mask, -2), causal)
            return causal
        return v_mask if v_mask is None else ops.expand_dims(v_mask, -2)  # (b, 1, Tv)

    def _masks(self, inputs, mask):
        if mask is None:
            found = [getattr(x, "_keras_mask", None) for x in inputs[:2]]
            mask = found if any(m is not None for m in found) else None
        self._validate_inputs(inputs, mask)
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        if v_mask is not None:
            v_mask = ops.cast(v_mask, "bool")
        return q_mask, v_mask

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        q_mask, v_mask = self._masks(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        scores = self._calculate_scores(q, k)  # (b, Tq, Tv)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        result, weights = self._apply_scores(scores, v, scores_mask, training)
        if q_mask is not None:
            result = result * ops.cast(ops.expand_dims(q_mask, -1), result.dtype)  # zero masked queries
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        self._validate_inputs(input_shape)
        return (*input_shape[0][:-1], input_shape[1][-1])

    def compute_output_spec(self, inputs, mask=None, training=False, return_attention_scores=False,
                            use_causal_mask=False):
        shapes = [tuple(x.shape) for x in inputs]
        out = KerasTensor(self.compute_output_shape(shapes), dtype=self.compute_dtype)
        if return_attention_scores:
            scores = KerasTensor(shapes[0][:-1] + (shapes[1][-2],), dtype=self.compute_dtype)
            return out, scores
        return out

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer '{self.name}' must be called on a list of 2 or 3 inputs, namely "
                f"[query, value] or [query, value, key]; received inputs={inputs!r}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name} layer '{self.name}' takes a mask list of length 2 or 3, namely "
                f"[query_mask, value_mask]; received mask={mask!r}."
            )

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode,
                       "dropout": self.dropout, "seed": self.seed})
        return config
