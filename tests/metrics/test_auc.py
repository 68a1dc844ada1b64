"""AUC against a NumPy implementation of Keras's threshold/Riemann-sum scheme."""
import numpy as np
import pytest

from cornu import metrics
from metrics_helpers import (
    assert_close,
    auc_from_counts,
    auc_thresholds,
    confusion_counts,
    exact_roc_auc,
    rng,
)


def data(r, n=40, labels=None):
    shape = (n,) if labels is None else (n, labels)
    y_true = r.integers(0, 2, size=shape)
    y_pred = np.clip(0.35 * y_true + r.uniform(0, 0.65, size=shape), 0, 1).astype("float32")
    y_pred[:2] = [0.0, 1.0] if labels is None else y_pred[:2]  # exact end points
    return y_true, y_pred


@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("summation", ["interpolation", "minoring", "majoring"])
def test_auc_vs_numpy(curve, summation):
    r = rng(31)
    m = metrics.AUC(num_thresholds=50, curve=curve, summation_method=summation)
    t_list = auc_thresholds(50)
    counts = None
    for _ in range(3):
        y_true, y_pred = data(r)
        w = r.uniform(0.1, 1.0, size=y_true.shape)
        m.update_state(y_true, y_pred, sample_weight=w)
        c = confusion_counts(y_true, y_pred.astype(np.float64), t_list, w)
        counts = c if counts is None else {k: counts[k] + c[k] for k in c}
    assert_close(m.true_positives, counts["tp"], rtol=1e-5, atol=1e-5)
    assert_close(m.false_negatives, counts["fn"], rtol=1e-5, atol=1e-5)
    assert_close(m.result(), auc_from_counts(counts, curve, summation), rtol=1e-5, atol=1e-6)


def test_keras_doc_example_and_reset():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert_close(m.true_positives, [2, 1, 0])
    assert_close(m.false_positives, [2, 0, 0])
    assert_close(m.result(), 0.75)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert_close(m.result(), 1.0)
    assert m.thresholds[0] < 0 and m.thresholds[-1] > 1 and m.thresholds[1] == 0.5


def test_many_thresholds_approach_exact_roc_auc():
    r = rng(32)
    m = metrics.AUC(num_thresholds=200)
    labels, scores = [], []
    for _ in range(4):
        y_true = r.integers(0, 2, size=40)
        y_pred = np.clip(0.2 * y_true + r.uniform(0, 0.8, size=40), 0, 1)
        m.update_state(y_true, y_pred)
        labels.append(y_true)
        scores.append(y_pred)
    exact = exact_roc_auc(np.concatenate(labels), np.concatenate(scores))
    assert abs(float(m.result()) - exact) < 3e-3


@pytest.mark.parametrize("thresholds", [[0.1, 0.35, 0.6, 0.9], [0.25, 0.5, 0.75]])
def test_explicit_thresholds(thresholds):
    r = rng(33)
    y_true, y_pred = data(r)
    for curve in ("ROC", "PR"):
        m = metrics.AUC(thresholds=thresholds, curve=curve)
        assert m.num_thresholds == len(thresholds) + 2
        m.update_state(y_true, y_pred)
        t_list = [-1e-7] + thresholds + [1 + 1e-7]
        c = confusion_counts(y_true, y_pred.astype(np.float64), t_list)
        assert_close(m.result(), auc_from_counts(c, curve), rtol=1e-5, atol=1e-6)
        cfg = m.get_config()
        assert cfg["thresholds"] == pytest.approx(thresholds)
        assert metrics.AUC.from_config(cfg).thresholds == pytest.approx(m.thresholds)


def test_from_logits_equals_sigmoid_probabilities():
    r = rng(34)
    y_true = r.integers(0, 2, size=40)
    logits = r.normal(scale=2.0, size=40).astype("float32")
    a = metrics.AUC(num_thresholds=50, from_logits=True)
    b = metrics.AUC(num_thresholds=50)
    a.update_state(y_true, logits)
    probs = 1 / (1 + np.exp(-logits.astype(np.float64)))
    b.update_state(y_true, probs.astype("float32"))
    assert_close(a.result(), b.result(), rtol=1e-6)
    c = confusion_counts(y_true, probs, auc_thresholds(50))
    assert_close(a.result(), auc_from_counts(c), rtol=1e-5)


@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("label_weights", [None, [0.2, 1.0, 0.5]])
def test_multi_label(curve, label_weights):
    r = rng(35)
    y_true, y_pred = data(r, n=80, labels=3)
    w = r.uniform(0.2, 1.0, size=(80,))
    m = metrics.AUC(num_thresholds=50, curve=curve, multi_label=True, label_weights=label_weights)
    assert not m.built and m.variables == []
    m.update_state(y_true[:40], y_pred[:40], sample_weight=w[:40])
    m.update_state(y_true[40:], y_pred[40:], sample_weight=w[40:])
    assert tuple(m.true_positives.shape) == (50, 3)
    per_label = np.array([
        auc_from_counts(confusion_counts(y_true[:, j], y_pred[:, j].astype(np.float64),
                                         auc_thresholds(50), w), curve)
        for j in range(3)
    ])
    if label_weights is None:
        expected = per_label.mean()
    else:
        lw = np.asarray(label_weights)
        expected = (per_label * lw).sum() / lw.sum()
    assert_close(m.result(), expected, rtol=1e-5, atol=1e-6)


def test_flattened_multi_label_with_label_weights():
    r = rng(36)
    y_true, y_pred = data(r, n=40, labels=3)
    lw = np.array([0.5, 2.0, 1.0])
    m = metrics.AUC(num_thresholds=50, label_weights=lw)
    m.update_state(y_true, y_pred)
    c = confusion_counts(y_true, y_pred.astype(np.float64), auc_thresholds(50), lw[None, :])
    assert_close(m.result(), auc_from_counts(c), rtol=1e-5, atol=1e-6)
    # label weights on multi-class data go through the compared (uneven) path too
    m = metrics.AUC(thresholds=[0.2, 0.45, 0.8], label_weights=lw)
    m.update_state(y_true, y_pred)
    c = confusion_counts(y_true, y_pred.astype(np.float64), [-1e-7, 0.2, 0.45, 0.8, 1 + 1e-7],
                         lw[None, :])
    assert_close(m.result(), auc_from_counts(c), rtol=1e-5, atol=1e-6)


def test_multi_label_with_num_labels_builds_eagerly_and_validates():
    m = metrics.AUC(multi_label=True, num_labels=4, num_thresholds=10)
    assert m.built and tuple(m.true_positives.shape) == (10, 4)
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state(np.ones((2, 2, 2)), np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="PRGAIN2")
    with pytest.raises(ValueError, match="summation_method"):
        metrics.AUC(summation_method="trapezoid")


def test_config_round_trip():
    m = metrics.AUC(num_thresholds=33, curve="pr", summation_method="Minoring",
                    multi_label=True, num_labels=2, label_weights=[1.0, 3.0], from_logits=True,
                    name="my_auc")
    cfg = m.get_config()
    assert cfg == {
        "name": "my_auc", "dtype": "float32", "num_thresholds": 33, "curve": "PR",
        "summation_method": "minoring", "multi_label": True, "num_labels": 2,
        "label_weights": [1.0, 3.0], "from_logits": True,
    }
    assert metrics.AUC.from_config(cfg).get_config() == cfg
