"""Every loss against its NumPy reference: functions, classes, all reductions, sample weights."""
import numpy as np
import pytest

import cornu.losses as L
from cornu import ops

import losses_np_reference as R

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
B, T, C = 4, 3, 5


def _rng(seed=0):
    return np.random.RandomState(seed)


# Input makers: each returns (y_true, y_pred) with leading shape `lead`.
def regression(lead, r):
    return r.randn(*lead, C).astype("float32"), r.randn(*lead, C).astype("float32")


def positive(lead, r):
    return r.uniform(0.1, 3, (*lead, C)).astype("float32"), r.uniform(0.1, 3, (*lead, C)).astype("float32")


def binary_probs(lead, r):
    return r.randint(0, 2, (*lead, C)).astype("float32"), r.uniform(0.02, 0.98, (*lead, C)).astype("float32")


def binary_logits(lead, r):
    return r.randint(0, 2, (*lead, C)).astype("float32"), (3 * r.randn(*lead, C)).astype("float32")


def signed_labels(lead, r):
    return (2 * r.randint(0, 2, (*lead, C)) - 1).astype("float32"), r.randn(*lead, C).astype("float32")


def onehot_probs(lead, r):
    t = np.eye(C, dtype="float32")[r.randint(0, C, lead)]
    p = r.uniform(0.05, 1, (*lead, C)).astype("float32")
    return t, p


def onehot_logits(lead, r):
    t = np.eye(C, dtype="float32")[r.randint(0, C, lead)]
    return t, (2 * r.randn(*lead, C)).astype("float32")


def distributions(lead, r):
    t = r.uniform(0.01, 1, (*lead, C)); t /= t.sum(-1, keepdims=True)
    p = r.uniform(0.01, 1, (*lead, C)); p /= p.sum(-1, keepdims=True)
    return t.astype("float32"), p.astype("float32")


def sparse_probs(lead, r):
    p = r.uniform(0.05, 1, (*lead, C)); p /= p.sum(-1, keepdims=True)
    return r.randint(0, C, lead), p.astype("float32")


def sparse_logits(lead, r):
    return r.randint(0, C, lead), (2 * r.randn(*lead, C)).astype("float32")


