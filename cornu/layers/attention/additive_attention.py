"""``AdditiveAttention``: Bahdanau-style attention, ``sum(scale * tanh(query + key))``."""
from cornu import ops
from cornu.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention, a.k.a. Bahdanau-style attention.

    Inputs are ``[query, value]`` or ``[query, value, key]`` of shapes
    ``(batch, Tq, dim)`` and ``(batch, Tv, dim)``; the scores are
    ``sum(scale * tanh(query[:, :, None] + key[:, None]), axis=-1)`` and the
    output is ``softmax(scores) . value``.

    Args:
        use_scale: learn the per-dimension ``scale`` ``(dim,)`` (default True).
        dropout: fraction of the attention weights dropped in training.
        seed: int seed of the dropout.

    Call arguments: as in ``Attention``.
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform",
                                         trainable=True)
        self.built = True

    def _calculate_scores(self, query, key):
        q = ops.expand_dims(query, -2)  # (b, Tq, 1, d)
        k = ops.expand_dims(key, -3)  # (b, 1, Tv, d)
        t = ops.tanh(q + k)
        if self.scale is not None:
            t = ops.multiply(self.scale, t)
        return ops.sum(t, axis=-1)  # (b, Tq, Tv)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
