"""Keras masks through layers with several outputs or several inputs.

* A layer whose ``compute_mask`` returns a list puts mask ``i`` on output ``i``
  (an RNN with ``return_state=True`` masks the sequence only, not the states);
  a single mask goes to the first output only.
* A layer receiving several tensors gets all their masks: a list of masks for a
  list input (``Concatenate``, ``Attention([q, v])``), and ``{name}_mask`` for
  each tensor argument the call accepts (``MultiHeadAttention`` query/value/key).

Functional models (eager call and jitted ``predict``) must match a direct eager
call of the same layers given the masks explicitly.
"""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers

Q_IDS = np.array([[1, 2, 3, 0, 0], [4, 1, 0, 0, 0]], "int32")
V_IDS = np.array([[2, 2, 0, 0, 0, 0], [1, 3, 4, 2, 1, 0]], "int32")


def _t(x):
    return backend.convert_to_tensor(x)


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def _mask_of(x):
    return getattr(x, "_keras_mask", None)


def _outputs_both_ways(model, inputs):
    """The model's outputs from an eager call and from (jitted) ``predict``."""
    eager = model(inputs if not isinstance(inputs, list) else [_t(v) for v in inputs])
    eager = [_np(v) for v in eager] if isinstance(eager, (list, tuple)) else _np(eager)
    return eager, model.predict(inputs, batch_size=len(Q_IDS), verbose=0)


# -- several outputs ----------------------------------------------------------------
def test_return_state_masks_the_sequence_output_only():
    embed = layers.Embedding(6, 3, mask_zero=True)
    lstm = layers.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = lstm(embed(_t(Q_IDS)))  # eager
    np.testing.assert_array_equal(_np(_mask_of(seq)), Q_IDS != 0)
    assert _mask_of(h) is None and _mask_of(c) is None
    inp = keras.Input((5,), dtype="int32")
    s_seq, s_h, s_c = lstm(embed(inp))  # symbolic
    assert _mask_of(s_seq) is not None and tuple(_mask_of(s_seq).shape) == (None, 5)
    assert _mask_of(s_h) is None and _mask_of(s_c) is None
    # In a model, the states reach the next layer without the sequence's (batch, time) mask.
    both = layers.Concatenate()([s_h, s_c])
    model = keras.Model(inp, [s_seq, both])
    out_seq, out_both = model(_t(Q_IDS))
    np.testing.assert_array_equal(_np(_mask_of(out_seq)), Q_IDS != 0)
    assert _mask_of(out_both) is None
    expected = np.concatenate([_np(h), _np(c)], axis=-1)
    np.testing.assert_allclose(_np(out_both), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(Q_IDS, verbose=0)[1], expected, rtol=1e-5, atol=1e-6)


def test_a_single_mask_goes_to_the_first_output_only():
    embed = layers.Embedding(6, 4, mask_zero=True)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    q = embed(_t(Q_IDS))
    out, scores = mha(q, q, return_attention_scores=True)
    np.testing.assert_array_equal(_np(_mask_of(out)), Q_IDS != 0)
    assert _mask_of(scores) is None


# -- several inputs -----------------------------------------------------------------
def test_multi_head_attention_gets_query_value_and_key_masks_in_a_model():
    q_in, v_in = keras.Input((5,), dtype="int32"), keras.Input((6,), dtype="int32")
    q_embed, v_embed = layers.Embedding(6, 4, mask_zero=True), layers.Embedding(6, 4, mask_zero=True)
    k_embed = layers.Embedding(6, 4, mask_zero=True)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    out = mha(q_embed(q_in), v_embed(v_in), k_embed(v_in))
    model = keras.Model([q_in, v_in], out)
    key_ids = V_IDS * (np.arange(6) < 4)  # the key mask differs from the value mask
    q, v = q_embed(_t(Q_IDS)), v_embed(_t(V_IDS))
    expected = _np(mha(q, v, k_embed(_t(V_IDS)), query_mask=_t(Q_IDS != 0), value_mask=_t(V_IDS != 0),
                       key_mask=_t(V_IDS != 0)))
    eager, predicted = _outputs_both_ways(model, [Q_IDS, V_IDS])
    np.testing.assert_allclose(eager, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)
    # Without the value mask the result would differ: the masks do matter here.
    unmasked = _np(mha(q, v, k_embed(_t(V_IDS)), query_mask=_t(Q_IDS != 0), value_mask=_t(np.ones((2, 6), bool)),
                       key_mask=_t(np.ones((2, 6), bool))))
    assert not np.allclose(unmasked, expected, atol=1e-4)
    # A key mask of its own (a different tensor) is used too.
    k_in = keras.Input((6,), dtype="int32")
    k_model = keras.Model([q_in, v_in, k_in], mha(q_embed(q_in), v_embed(v_in), k_embed(k_in)))
    expected_k = _np(mha(q, v, k_embed(_t(key_ids)), query_mask=_t(Q_IDS != 0), value_mask=_t(V_IDS != 0),
                         key_mask=_t(key_ids != 0)))
    np.testing.assert_allclose(_np(k_model([_t(Q_IDS), _t(V_IDS), _t(key_ids)])), expected_k, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [layers.Attention, layers.AdditiveAttention])
