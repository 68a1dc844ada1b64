"""SimpleRNN / LSTM / GRU forward and gradients against NumPy references (both paths)."""
import numpy as np
import pytest

from rnn_refs import engine_grads, gru_step, lstm_step, numeric_grad, run_loop, simple_rnn_step
from cornu import backend, layers

B, T, F, U = 3, 5, 2, 3
RIGHT_PADDED = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
SCATTERED = np.array([[1, 0, 1, 1, 0], [0, 1, 1, 0, 1], [1, 1, 0, 1, 1]], bool)

# (name, layer class, extra kwargs, number of states, NumPy step factory)
KINDS = {
    "simple_rnn": (layers.SimpleRNN, {}, 1, lambda w: simple_rnn_step(*w)),
    "lstm": (layers.LSTM, {}, 2, lambda w: lstm_step(*w)),
    "gru": (layers.GRU, {}, 1, lambda w: gru_step(*w, reset_after=True)),
    "gru_reset_before": (layers.GRU, {"reset_after": False}, 1, lambda w: gru_step(*w, reset_after=False)),
}
CONFIGS = [
    dict(),
    dict(return_sequences=True, go_backwards=True, initial_state=True),
    dict(mask=RIGHT_PADDED, return_sequences=True),
    dict(mask=RIGHT_PADDED),
    dict(mask=SCATTERED, return_sequences=True, go_backwards=True, zero_output_for_mask=True,
         initial_state=True),
    dict(unroll=True, return_sequences=True, mask=SCATTERED),
]


def _ref_outputs(kind, weights, x, cfg, init_states):
    _, _, n_states, make_step = KINDS[kind]
    seq, last, states = run_loop(make_step(weights), x, init_states, mask=cfg.get("mask"),
                                 go_backwards=cfg.get("go_backwards", False),
                                 zero_output_for_mask=cfg.get("zero_output_for_mask", False))
    out = seq if cfg.get("return_sequences") else last
    return [out] + list(states)


@pytest.mark.parametrize("path", ["fused", "generic"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: "-".join(sorted(c)) or "plain")
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_forward_and_gradients_match_numpy(kind, cfg, path):
    cls, extra, n_states, _ = KINDS[kind]
    if path == "fused" and (cls is layers.SimpleRNN or cfg.get("unroll")):
        pytest.skip("no fused path (SimpleRNN, or unroll=True)")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((B, T, F)).astype("float32")
    kwargs = dict(extra, return_state=True, return_sequences=cfg.get("return_sequences", False),
                  go_backwards=cfg.get("go_backwards", False), unroll=cfg.get("unroll", False),
                  zero_output_for_mask=cfg.get("zero_output_for_mask", False),
                  bias_initializer="random_normal")
    if cls is not layers.SimpleRNN:
        kwargs["use_cudnn"] = "auto" if path == "fused" else False
    layer = cls(U, **kwargs)
    mask = cfg.get("mask")
    init = [rng.standard_normal((B, U)).astype("float32") for _ in range(n_states)] \
        if cfg.get("initial_state") else [np.zeros((B, U), "float32")] * n_states

    def call(x_t, *states):
        kw = {}
        if mask is not None:
            kw["mask"] = backend.convert_to_tensor(mask)
        if cfg.get("initial_state"):
            kw["initial_state"] = list(states)
        return layer(x_t, **kw)

    layer.build((B, T, F))
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    ref = _ref_outputs(kind, weights, x, cfg, init)
    cotangents = [rng.standard_normal(r.shape).astype("float32") for r in ref]
    outs, g_vars, g_inputs = engine_grads(call, layer.trainable_weights, [x] + init, cotangents)
    for got, want in zip(outs, ref):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    def loss(*arrays):
        w, x_, states = arrays[:len(weights)], arrays[len(weights)], arrays[len(weights) + 1:]
        res = _ref_outputs(kind, list(w), x_, cfg, list(states))
        return sum(float(np.sum(r * c)) for r, c in zip(res, cotangents))

    ref_grads = numeric_grad(loss, weights + [x] + init)
    for got, want in zip(g_vars, ref_grads[:len(weights)]):
        np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-4)
    np.testing.assert_allclose(g_inputs[0], ref_grads[len(weights)], rtol=2e-3, atol=2e-4)
    if cfg.get("initial_state"):
        for got, want in zip(g_inputs[1:], ref_grads[len(weights) + 1:]):
            np.testing.assert_allclose(got, want, rtol=2e-3, atol=2e-4)


@pytest.mark.parametrize("cls", [layers.LSTM, layers.GRU])
def test_fused_equals_generic_with_dropout(cls):
    """Input dropout draws one mask per sequence on both paths, so they agree exactly."""
    rng = np.random.default_rng(3)
    x = backend.convert_to_tensor(rng.standard_normal((4, 6, 5)).astype("float32"))
    fused = cls(4, dropout=0.5, seed=11, return_sequences=True)
    generic = cls(4, dropout=0.5, seed=11, return_sequences=True, use_cudnn=False)
    fused.build((4, 6, 5))
    generic.build((4, 6, 5))
    generic.set_weights(fused.get_weights())
    a = backend.convert_to_numpy(fused(x, training=True))
    b = backend.convert_to_numpy(generic(x, training=True))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    inference = backend.convert_to_numpy(fused(x, training=False))
    assert not np.allclose(a, inference)


def test_recurrent_dropout_masks_are_constant_over_time():
    """With recurrent dropout the generic loop runs; training differs from inference."""
    rng = np.random.default_rng(4)
    x = backend.convert_to_tensor(rng.standard_normal((2, 4, 3)).astype("float32"))
    layer = layers.LSTM(3, recurrent_dropout=0.5, dropout=0.3, seed=5)
    out_train = backend.convert_to_numpy(layer(x, training=True))
    out_eval = backend.convert_to_numpy(layer(x, training=False))
    assert out_train.shape == (2, 3) and np.all(np.isfinite(out_train))
    assert not np.allclose(out_train, out_eval)
    np.testing.assert_allclose(out_eval, backend.convert_to_numpy(layer(x)), rtol=1e-6)