# (id, Loss class, class kwargs, loss function, function kwargs, reference, inputs)
CASES = [
    ("mse", L.MeanSquaredError, {}, L.mean_squared_error, {}, R.ref_mse, regression),
    ("mae", L.MeanAbsoluteError, {}, L.mean_absolute_error, {}, R.ref_mae, regression),
    ("mape", L.MeanAbsolutePercentageError, {}, L.mean_absolute_percentage_error, {}, R.ref_mape, regression),
    ("msle", L.MeanSquaredLogarithmicError, {}, L.mean_squared_logarithmic_error, {}, R.ref_msle, positive),
    ("cosine", L.CosineSimilarity, {}, L.cosine_similarity, {}, R.ref_cosine, regression),
    ("huber", L.Huber, {"delta": 0.6}, L.huber, {"delta": 0.6}, lambda t, p: R.ref_huber(t, p, 0.6), regression),
    ("huber_default", L.Huber, {}, L.huber, {}, R.ref_huber, regression),
    ("log_cosh", L.LogCosh, {}, L.log_cosh, {}, R.ref_log_cosh, regression),
    ("hinge01", L.Hinge, {}, L.hinge, {}, R.ref_hinge, binary_logits),
    ("hinge_pm1", L.Hinge, {}, L.hinge, {}, R.ref_hinge, signed_labels),
    ("squared_hinge", L.SquaredHinge, {}, L.squared_hinge, {}, R.ref_squared_hinge, binary_logits),
    ("categorical_hinge", L.CategoricalHinge, {}, L.categorical_hinge, {}, R.ref_categorical_hinge, onehot_logits),
    ("kld", L.KLDivergence, {}, L.kl_divergence, {}, R.ref_kld, distributions),
    ("poisson", L.Poisson, {}, L.poisson, {}, R.ref_poisson, positive),
    ("bce", L.BinaryCrossentropy, {}, L.binary_crossentropy, {}, R.ref_bce, binary_probs),
    ("bce_logits", L.BinaryCrossentropy, {"from_logits": True}, L.binary_crossentropy,
     {"from_logits": True}, lambda t, p: R.ref_bce(t, p, True), binary_logits),
    ("bce_smooth", L.BinaryCrossentropy, {"label_smoothing": 0.2}, L.binary_crossentropy,
     {"label_smoothing": 0.2}, lambda t, p: R.ref_bce(t, p, False, 0.2), binary_probs),
    ("bce_logits_smooth", L.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.3},
     L.binary_crossentropy, {"from_logits": True, "label_smoothing": 0.3},
     lambda t, p: R.ref_bce(t, p, True, 0.3), binary_logits),
    ("bfce", L.BinaryFocalCrossentropy, {}, L.binary_focal_crossentropy, {}, R.ref_binary_focal, binary_probs),
    ("bfce_all", L.BinaryFocalCrossentropy,
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
     L.binary_focal_crossentropy,
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
     lambda t, p: R.ref_binary_focal(t, p, True, 0.3, 1.5, True, 0.1), binary_logits),
    ("cce", L.CategoricalCrossentropy, {}, L.categorical_crossentropy, {}, R.ref_cce, onehot_probs),
    ("cce_logits", L.CategoricalCrossentropy, {"from_logits": True}, L.categorical_crossentropy,
     {"from_logits": True}, lambda t, p: R.ref_cce(t, p, True), onehot_logits),
    ("cce_smooth", L.CategoricalCrossentropy, {"label_smoothing": 0.1}, L.categorical_crossentropy,
     {"label_smoothing": 0.1}, lambda t, p: R.ref_cce(t, p, False, 0.1), onehot_probs),
    ("cce_logits_smooth", L.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.25},
     L.categorical_crossentropy, {"from_logits": True, "label_smoothing": 0.25},
     lambda t, p: R.ref_cce(t, p, True, 0.25), onehot_logits),
    ("cfce", L.CategoricalFocalCrossentropy, {}, L.categorical_focal_crossentropy, {},
     R.ref_categorical_focal, onehot_probs),
    ("cfce_all", L.CategoricalFocalCrossentropy,
     {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
     L.categorical_focal_crossentropy, {"alpha": 0.5, "gamma": 3.0, "from_logits": True, "label_smoothing": 0.1},
     lambda t, p: R.ref_categorical_focal(t, p, 0.5, 3.0, True, 0.1), onehot_logits),
    ("scce", L.SparseCategoricalCrossentropy, {}, L.sparse_categorical_crossentropy, {}, R.ref_scce, sparse_probs),
    ("scce_logits", L.SparseCategoricalCrossentropy, {"from_logits": True},
     L.sparse_categorical_crossentropy, {"from_logits": True},
     lambda t, p: R.ref_scce(t, p, True), sparse_logits),
    ("generalized_ce", L.CategoricalGeneralizedCrossEntropy, {"q": 0.3},
     L.categorical_generalized_cross_entropy, {"q": 0.3},
     lambda t, p: R.ref_generalized_ce(t, p, 0.3), sparse_probs),
    ("dice_axis", L.Dice, {"axis": -1}, L.dice, {"axis": -1}, lambda t, p: R.ref_dice(t, p, -1), binary_probs),
    ("tversky_axis", L.Tversky, {"alpha": 0.2, "beta": 0.9, "axis": -1}, L.tversky,
     {"alpha": 0.2, "beta": 0.9, "axis": -1}, lambda t, p: R.ref_tversky(t, p, 0.2, 0.9, -1), binary_probs),
]
IDS = [c[0] for c in CASES]


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), np.float64)


