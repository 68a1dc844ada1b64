"""Every loss traces under ``jax.jit`` and gives the NumPy reference value (JAX engine only)."""
import numpy as np
import pytest

import cornu.losses as L
from cornu import backend

import losses_np_reference as R
from losses_np_reference import CTC_LABELS, CTC_LOGITS, brute_force_ctc

pytestmark = pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit tracing needs CORNU_BACKEND=jax")

r = np.random.RandomState(0)
B, C = 4, 5
REG = (r.randn(B, C).astype("float32"), r.randn(B, C).astype("float32"))
POS = (r.uniform(0.1, 2, (B, C)).astype("float32"), r.uniform(0.1, 2, (B, C)).astype("float32"))
BIN = (r.randint(0, 2, (B, C)).astype("float32"), r.uniform(0.05, 0.95, (B, C)).astype("float32"))
_p = r.uniform(0.05, 1, (B, C)).astype("float32")
HOT = (np.eye(C, dtype="float32")[r.randint(0, C, B)], (_p / _p.sum(-1, keepdims=True)).astype("float32"))
SPARSE = (np.array([0, 1, 3, 1], "int32"), r.randn(B, C).astype("float32"))
_e = r.randn(6, 4)
EMB = (np.array([0, 0, 1, 1, 2, 0], "int32"), (_e / np.linalg.norm(_e, axis=1, keepdims=True)).astype("float32"))
SW = np.array([0.5, 1.0, 0.0, 2.0], "float32")

# name: (loss, data, per-sample NumPy reference, mask of counted entries or None)
CASES = {
    "mse": (L.MeanSquaredError(), REG, R.ref_mse),
    "mae": (L.MeanAbsoluteError(), REG, R.ref_mae),
    "mape": (L.MeanAbsolutePercentageError(), REG, R.ref_mape),
    "msle": (L.MeanSquaredLogarithmicError(), POS, R.ref_msle),
    "cosine": (L.CosineSimilarity(), REG, R.ref_cosine),
    "huber": (L.Huber(0.5), REG, lambda t, p: R.ref_huber(t, p, 0.5)),
    "log_cosh": (L.LogCosh(), REG, R.ref_log_cosh),
    "hinge": (L.Hinge(), BIN, R.ref_hinge),
    "squared_hinge": (L.SquaredHinge(), BIN, R.ref_squared_hinge),
    "categorical_hinge": (L.CategoricalHinge(), HOT, R.ref_categorical_hinge),
    "kld": (L.KLDivergence(), HOT, R.ref_kld),
    "poisson": (L.Poisson(), POS, R.ref_poisson),
    "bce": (L.BinaryCrossentropy(label_smoothing=0.1), BIN, lambda t, p: R.ref_bce(t, p, False, 0.1)),
    "bfce": (L.BinaryFocalCrossentropy(apply_class_balancing=True), BIN,
             lambda t, p: R.ref_binary_focal(t, p, True)),
    "cce": (L.CategoricalCrossentropy(label_smoothing=0.1), HOT, lambda t, p: R.ref_cce(t, p, False, 0.1)),
    "cfce": (L.CategoricalFocalCrossentropy(), HOT, R.ref_categorical_focal),
    "scce": (L.SparseCategoricalCrossentropy(from_logits=True), SPARSE, lambda t, p: R.ref_scce(t, p, True)),
    "scce_ignore": (L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1), SPARSE,
                    lambda t, p: R.ref_scce(t, p, True, ignore_class=1)),
    "gce": (L.CategoricalGeneralizedCrossEntropy(), (SPARSE[0], HOT[1]), R.ref_generalized_ce),
    "dice": (L.Dice(), BIN, R.ref_dice),
    "tversky": (L.Tversky(0.3, 0.7), BIN, lambda t, p: R.ref_tversky(t, p, 0.3, 0.7)),
    "circle": (L.Circle(), EMB, R.ref_circle),
    "ctc": (L.CTC(), (CTC_LABELS, CTC_LOGITS),
            lambda t, p: np.array([brute_force_ctc(t[b], p[b]) for b in range(len(t))])),
}


def _expected(name):
    _, (t, p), ref = CASES[name]
    losses = ref(np.asarray(t), np.asarray(p, np.float64))
    mask = None
    if name == "scce_ignore":
        mask = t != 1
    elif name == "circle":
        mask = losses > 0
    weights = SW if len(p) == len(SW) else None
    return R.reduce(losses, "sum_over_batch_size", weights, mask=mask)


def test_every_loss_under_jit():
    import jax

    def all_losses(data, weights):
        out = {}
        for name, (loss, _, _) in CASES.items():
            t, p = data[name]
            out[name] = loss(t, p, sample_weight=weights if p.shape[0] == weights.shape[0] else None)
        return out

    data = {name: case[1] for name, case in CASES.items()}
    traced = jax.jit(all_losses)(data, SW)
    for name in CASES:
        np.testing.assert_allclose(np.asarray(traced[name]), _expected(name), rtol=1e-4, atol=1e-5,
                                   err_msg=name)


def test_jit_with_mask_and_gradient():
    import jax

    t, p = REG
    mask = np.array([1, 0, 1, 1], bool)
    loss = L.MeanSquaredError()

    def f(pred, m):
        return loss(t, pred, mask=m)

    value, grad = jax.jit(jax.value_and_grad(f))(p, mask)
    expected = np.mean(np.mean((t - p) ** 2, -1)[mask])
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(grad)[1], 0.0)
    np.testing.assert_allclose(np.asarray(grad)[0], 2 * (p[0] - t[0]) / (C * 3), rtol=1e-5)