def test_attention_list_input_gets_both_masks_in_a_model(cls):
    q_in, v_in = keras.Input((5,), dtype="int32"), keras.Input((6,), dtype="int32")
    q_embed, v_embed = layers.Embedding(6, 4, mask_zero=True), layers.Embedding(6, 4, mask_zero=True)
    attention = cls()
    model = keras.Model([q_in, v_in], attention([q_embed(q_in), v_embed(v_in)]))
    q, v = q_embed(_t(Q_IDS)), v_embed(_t(V_IDS))
    expected = _np(attention([q, v], mask=[_t(Q_IDS != 0), _t(V_IDS != 0)]))
    eager, predicted = _outputs_both_ways(model, [Q_IDS, V_IDS])
    np.testing.assert_allclose(eager, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(_np(attention([q, v], mask=[_t(Q_IDS != 0), None])), expected, atol=1e-4)


def test_concatenate_of_two_masked_sequences_masks_the_next_rnn():
    a_in, b_in = keras.Input((5,), dtype="int32"), keras.Input((6,), dtype="int32")
    a_embed, b_embed = layers.Embedding(6, 3, mask_zero=True), layers.Embedding(6, 3, mask_zero=True)
    joined = layers.Concatenate(axis=1)([a_embed(a_in), b_embed(b_in)])
    gru = layers.GRU(4, return_sequences=True)
    model = keras.Model([a_in, b_in], gru(joined))
    a, b = a_embed(_t(Q_IDS)), b_embed(_t(V_IDS))
    mask = np.concatenate([Q_IDS != 0, V_IDS != 0], axis=1)
    expected = _np(gru(_t(np.concatenate([_np(a), _np(b)], axis=1)), mask=_t(mask)))
    eager, predicted = _outputs_both_ways(model, [Q_IDS, V_IDS])
    np.testing.assert_allclose(eager, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)
    # Eager, the concatenated tensor carries the joined mask as well.
    np.testing.assert_array_equal(_np(_mask_of(layers.Concatenate(axis=1)([a, b]))), mask)


class _MaskedPairSum(layers.Layer):
    """A custom layer relying on Keras to pass its masks: ``{name}_mask`` per tensor argument."""

    def call(self, first, second, first_mask=None, second_mask=None):
        out = first * keras.ops.cast(first_mask, first.dtype)[..., None]
        return out + second * keras.ops.cast(second_mask, second.dtype)[..., None]


class _MaskedListSum(layers.Layer):
    """A custom layer relying on Keras to pass the list of masks of its list input."""

    def call(self, inputs, mask=None):
        return sum(x * keras.ops.cast(m, x.dtype)[..., None] for x, m in zip(inputs, mask))


def test_custom_layers_receive_the_masks_of_every_input():
    ids_a, ids_b = Q_IDS, V_IDS[:, :5]
    a_in, b_in = keras.Input((5,), dtype="int32"), keras.Input((5,), dtype="int32")
    embed = layers.Embedding(6, 3, mask_zero=True)
    pair, listed = _MaskedPairSum(), _MaskedListSum()
    model = keras.Model([a_in, b_in], [pair(embed(a_in), embed(b_in)), listed([embed(a_in), embed(b_in)])])
    table = _np(embed.embeddings)
    expected = table[ids_a] * (ids_a != 0)[..., None] + table[ids_b] * (ids_b != 0)[..., None]
    a, b = embed(_t(ids_a)), embed(_t(ids_b))
    np.testing.assert_allclose(_np(pair(a, b)), expected, rtol=1e-6)  # eager
    np.testing.assert_allclose(_np(listed([a, b])), expected, rtol=1e-6)
    eager, predicted = _outputs_both_ways(model, [ids_a, ids_b])
    for got in list(eager) + list(predicted):
        np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_masks_given_to_a_model_call_reach_every_input_of_a_layer():
    """``model(x, mask=[...])``: the masks exist only in the model's own table."""
    q_in, v_in = keras.Input((5, 4)), keras.Input((6, 4))
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    model = keras.Model([q_in, v_in], mha(q_in, v_in))
    rng = np.random.default_rng(5)
    q, v = rng.standard_normal((2, 5, 4)).astype("float32"), rng.standard_normal((2, 6, 4)).astype("float32")
    q_mask, v_mask = Q_IDS != 0, V_IDS != 0
    expected = _np(mha(_t(q), _t(v), query_mask=_t(q_mask), value_mask=_t(v_mask)))
    got = _np(model([_t(q), _t(v)], mask=[_t(q_mask), _t(v_mask)]))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert not np.allclose(_np(mha(_t(q), _t(v), query_mask=_t(q_mask))), expected, atol=1e-4)
