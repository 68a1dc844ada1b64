"""Attention layers and the ``dot_product_attention`` op against NumPy references (values and gradients)."""
import numpy as np
import pytest

import attention_refs as ref
import cornu as keras
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

B, T, S, D = 2, 3, 4, 5


def _np(x):
    return backend.convert_to_numpy(x)


def _rand(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


def _check_grads(fn_np, arrays, got, rtol=2e-3, atol=2e-4):
    want = ref.numeric_grad(fn_np, arrays)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


# -- the op ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["plain", "bias_mask_scale", "causal", "causal_mask"])
def test_dot_product_attention_op(case):
    rng = np.random.default_rng(0)
    n, h = 2, 3
    q, k, v = _rand(rng, B, T, n, h), _rand(rng, B, S, n, h), _rand(rng, B, S, n, h)
    bias = _rand(rng, 1, n, T, S) if case == "bias_mask_scale" else None
    mask = rng.random((B, 1, T, S)) > 0.4 if "mask" in case else None
    if mask is not None:
        mask[..., 0] = True  # every query sees a key
    scale = 0.7 if "scale" in case else None
    is_causal = "causal" in case

    def np_fn(q_, k_, v_):
        logits = np.einsum("btnh,bsnh->bnts", q_, k_) * (1 / np.sqrt(h) if scale is None else scale)
        if bias is not None:
            logits = logits + bias
        m = None if mask is None else np.broadcast_to(mask, logits.shape)
        if is_causal:
            c = np.broadcast_to(ref.causal(T, S), logits.shape)
            m = c if m is None else m & c
        return np.einsum("bnts,bsnh->btnh", ref.masked_softmax(logits, m), v_)

    cot = _rand(rng, B, T, n, h)

    def call(q_, k_, v_):
        return ops.dot_product_attention(q_, k_, v_, bias=None if bias is None else backend.convert_to_tensor(bias),
                                         mask=None if mask is None else backend.convert_to_tensor(mask),
                                         scale=scale, is_causal=is_causal)

    (out,), _, grads = ref.engine_grads(call, [], [q, k, v], [cot])
    np.testing.assert_allclose(out, np_fn(q, k, v), rtol=1e-5, atol=1e-5)
    _check_grads(lambda *a: float(np.sum(np_fn(*a) * cot)), [q, k, v], grads)
    if case == "plain":
        torch = pytest.importorskip("torch")
        want = torch.nn.functional.scaled_dot_product_attention(
            *(torch.tensor(a).transpose(1, 2) for a in (q, k, v))).transpose(1, 2).numpy()
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


# -- Attention / AdditiveAttention ------------------------------------------------------------
ATTENTION_CASES = [
    dict(),
    dict(use_scale=True, key=True),
    dict(score_mode="concat", masks=True),
    dict(score_mode="concat", use_scale=True, causal=True),
    dict(masks=True, causal=True),
]


@pytest.mark.parametrize("additive", [False, True])
@pytest.mark.parametrize("case", ATTENTION_CASES, ids=lambda c: "-".join(sorted(c)) or "plain")
def test_attention_layers_match_numpy(case, additive):
    if additive and "score_mode" in case:
        pytest.skip("AdditiveAttention has no score_mode")
    rng = np.random.default_rng(1)
    q, v = _rand(rng, B, T, D), _rand(rng, B, S, D)
    k = _rand(rng, B, S, D) if case.get("key") else None
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool) if case.get("masks") else None
    v_mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool) if case.get("masks") else None
    causal = bool(case.get("causal"))
    if additive:
        layer = layers.AdditiveAttention(use_scale=case.get("use_scale", True))
    else:
        layer = layers.Attention(use_scale=case.get("use_scale", False), score_mode=case.get("score_mode", "dot"))
    inputs = [q, v] + ([k] if k is not None else [])
    layer.build([a.shape for a in inputs])
    if layer.weights:  # move the weights away from their initial 1.0 so they matter
        layer.set_weights([w + rng.uniform(0.2, 0.5, np.shape(w)).astype("float32") for w in layer.get_weights()])
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]

    def np_fn(ws, q_, v_, k_):
        if additive:
            return ref.additive_attention(q_, v_, k_, scale=ws[0] if ws else None, q_mask=q_mask, v_mask=v_mask,
                                          causal_mask=causal)
        scale = ws[0] if case.get("use_scale") else None
        concat = ws[-1] if case.get("score_mode") == "concat" else None
        return ref.dot_attention(q_, v_, k_, q_mask=q_mask, v_mask=v_mask, scale=scale, causal_mask=causal,
                                 concat_weight=concat)

    def call(*xs):
        mask = None if q_mask is None else [backend.convert_to_tensor(q_mask), backend.convert_to_tensor(v_mask)]
        return layer(list(xs), mask=mask, use_causal_mask=causal, return_attention_scores=True)

    expected = np_fn(weights, q, v, k)
    cots = [_rand(rng, *e.shape) for e in expected]
    outs, g_vars, g_in = ref.engine_grads(call, layer.trainable_weights, inputs, cots)
    for got, want in zip(outs, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    def loss(*arrays):
        ws, xs = list(arrays[:len(weights)]), arrays[len(weights):]
        res = np_fn(ws, xs[0], xs[1], xs[2] if len(xs) > 2 else None)
        return float(sum(np.sum(r * c) for r, c in zip(res, cots)))

    _check_grads(loss, weights + inputs, g_vars + g_in)


def test_attention_harness_and_weights():
    run_layer_test(layers.Attention, {"use_scale": True, "score_mode": "concat"}, input_shape=[(2, 3, 4), (2, 5, 4)],
                   expected_output_shape=(2, 3, 4), expected_weights=[("scale", ()), ("concat_score_weight", ())],
                   supports_masking=True)
    run_layer_test(layers.AdditiveAttention, {"dropout": 0.1, "seed": 2}, input_shape=[(2, 3, 4), (2, 5, 4), (2, 5, 4)],
                   expected_output_shape=(2, 3, 4), expected_weights=[("scale", (4,))],
                   expected_num_seed_generators=1)
    run_layer_test(layers.Attention, {}, input_shape=[(2, 3, 4), (2, 5, 4)], expected_num_trainable_weights=0,
                   run_training_check=False)


def test_attention_dropout_and_errors():
    rng = np.random.default_rng(3)
    q, v = backend.convert_to_tensor(_rand(rng, B, T, D)), backend.convert_to_tensor(_rand(rng, B, S, D))
    layer = layers.Attention(dropout=0.5, seed=1)
    _, scores = layer([q, v], return_attention_scores=True, training=True)
    _, clean = layer([q, v], return_attention_scores=True, training=False)
    scores, clean = _np(scores), _np(clean)
    kept = scores != 0
    np.testing.assert_allclose(scores[kept], 2 * clean[kept], rtol=1e-5)
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="list of 2 or 3"):
        layers.Attention()(q)


