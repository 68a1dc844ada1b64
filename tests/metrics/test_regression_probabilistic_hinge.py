"""Mean-wrapped regression, probabilistic and hinge metrics vs NumPy formulas."""
import numpy as np
import pytest

from cornu import metrics
from metrics_helpers import EPS, assert_close, rng, to_np, weighted_mean


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_signed(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_cosine(t, p):
    tn = t / np.maximum(np.linalg.norm(t, axis=-1, keepdims=True), EPS)
    pn = p / np.maximum(np.linalg.norm(p, axis=-1, keepdims=True), EPS)
    return np.sum(tn * pn, axis=-1)


def np_pearson(t, p):
    tc, pc = t - t.mean(-1, keepdims=True), p - p.mean(-1, keepdims=True)
    tz = tc / (tc.std(-1, keepdims=True) + EPS)
    pz = pc / (pc.std(-1, keepdims=True) + EPS)
    return np.mean(tz * pz, -1)


def np_concordance(t, p):
    tm, pm = t.mean(-1, keepdims=True), p.mean(-1, keepdims=True)
    norm = t.var(-1, keepdims=True) + p.var(-1, keepdims=True) + (tm - pm) ** 2
    return np.mean(2 * (t - tm) * (p - pm) / (norm + EPS), -1)


def np_bce(t, p, logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + 0.5 * smoothing
    if logits:
        p = 1 / (1 + np.exp(-p))
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), -1)


def np_cce(t, p, logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + smoothing / t.shape[-1]
    p = _softmax(p) if logits else p / p.sum(-1, keepdims=True)
    return -np.sum(t * np.log(np.clip(p, EPS, 1 - EPS)), -1)


# name -> (metric factory, per-sample NumPy reference, data kind)
CASES = {
    "mse": (metrics.MeanSquaredError, lambda t, p: np.mean((t - p) ** 2, -1), "real"),
    "mae": (metrics.MeanAbsoluteError, lambda t, p: np.mean(np.abs(t - p), -1), "real"),
    "mape": (metrics.MeanAbsolutePercentageError,
             lambda t, p: 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1), "real"),
    "msle": (metrics.MeanSquaredLogarithmicError,
             lambda t, p: np.mean((np.log(np.maximum(p, EPS) + 1)
                                   - np.log(np.maximum(t, EPS) + 1)) ** 2, -1), "positive"),
    "logcosh": (metrics.LogCoshError, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1), "real"),
    "cosine": (metrics.CosineSimilarity, np_cosine, "real"),
    "pearson": (metrics.PearsonCorrelation, np_pearson, "real"),
    "concordance": (metrics.ConcordanceCorrelation, np_concordance, "real"),
    "kld": (metrics.KLDivergence,
            lambda t, p: np.sum(np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1)
                                                            / np.clip(p, EPS, 1)), -1), "prob"),
    "poisson": (metrics.Poisson, lambda t, p: np.mean(p - t * np.log(p + EPS), -1), "positive"),
    "bce": (metrics.BinaryCrossentropy, np_bce, "binary"),
    "bce_logits_smooth": (lambda: metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
                          lambda t, p: np_bce(t, p, True, 0.2), "binary_logits"),
    "cce": (metrics.CategoricalCrossentropy, np_cce, "onehot"),
    "cce_logits_smooth": (lambda: metrics.CategoricalCrossentropy(from_logits=True,
                                                                  label_smoothing=0.1),
                          lambda t, p: np_cce(t, p, True, 0.1), "onehot_logits"),
    "hinge": (metrics.Hinge, lambda t, p: np.mean(np.maximum(1 - np_signed(t) * p, 0), -1),
              "binary_real"),
    "squared_hinge": (metrics.SquaredHinge,
                      lambda t, p: np.mean(np.maximum(1 - np_signed(t) * p, 0) ** 2, -1),
                      "binary_real"),
    "categorical_hinge": (metrics.CategoricalHinge,
                          lambda t, p: np.maximum(np.max((1 - t) * p, -1)
                                                  - np.sum(t * p, -1) + 1, 0), "onehot_real"),
}