def _check(actual, expected, rtol=2e-5, atol=2e-5):
    actual = _np(actual)
    expected = np.asarray(expected, np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_function_per_sample(case):
    _, _, _, fn, fn_kwargs, ref, make = case
    for lead in ((B,), (B, T)):
        y_true, y_pred = make(lead, _rng(1))
        out = fn(y_true, y_pred, **fn_kwargs)
        expected = ref(y_true.astype(np.float64), y_pred.astype(np.float64))
        assert tuple(ops.shape(out)) == lead
        _check(out, expected)


@pytest.mark.parametrize("weights", ["none", "per_sample", "per_sample_column", "per_element"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_class_reductions_and_weights(case, weights):
    _, cls, cls_kwargs, _, _, ref, make = case
    r = _rng(2)
    lead = (B, T) if weights == "per_element" else (B,)
    y_true, y_pred = make(lead, r)
    losses = ref(y_true.astype(np.float64), y_pred.astype(np.float64))
    sw = {
        "none": None,
        "per_sample": np.array([0.5, 1.0, 0.0, 2.0], "float32"),
        "per_sample_column": np.array([[0.5], [1.0], [0.0], [2.0]], "float32"),
        "per_element": r.uniform(0, 2, lead).astype("float32"),
    }[weights]
    for reduction in REDUCTIONS:
        loss = cls(reduction=reduction, **cls_kwargs)
        out = loss(y_true, y_pred, sample_weight=sw)
        _check(out, R.reduce(losses, reduction, sw))
        assert ops.dtype(out) == "float32"


def test_default_reduction_divides_by_count_not_weight_sum():
    y_true = np.zeros((4, 1), "float32")
    y_pred = np.array([[1.0], [2.0], [3.0], [4.0]], "float32")
    sw = np.array([1.0, 1.0, 0.0, 0.0], "float32")
    # losses 1, 4, 9, 16 -> weighted 1 + 4 = 5, over 4 elements.
    _check(L.MeanSquaredError()(y_true, y_pred, sample_weight=sw), 5.0 / 4)
    _check(L.MeanSquaredError(reduction="mean_with_sample_weight")(y_true, y_pred, sample_weight=sw), 5.0 / 2)
    _check(L.MeanSquaredError(reduction="sum")(y_true, y_pred, sample_weight=sw), 5.0)


def test_scalar_sample_weight():
    y_true, y_pred = regression((B,), _rng(3))
    losses = R.ref_mse(y_true, y_pred)
    for reduction in REDUCTIONS:
        out = L.MeanSquaredError(reduction=reduction)(y_true, y_pred, sample_weight=0.25)
        expected = R.reduce(losses, reduction, np.float64(0.25))
        _check(out, expected)


def test_per_sample_weights_on_sequence_losses_align_with_batch_axis():
    r = _rng(4)
    y_true, y_pred = sparse_logits((B, T), r)
    sw = np.array([1.0, 0.0, 2.0, 0.5], "float32")
    losses = R.ref_scce(y_true, y_pred.astype(np.float64), True)  # (B, T)
    for reduction in REDUCTIONS:
        out = L.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)(
            y_true, y_pred, sample_weight=sw)
        expected = R.reduce(losses, reduction, sw)
        _check(out, expected)
    # The weight of sample b multiplies every timestep of sample b.
    none = _np(L.SparseCategoricalCrossentropy(from_logits=True, reduction="none")(
        y_true, y_pred, sample_weight=sw))
    np.testing.assert_allclose(none, losses * sw[:, None], rtol=2e-5, atol=2e-5)


def test_trailing_axis_of_one_is_aligned():
    r = _rng(5)
    y = r.randn(B).astype("float32")
    p = r.randn(B, 1).astype("float32")
    # y_true (B,) against y_pred (B, 1): y_true gets the trailing axis, one loss per sample.
    out = L.MeanSquaredError(reduction="none")(y, p)
    _check(out, (y - p[:, 0]) ** 2)
    out = L.BinaryCrossentropy(reduction="none")((y > 0).astype("float32"), 1 / (1 + np.exp(-p)))
    _check(out, R.ref_bce((y > 0).astype(np.float64)[:, None], 1 / (1 + np.exp(-p.astype(np.float64)))),
           rtol=1e-4)


def test_python_lists_are_accepted():
    out = L.MeanSquaredError()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]])
    _check(out, 0.5)
    out = L.mean_squared_error([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])
    _check(out, np.mean(np.square([0.1, -0.1, 0.2])))


