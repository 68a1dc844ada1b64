"""Gradients of key losses w.r.t. y_pred: closed forms, or central differences of the NumPy reference."""
import numpy as np
import pytest

import cornu.losses as L
from cornu import backend, ops

import losses_np_reference as R

B, C = 4, 5
SW = np.array([0.5, 1.0, 0.0, 2.0], "float32")


def grad_wrt_pred(loss_fn, y_pred):
    """d loss_fn(y_pred) / d y_pred, with the engine's own autodiff."""
    if backend.backend() == "torch":
        import torch

        x = torch.tensor(np.asarray(y_pred), requires_grad=True)
        loss_fn(x).backward()
        return x.grad.detach().cpu().numpy().astype(np.float64)
    import jax
    import jax.numpy as jnp

    return np.asarray(jax.grad(lambda x: loss_fn(x))(jnp.asarray(y_pred)), np.float64)


def numeric_grad(f, x, h=1e-6):
    """Central differences of a float64 NumPy function."""
    x = np.asarray(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.fixture
def rng():
    return np.random.RandomState(42)


def test_mse_gradient(rng):
    t, p = rng.randn(B, C).astype("float32"), rng.randn(B, C).astype("float32")
    g = grad_wrt_pred(lambda x: L.MeanSquaredError()(t, x, sample_weight=SW), p)
    expected = SW[:, None] * 2 * (p - t) / (B * C)
    np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("delta", [1.0, 0.4])
def test_huber_gradient(rng, delta):
    t, p = rng.randn(B, C).astype("float32"), rng.randn(B, C).astype("float32")
    g = grad_wrt_pred(lambda x: L.Huber(delta=delta)(t, x, sample_weight=SW), p)
    expected = SW[:, None] * np.clip(p - t, -delta, delta) / (B * C)
    np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_binary_crossentropy_gradient_probs(rng, smoothing):
    t = rng.randint(0, 2, (B, C)).astype("float32")
    p = rng.uniform(0.05, 0.95, (B, C)).astype("float32")
    ts = t * (1 - smoothing) + 0.5 * smoothing
    g = grad_wrt_pred(lambda x: L.BinaryCrossentropy(label_smoothing=smoothing)(t, x, sample_weight=SW), p)
    expected = SW[:, None] * (p - ts) / (p * (1 - p)) / (B * C)
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_binary_crossentropy_gradient_logits(rng, smoothing):
    t = rng.randint(0, 2, (B, C)).astype("float32")
    x0 = (3 * rng.randn(B, C)).astype("float32")
    ts = t * (1 - smoothing) + 0.5 * smoothing
    loss = L.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing)
    g = grad_wrt_pred(lambda x: loss(t, x, sample_weight=SW), x0)
    expected = SW[:, None] * (_sigmoid(x0.astype(np.float64)) - ts) / (B * C)
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-7)


def test_categorical_crossentropy_gradient_probs(rng):
    t = np.eye(C, dtype="float32")[rng.randint(0, C, B)]
    p = rng.uniform(0.05, 1, (B, C)).astype("float32")
    g = grad_wrt_pred(lambda x: L.CategoricalCrossentropy()(t, x, sample_weight=SW), p)
    # d/dp of -sum(t * log(p / sum(p))) = -t / p + sum(t) / sum(p)
    expected = SW[:, None] * (-t / p + t.sum(-1, keepdims=True) / p.sum(-1, keepdims=True)) / B
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_categorical_crossentropy_gradient_logits(rng, smoothing):
    t = np.eye(C, dtype="float32")[rng.randint(0, C, B)]
    x0 = (2 * rng.randn(B, C)).astype("float32")
    ts = t * (1 - smoothing) + smoothing / C
    loss = L.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
    g = grad_wrt_pred(lambda x: loss(t, x, sample_weight=SW), x0)
    expected = SW[:, None] * (_softmax(x0.astype(np.float64)) - ts) / B
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-7)


def test_sparse_categorical_crossentropy_gradient_logits(rng):
    labels = rng.randint(0, C, B)
    x0 = (2 * rng.randn(B, C)).astype("float32")
    g = grad_wrt_pred(lambda x: L.SparseCategoricalCrossentropy(from_logits=True)(labels, x, sample_weight=SW), x0)
    expected = SW[:, None] * (_softmax(x0.astype(np.float64)) - np.eye(C)[labels]) / B
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-7)


def test_sparse_ignore_class_gradient_is_finite_and_zero_on_ignored(rng):
    labels = np.array([0, 3, 3, 1])
    p = rng.uniform(0.05, 1, (B, C)).astype("float32")
    p /= p.sum(-1, keepdims=True)
    g = grad_wrt_pred(lambda x: L.SparseCategoricalCrossentropy(ignore_class=3)(labels, x), p)
    assert np.all(np.isfinite(g))
    np.testing.assert_array_equal(g[1:3], 0.0)
    ref = numeric_grad(lambda q: R.reduce(R.ref_scce(labels, q, ignore_class=3), "sum_over_batch_size",
                                          mask=labels != 3), p)
    np.testing.assert_allclose(g, ref, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("name", ["binary_focal", "categorical_focal", "log_cosh", "cosine", "kld"])
def test_other_gradients_match_numeric_reference(rng, name):
    onehot = np.eye(C, dtype="float32")[rng.randint(0, C, B)]
    regr_t, regr_p = rng.randn(B, C).astype("float32"), rng.randn(B, C).astype("float32")
    cases = {
        "binary_focal": (L.BinaryFocalCrossentropy(apply_class_balancing=True, from_logits=True),
                         lambda t, p: R.ref_binary_focal(t, p, True, 0.25, 2.0, True),
                         rng.randint(0, 2, (B, C)).astype("float32"), regr_p),
        "categorical_focal": (L.CategoricalFocalCrossentropy(from_logits=True),
                              lambda t, p: R.ref_categorical_focal(t, p, from_logits=True), onehot, regr_p),
        "log_cosh": (L.LogCosh(), R.ref_log_cosh, regr_t, regr_p),
        "cosine": (L.CosineSimilarity(), R.ref_cosine, regr_t, regr_p),
        "kld": (L.KLDivergence(), R.ref_kld, _softmax(regr_t).astype("float32"),
                _softmax(regr_p).astype("float32")),
    }
    loss, ref, t, p = cases[name]
    g = grad_wrt_pred(lambda x: loss(t, x, sample_weight=SW), p)
    expected = numeric_grad(lambda q: R.reduce(ref(t.astype(np.float64), q), "sum_over_batch_size", SW), p)
    np.testing.assert_allclose(g, expected, rtol=2e-3, atol=2e-6)


def test_cosine_gradient_is_finite_for_a_zero_prediction():
    t = np.ones((1, 3), "float32")
    g = grad_wrt_pred(lambda x: L.CosineSimilarity()(t, x), np.zeros((1, 3), "float32"))
    assert np.all(np.isfinite(g))