def make_data(kind, r, shape=(6, 4)):
    if kind == "real":
        return r.normal(size=shape), r.normal(size=shape)
    if kind == "positive":
        return r.uniform(0, 3, size=shape), r.uniform(0.1, 3, size=shape)
    if kind == "prob":
        return _softmax(r.normal(size=shape)), _softmax(r.normal(size=shape))
    if kind == "binary":
        return r.integers(0, 2, size=shape).astype(float), r.uniform(0.01, 0.99, size=shape)
    if kind == "binary_logits":
        return r.integers(0, 2, size=shape).astype(float), r.normal(size=shape) * 3
    if kind == "binary_real":
        return r.integers(0, 2, size=shape).astype(float), r.normal(size=shape)
    labels = np.eye(shape[-1])[r.integers(0, shape[-1], size=shape[:-1])]
    if kind == "onehot":
        return labels, _softmax(r.normal(size=shape))
    return labels, r.normal(size=shape) * 2  # onehot_logits / onehot_real


@pytest.mark.parametrize("case", sorted(CASES))
def test_metric_vs_numpy_over_batches(case):
    factory, reference, kind = CASES[case]
    r = rng(11)
    m = factory()
    m_weighted = factory()
    values, weights = [], []
    for _ in range(3):
        t, p = make_data(kind, r)
        w = r.uniform(0.1, 1.0, size=(t.shape[0],))
        m.update_state(t.astype("float32"), p.astype("float32"))
        m_weighted.update_state(t.astype("float32"), p.astype("float32"), sample_weight=w)
        values.append(reference(t, p))
        weights.append(w)
    values, weights = np.concatenate(values), np.concatenate(weights)
    assert_close(m.result(), values.mean(), rtol=2e-5, atol=2e-5)
    assert_close(m_weighted.result(), weighted_mean(values, weights), rtol=2e-5, atol=2e-5)
    m.reset_state()
    assert_close(m.result(), 0.0)
    clone = type(m).from_config(m.get_config())
    assert clone.get_config() == m.get_config()


def test_sparse_categorical_crossentropy_vs_numpy():
    r = rng(12)
    for from_logits in (False, True):
        m = metrics.SparseCategoricalCrossentropy(from_logits=from_logits)
        values = []
        for shape in ((5,), (5, 1)):
            labels = r.integers(0, 4, size=shape)
            scores = r.normal(size=(5, 4)) if from_logits else _softmax(r.normal(size=(5, 4)))
            m.update_state(labels, scores.astype("float32"))
            probs = _softmax(scores) if from_logits else scores
            values.append(-np.log(np.clip(probs, EPS, 1 - EPS)[np.arange(5), labels.reshape(-1)]))
        assert_close(m.result(), np.concatenate(values).mean(), rtol=1e-5)


@pytest.mark.parametrize("cls, expected, weighted", [
    (metrics.MeanSquaredError, 0.25, None),
    (metrics.MeanAbsoluteError, 0.25, 0.5),
    (metrics.MeanAbsolutePercentageError, 250000000.0, 500000000.0),
    (metrics.MeanSquaredLogarithmicError, 0.12011322, 0.24022643),
    (metrics.LogCoshError, 0.10844523, 0.21689045),
    (metrics.RootMeanSquaredError, 0.5, 0.70710677),
    (metrics.Poisson, 0.49999997, 0.99999994),
])
def test_keras_doc_examples_regression(cls, expected, weighted):
    m = cls()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert_close(m.result(), expected, rtol=1e-5)
    if weighted is not None:
        m.reset_state()
        m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
        assert_close(m.result(), weighted, rtol=1e-5)


@pytest.mark.parametrize("cls, expected, weighted", [
    (metrics.KLDivergence, 0.45814306, 0.9162892),
    (metrics.BinaryCrossentropy, 0.81492424, 0.9162905),
    (metrics.Hinge, 1.3, 1.1),
    (metrics.SquaredHinge, 1.86, 1.46),
    (metrics.CategoricalHinge, 1.4, 1.2),
])
def test_keras_doc_examples_probabilistic(cls, expected, weighted):
    m = cls()
    m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    assert_close(m.result(), expected, rtol=1e-5)
    m.reset_state()
    m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], sample_weight=[1, 0])
    assert_close(m.result(), weighted, rtol=1e-5)


