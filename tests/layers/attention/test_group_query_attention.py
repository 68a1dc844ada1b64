"""GroupQueryAttention against a NumPy reference (values and gradients), weights as Keras
names them, masks, flash/dropout rules, config and .keras round trips."""
import numpy as np
import pytest

import attention_refs as ref
import cornu
from cornu import backend, layers
from cornu.testing import run_layer_test

B, T, S, D = 2, 4, 5, 6
HEAD, NQ, NKV = 3, 4, 2


def _rand(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


def gqa_reference(query, value, key, ws, num_kv, head_dim, mask=None, use_bias=True, use_gate=False):
    """Grouped-query attention with Keras's weight order [q, k, (gate), v, out]."""
    ws = list(ws)

    def take():
        kernel = ws.pop(0)
        bias = ws.pop(0) if use_bias else 0
        return kernel, bias

    wq, bq = take()
    wk, bk = take()
    wg, bg = take() if use_gate else (None, None)
    wv, bv = take()
    wo, bo = take()
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    rep = wq.shape[1] // num_kv
    k = np.repeat(np.einsum("bsd,dnh->bsnh", key, wk) + bk, rep, axis=2)  # query head i uses kv head i // rep
    v = np.repeat(np.einsum("bsd,dnh->bsnh", value, wv) + bv, rep, axis=2)
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(head_dim)
    probs = ref.masked_softmax(scores, None if mask is None else np.broadcast_to(mask[:, None], scores.shape))
    ctx = np.einsum("bnts,bsnh->btnh", probs, v)
    if use_gate:
        ctx = ctx / (1 + np.exp(-(np.einsum("btd,dnh->btnh", query, wg) + bg)))
    return np.einsum("btnh,nho->bto", ctx, wo) + bo, probs


CASES = [  # each case on the fused kernel path or the explicit path that returns the scores
    dict(),
    dict(scores=True),
    dict(masks=True, scores=True),
    dict(causal=True, attention_mask=True),
    dict(sliding_window=2, causal=True, scores=True),
    dict(use_gate=True, key=True),
    dict(use_bias=False, num_kv=1, scores=True),
    dict(num_kv=4),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{k}" for k in sorted(c)) or "plain")
def test_matches_numpy_values_and_gradients(case):
    scores = case.get("scores", False)
    rng = np.random.default_rng(11)
    num_kv = case.get("num_kv", NKV)
    use_bias, use_gate = case.get("use_bias", True), case.get("use_gate", False)
    query, value = _rand(rng, B, T, D), _rand(rng, B, S, D)
    key = _rand(rng, B, S, D) if case.get("key") else None
    layer = layers.GroupQueryAttention(HEAD, NQ, num_kv, use_bias=use_bias, use_gate=use_gate,
                                       sliding_window=case.get("sliding_window"), bias_initializer="random_normal")
    layer.build(query.shape, value.shape, None if key is None else key.shape)
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    q_mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool) if case.get("masks") else None
    v_mask = np.array([[1, 1, 1, 1, 0], [0, 1, 1, 1, 1]], bool) if case.get("masks") else None
    att = rng.random((B, T, S)) > 0.3 if case.get("attention_mask") else None
    if att is not None:
        att[:, :, 0] = True
    full = np.ones((B, T, S), bool)
    for m in (att, None if q_mask is None else q_mask[:, :, None], None if v_mask is None else v_mask[:, None]):
        if m is not None:
            full = full & m
    if case.get("causal"):
        full = full & ref.causal(T, S)[None]
    if case.get("sliding_window"):
        i, j = np.arange(T)[:, None], np.arange(S)[None]
        full = full & (np.abs(i - j) < case["sliding_window"])[None]
    any_mask = not full.all()

    def np_fn(ws, q_, v_, k_):
        return gqa_reference(q_, v_, v_ if k_ is None else k_, ws, num_kv, HEAD, full if any_mask else None,
                             use_bias, use_gate)

    t = backend.convert_to_tensor

    def call(*xs):
        kw = dict(query_mask=None if q_mask is None else t(q_mask), value_mask=None if v_mask is None else t(v_mask),
                  attention_mask=None if att is None else t(att), use_causal_mask=bool(case.get("causal")),
                  return_attention_scores=scores)
        return layer(xs[0], xs[1], key=xs[2] if len(xs) > 2 else None, **kw)

    inputs = [query, value] + ([key] if key is not None else [])
    expected = list(np_fn(weights, query, value, key))[: 2 if scores else 1]
    cots = [_rand(rng, *e.shape) for e in expected]
    if q_mask is not None:  # a fully masked query row is degenerate: leave it out of the loss
        cots[0] = cots[0] * q_mask[:, :, None]
        if scores:
            cots[1] = cots[1] * q_mask[:, None, :, None]
    outs, g_vars, g_in = ref.engine_grads(call, layer.trainable_weights, inputs, cots)
    for got, want in zip(outs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    def loss(*arrays):
        ws, xs = list(arrays[:len(weights)]), arrays[len(weights):]
        res = np_fn(ws, xs[0], xs[1], xs[2] if len(xs) > 2 else None)
        return float(sum(np.sum(r * c) for r, c in zip(res, cots)))

    want_grads = ref.numeric_grad(loss, weights + inputs)
    for g, w in zip(g_vars + g_in, want_grads):
        np.testing.assert_allclose(g, w, rtol=2e-3, atol=2e-4)


def test_harness_weights_as_keras_names_them():
    layer = run_layer_test(
        layers.GroupQueryAttention, {"head_dim": HEAD, "num_query_heads": NQ, "num_key_value_heads": NKV},
        input_shape={"query": (2, 3, D), "value": (2, 5, D)}, expected_output_shape=(2, 3, D),
        expected_weights=[("kernel", (D, NQ, HEAD)), ("bias", (NQ, HEAD)), ("kernel", (D, NKV, HEAD)),
                          ("bias", (NKV, HEAD)), ("kernel", (D, NKV, HEAD)), ("bias", (NKV, HEAD)),
                          ("kernel", (NQ, HEAD, D)), ("bias", (D,))],
        expected_num_seed_generators=0, supports_masking=True)
    assert [v.path.split("/")[0] for v in layer.weights] == ["query"] * 2 + ["key"] * 2 + ["value"] * 2 + \
        ["attention_output"] * 2
    gated = layers.GroupQueryAttention(HEAD, NQ, NKV, use_gate=True, use_bias=False)
    gated.build((2, 3, D), (2, 5, D))
    assert [v.path.split("/")[0] for v in gated.weights] == ["query", "key", "gate", "value", "attention_output"]
    assert isinstance(layers.GroupQueryAttention, type) and layers.GroupQueryAttention.__name__ == \
        "GroupedQueryAttention"  # Keras's class name, which its weight-file paths use


def test_symbolic_call_scores_and_config():
    layer = layers.GroupQueryAttention(2, 4, 1, dropout=0.1, seed=3, sliding_window=3)
    out, scores = layer(cornu.Input((3, 8)), cornu.Input((5, 8)), return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 8) and tuple(scores.shape) == (None, 4, 3, 5)
    config = layer.get_config()
    for key in ("head_dim", "num_query_heads", "num_key_value_heads", "use_bias", "use_gate", "sliding_window",
                "dropout", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                "activity_regularizer", "kernel_constraint", "bias_constraint", "seed"):
        assert key in config
    assert layers.GroupQueryAttention.from_config(config).get_config() == config
    assert cornu.serialization.serialize_keras_object(layer)["module"] == "keras.layers"


def test_dropout_applies_in_training_only():
    rng = np.random.default_rng(2)
    q, v = backend.convert_to_tensor(_rand(rng, B, T, D)), backend.convert_to_tensor(_rand(rng, B, S, D))
    layer = layers.GroupQueryAttention(HEAD, NQ, NKV, dropout=0.5, seed=1)
    _, clean = layer(q, v, return_attention_scores=True, training=False)
    out_a = backend.convert_to_numpy(layer(q, v, training=True))
    out_b = backend.convert_to_numpy(layer(q, v, training=False))
    assert not np.allclose(out_a, out_b)
    np.testing.assert_allclose(backend.convert_to_numpy(clean).sum(-1), 1.0, rtol=1e-5)


def test_masked_causal_model_round_trips_a_keras_file(tmp_path):
    # (one training step runs in the harness test above)
    inp = cornu.Input((4,), dtype="int32")
    x = layers.Embedding(20, 8, mask_zero=True)(inp)
    att = layers.GroupQueryAttention(2, 4, 2, bias_initializer="random_normal")(x, x, use_causal_mask=True)
    model = cornu.Model(inp, layers.GlobalAveragePooling1D()(att))
    data = np.array([[1, 2, 3, 0], [4, 5, 6, 7]], "int32")
    out = backend.convert_to_numpy(model(data))
    assert np.all(np.isfinite(out))
    path = str(tmp_path / "gqa.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(backend.convert_to_numpy(loaded(data)), out, rtol=1e-5, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`num_query_heads` must be a multiple of `num_key_value_heads`.*3.*2"):
        layers.GroupQueryAttention(2, 3, 2)
    with pytest.raises(ValueError, match="`head_dim`.*positive integer; received head_dim=0"):
        layers.GroupQueryAttention(0, 2, 1)
    with pytest.raises(ValueError, match="dropout is not supported with flash attention"):
        layers.GroupQueryAttention(2, 2, 1, dropout=0.5, flash_attention=True)
    with pytest.raises(ValueError, match="`sliding_window`.*received sliding_window=0"):
        layers.GroupQueryAttention(2, 2, 1, sliding_window=0)
    q = backend.convert_to_tensor(np.ones((1, 3, 4), "float32"))
    with pytest.raises(ValueError, match="return_attention_scores=True is not supported with flash"):
        layers.GroupQueryAttention(2, 2, 1, flash_attention=True)(q, q, return_attention_scores=True)
    with pytest.raises(ValueError, match="last dimensions of `query` and `value`"):
        layers.GroupQueryAttention(2, 2, 1).compute_output_shape((1, 3, 4), (1, 3, 5))


def test_config_class_name_is_the_one_keras_writes():
    from cornu.serialization import serialize_keras_object

    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    assert serialize_keras_object(layer)["class_name"] == "GroupQueryAttention"

    class MyAttention(layers.GroupQueryAttention):
        pass

    assert serialize_keras_object(MyAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1))[
        "class_name"] == "MyAttention"