def test_hinge_label_conversion():
    p = np.array([[0.3, -0.8, 1.5]], "float32")
    # {0, 1} labels are mapped to {-1, 1} ...
    _check(L.hinge(np.array([[0.0, 1.0, 1.0]]), p), R.ref_hinge(np.array([[-1.0, 1.0, 1.0]]), p))
    # ... {-1, 1} labels are used as they are ...
    _check(L.hinge(np.array([[-1.0, 1.0, 1.0]]), p), np.mean(np.maximum(1 - np.array([-1, 1, 1]) * p, 0), -1))
    # ... and a mix of 0, 1 and -1 is not converted.
    t = np.array([[0.0, 1.0, -1.0]])
    _check(L.squared_hinge(t, p), np.mean(np.maximum(1 - t * p, 0) ** 2, -1))


def test_cce_warns_for_a_single_class():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        L.categorical_crossentropy(np.ones((2, 1)), np.full((2, 1), 0.5))


def test_boolean_axis_is_refused():
    with pytest.raises(ValueError, match="axis"):
        L.categorical_crossentropy(np.eye(3), np.eye(3), axis=True)


def test_cosine_similarity_other_axis_and_zero_vector():
    r = _rng(6)
    t, p = regression((B,), r)
    _check(L.cosine_similarity(t, p, axis=0), R.ref_cosine(t, p, axis=0))
    _check(L.CosineSimilarity(axis=0, reduction="none")(t, p), R.ref_cosine(t, p, axis=0))
    z = np.zeros((1, C), "float32")
    _check(L.cosine_similarity(z, p[:1]), [0.0])


def test_log_cosh_large_errors_do_not_overflow():
    t = np.zeros((1, 2), "float32")
    p = np.array([[200.0, -300.0]], "float32")
    _check(L.log_cosh(t, p), [np.mean([200 - np.log(2), 300 - np.log(2)])], rtol=1e-6)


def test_sparse_labels_with_trailing_axis():
    t, p = sparse_probs((B,), _rng(7))
    _check(L.SparseCategoricalCrossentropy(reduction="none")(t[:, None], p), R.ref_scce(t, p))
    _check(L.sparse_categorical_crossentropy(t[:, None], p), R.ref_scce(t, p))


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_ignore_class(from_logits):
    r = _rng(8)
    t, p = (sparse_logits if from_logits else sparse_probs)((B, T), r)
    t[0, :] = 2
    t[1, 1] = 2
    valid = t != 2
    losses = R.ref_scce(t, p.astype(np.float64), from_logits, ignore_class=2)
    fn = L.sparse_categorical_crossentropy(t, p, from_logits=from_logits, ignore_class=2)
    _check(fn, losses)
    sw = r.uniform(0, 2, (B, T)).astype("float32")
    for reduction in REDUCTIONS:
        for w in (None, sw):
            loss = L.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=2, reduction=reduction)
            _check(loss(t, p, sample_weight=w), R.reduce(losses, reduction, w, mask=valid))
    # The average runs over the valid entries only.
    mean = _np(L.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=2)(t, p))
    np.testing.assert_allclose(mean, losses[valid].mean(), rtol=2e-5)