def test_keras_doc_examples_crossentropy_and_cosine():
    m = metrics.CategoricalCrossentropy()
    m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert_close(m.result(), 1.1769392, rtol=1e-5)
    m.reset_state()
    m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
                   sample_weight=np.array([0.3, 0.7]))
    assert_close(m.result(), 1.6271976, rtol=1e-5)
    m = metrics.SparseCategoricalCrossentropy()
    m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], sample_weight=np.array([0.3, 0.7]))
    assert_close(m.result(), 1.6271976, rtol=1e-5)
    m = metrics.CosineSimilarity(axis=1)
    m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], sample_weight=[0.3, 0.7])
    assert_close(m.result(), 0.7, rtol=1e-5)
    m = metrics.PearsonCorrelation()
    m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
    assert_close(m.result(), 0.9966996338993913, rtol=1e-5)
    m = metrics.ConcordanceCorrelation()
    m.update_state([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]])
    assert_close(m.result(), 0.9816320385426076, rtol=1e-5)


def test_root_mean_squared_error_vs_numpy():
    r = rng(13)
    m = metrics.RootMeanSquaredError()
    sq, ws = [], []
    for _ in range(3):
        t, p = r.normal(size=(5, 1)), r.normal(size=(5,))  # (n, 1) labels vs (n,) preds
        w = r.uniform(size=(5,))
        m.update_state(t, p, sample_weight=w)
        sq.append((t[:, 0] - p) ** 2)
        ws.append(w)
    assert_close(m.result(), np.sqrt(weighted_mean(np.concatenate(sq), np.concatenate(ws))))


def np_r2(t, p, w, aggregation, num_regressors=0):
    w = np.broadcast_to(w.reshape(-1, 1) if w.ndim == 1 else w, t.shape)
    s = (w * t).sum(0)
    count = w.sum(0)
    total = (w * t * t).sum(0) - s * s / count
    raw = 1 - (w * (t - p) ** 2).sum(0) / total
    if aggregation == "uniform_average":
        score = raw.mean()
    elif aggregation == "variance_weighted_average":
        score = (total * raw).sum() / total.sum()
    else:
        score = raw
    n = t.size
    if num_regressors and num_regressors < n - 1:
        score = 1 - (1 - score) * (n - 1) / (n - num_regressors - 1)
    return score


@pytest.mark.parametrize("aggregation", ["uniform_average", "variance_weighted_average", None])
@pytest.mark.parametrize("num_regressors", [0, 2, 50])
def test_r2_score_vs_numpy(aggregation, num_regressors):
    r = rng(14)
    t = r.normal(size=(12, 3))
    p = t + r.normal(scale=0.5, size=(12, 3))
    w = r.uniform(0.2, 1.0, size=(12,))
    m = metrics.R2Score(class_aggregation=aggregation, num_regressors=num_regressors)
    assert not m.built and len(m.variables) == 1
    m.update_state(t[:5], p[:5], sample_weight=w[:5])
    m.update_state(t[5:], p[5:], sample_weight=w[5:])
    assert [v.name for v in m.variables] == ["num_samples", "squared_sum", "sum", "residual",
                                             "count"]
    assert_close(m.result(), np_r2(t, p, w, aggregation, num_regressors), rtol=1e-4, atol=1e-5)
    m.reset_state()
    m.update_state(t, p)
    assert_close(m.result(), np_r2(t, p, np.ones(12), aggregation, num_regressors), rtol=1e-4,
                 atol=1e-5)


def test_r2_score_keras_example_and_errors():
    m = metrics.R2Score()
    m.update_state(np.array([[1], [4], [3]], "float32"), np.array([[2], [4], [4]], "float32"))
    assert_close(m.result(), 0.57142854, rtol=1e-5)
    with pytest.raises(ValueError, match="2D inputs"):
        metrics.R2Score().update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
    with pytest.raises(ValueError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)


def test_functions_return_per_sample_values():
    r = rng(15)
    t, p = r.normal(size=(4, 3)), r.normal(size=(4, 3))
    out = to_np(metrics.mean_squared_error(t, p))
    np.testing.assert_allclose(out, np.mean((t - p) ** 2, -1), rtol=1e-6)
    out = to_np(metrics.mean_absolute_error(t[:, :1], p[:, 0]))  # (n,1) vs (n,)
    assert out.shape == (4,)
    np.testing.assert_allclose(out, np.abs(t[:, 0] - p[:, 0]), rtol=1e-6)