# -- MultiHeadAttention -----------------------------------------------------------------------
MHA_CASES = [
    dict(),
    dict(value_mask=True, query_mask=True),
    dict(attention_mask=True, causal=True),
    dict(key=True, use_bias=False, value_dim=4),
]


@pytest.mark.parametrize("scores", [False, True], ids=["fused", "explicit"])
@pytest.mark.parametrize("case", MHA_CASES, ids=lambda c: "-".join(sorted(c)) or "plain")
def test_multi_head_attention_matches_numpy(case, scores):
    rng = np.random.default_rng(4)
    heads, key_dim = 2, 3
    query, value = _rand(rng, B, T, D), _rand(rng, B, S, D)
    key = _rand(rng, B, S, D) if case.get("key") else None
    layer = layers.MultiHeadAttention(heads, key_dim, value_dim=case.get("value_dim"),
                                      use_bias=case.get("use_bias", True), bias_initializer="random_normal")
    layer.build(query.shape, value.shape, None if key is None else key.shape)
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    q_mask = np.array([[1, 1, 0], [1, 1, 1]], bool) if case.get("query_mask") else None
    v_mask = np.array([[1, 1, 1, 0], [0, 1, 1, 1]], bool) if case.get("value_mask") else None
    att = rng.random((B, T, S)) > 0.3 if case.get("attention_mask") else None
    if att is not None:
        att[:, :, 0] = True
    full = np.ones((B, T, S), bool)
    for m in (att, None if q_mask is None else q_mask[:, :, None], None if v_mask is None else v_mask[:, None]):
        if m is not None:
            full = full & m
    if case.get("causal"):
        full = full & ref.causal(T, S)[None]
    any_mask = att is not None or q_mask is not None or v_mask is not None or case.get("causal")

    def np_fn(ws, q_, v_, k_):
        return ref.mha(q_, v_, v_ if k_ is None else k_, ws, heads, key_dim,
                       attention_mask=full if any_mask else None, use_bias=case.get("use_bias", True))

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

    _check_grads(loss, weights + inputs, g_vars + g_in)