def test_dice_and_tversky_over_everything():
    t, p = binary_probs((B,), _rng(9))
    for reduction in REDUCTIONS:
        # A scalar loss is returned as it is, whatever the reduction.
        _check(L.Dice(reduction=reduction)(t, p), R.ref_dice(t, p))
        _check(L.Tversky(alpha=0.7, beta=0.3, reduction=reduction)(t, p), R.ref_tversky(t, p, 0.7, 0.3))
    _check(L.dice(t, p, axis=(0, 1)), R.ref_dice(t, p, (0, 1)))
    # alpha weights the target mass the prediction misses (Keras 3's convention).
    t1 = np.array([[1.0, 1.0]], "float32")
    p1 = np.array([[0.5, 0.5]], "float32")
    tp, missed = 1.0, 1.0
    _check(L.tversky(t1, p1, alpha=1.0, beta=0.0), 1 - tp / (tp + missed + 1e-7))


def test_circle():
    r = _rng(10)
    emb = r.randn(6, 4)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    emb = emb.astype("float32")
    labels = np.array([0, 0, 1, 1, 2, 0])
    for kwargs in ({}, {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False}):
        losses = R.ref_circle(labels, emb.astype(np.float64), **kwargs)
        _check(L.circle(labels, emb, **kwargs), losses, rtol=1e-4, atol=1e-4)
        positive = losses > 0
        for reduction in REDUCTIONS:
            out = L.Circle(reduction=reduction, **kwargs)(labels, emb)
            _check(out, R.reduce(losses, reduction, mask=positive), rtol=1e-4, atol=1e-4)


def test_generalized_ce_validates_q():
    with pytest.raises(ValueError, match="q"):
        L.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_explicit_mask_renormalises():
    r = _rng(11)
    t, p = regression((3, 4), r)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0]], bool)
    sw = r.uniform(0, 1, (3, 4)).astype("float32")
    losses = R.ref_mse(t, p)
    for reduction in REDUCTIONS:
        for w in (None, sw):
            out = L.MeanSquaredError(reduction=reduction)(t, p, sample_weight=w, mask=mask)
            _check(out, R.reduce(losses, reduction, w, mask=mask))
    # With the default reduction: the mean over the valid entries.
    _check(L.MeanSquaredError()(t, p, mask=mask), losses[mask].mean())
    # An all-zero mask gives 0, not NaN.
    _check(L.MeanSquaredError()(t, p, mask=np.zeros((3, 4), bool)), 0.0)


def test_apply_mask_helper():
    mask = np.array([1, 0, 1, 1], "float32")
    w = _np(L.apply_mask(None, mask, reduction="sum_over_batch_size"))
    np.testing.assert_allclose(w, [4 / 3, 0, 4 / 3, 4 / 3], rtol=1e-6)
    w = _np(L.apply_mask(np.array([1.0, 2.0, 3.0, 4.0]), mask, reduction="sum"))
    np.testing.assert_allclose(w, [1, 0, 3, 4])
    assert L.apply_mask(None, None) is None
    w = _np(L.apply_mask(np.ones(4), np.zeros(4), reduction="mean"))
    np.testing.assert_allclose(w, np.zeros(4))


def test_loss_dtype_argument():
    t, p = regression((B,), _rng(12))
    out = L.MeanSquaredError(dtype="float16")(t, p)
    assert ops.dtype(out) == "float16"
    np.testing.assert_allclose(_np(out), R.ref_mse(t, p).mean(), rtol=2e-3)
    assert L.MeanSquaredError(dtype="mixed_bfloat16").dtype == "bfloat16"
    assert L.MeanSquaredError().dtype == "float32"


def test_empty_batch_is_returned_as_is():
    out = L.MeanSquaredError()(np.zeros((0, 3), "float32"), np.zeros((0, 3), "float32"))
    assert tuple(ops.shape(out)) == (0,)


def test_invalid_reduction():
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="average")
    assert L.MeanSquaredError(reduction="auto").reduction == "sum_over_batch_size"