def test_multi_head_attention_harness_weights_and_counts():
    d, heads, key_dim, value_dim = 4, 2, 3, 5
    layer = run_layer_test(
        layers.MultiHeadAttention, {"num_heads": heads, "key_dim": key_dim, "value_dim": value_dim},
        input_shape={"query": (2, 3, d), "value": (2, 6, d)}, expected_output_shape=(2, 3, d),
        expected_weights=[("kernel", (d, heads, key_dim)), ("bias", (heads, key_dim)),
                          ("kernel", (d, heads, key_dim)), ("bias", (heads, key_dim)),
                          ("kernel", (d, heads, value_dim)), ("bias", (heads, value_dim)),
                          ("kernel", (heads, value_dim, d)), ("bias", (d,))],
        expected_num_seed_generators=0, supports_masking=True)
    assert [v.path.split("/")[0] for v in layer.weights] == ["query"] * 2 + ["key"] * 2 + ["value"] * 2 + \
        ["attention_output"] * 2
    assert layer.count_params() == 2 * (d * heads * key_dim + heads * key_dim) + \
        (d * heads * value_dim + heads * value_dim) + (heads * value_dim * d + d)
    out = layers.MultiHeadAttention(2, 3, output_shape=(7,), dropout=0.1)
    res = out(backend.convert_to_tensor(np.ones((2, 3, 4), "float32")),
              backend.convert_to_tensor(np.ones((2, 5, 4), "float32")), return_attention_scores=True)
    assert tuple(res[0].shape) == (2, 3, 7) and tuple(res[1].shape) == (2, 2, 3, 5)
    sym = out(keras.Input((3, 4)), keras.Input((5, 4)), return_attention_scores=True)
    assert tuple(sym[0].shape) == (None, 3, 7) and tuple(sym[1].shape) == (None, 2, 3, 5)
    config = out.get_config()
    assert layers.MultiHeadAttention.from_config(config).get_config() == config


def test_multi_head_attention_over_two_axes():
    rng = np.random.default_rng(5)
    x = _rand(rng, 2, 3, 4, 5)
    layer = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2))
    out, scores = layer(backend.convert_to_tensor(x), backend.convert_to_tensor(x), return_attention_scores=True)
    assert tuple(out.shape) == (2, 3, 4, 5) and tuple(scores.shape) == (2, 2, 3, 4, 3, 4)
    w = [np.asarray(a, np.float64) for a in layer.get_weights()]
    q = np.einsum("abcd,dnh->abcnh", x, w[0]) + w[1]
    k = np.einsum("abcd,dnh->abcnh", x, w[2]) + w[3]
    v = np.einsum("abcd,dnh->abcnh", x, w[4]) + w[5]
    logits = np.einsum("aijnh,aklnh->anijkl", q, k) / np.sqrt(3)
    probs = ref.softmax(logits.reshape(2, 2, 3, 4, 12)).reshape(logits.shape)  # over both key axes
    ctx = np.einsum("anijkl,aklnh->aijnh", probs, v)
    np.testing.assert_allclose(_np(out), np.einsum("aijnh,nho->aijo", ctx, w[6]) + w[7], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(scores), probs, rtol=1e-5, atol=1e-6)


def test_multi_head_attention_in_a_transformer_block_trains():
    inp = keras.Input((6,), dtype="int32")
    x = layers.Embedding(30, 8, mask_zero=True)(inp)
    att = layers.MultiHeadAttention(2, 4)(x, x, use_causal_mask=True)
    y = layers.Dense(1)(ops.mean(att + x, axis=1))
    model = keras.Model(inp, y)
    model.compile(optimizer="adam", loss="mse")
    data = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9], [2, 2, 0, 0, 0, 0], [9, 8, 7, 6, 0, 0]], "int32")
    history = model.fit(data, np.ones((4, 1), "float32"), epochs=2, batch_size=2, verbose=0)
    assert all(np.isfinite(history.history["loss"]))


def test_multi_head_attention_errors():
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 2)
    with pytest.raises(ValueError, match="dropout"):
        layers.MultiHeadAttention(2, 2, dropout=0.5, flash_attention=True)
    with pytest.raises(ValueError, match="value` and `key"):
        layers.MultiHeadAttention(2, 2).build((2, 3, 4), (2, 5, 4), (2, 6, 4))
