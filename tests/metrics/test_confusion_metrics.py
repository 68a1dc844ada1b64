"""TP/FP/TN/FN, Precision, Recall and the "X at Y" metrics vs brute-force NumPy."""
import numpy as np
import pytest

from cornu import metrics
from metrics_helpers import assert_close, confusion_counts, rng, safe_div

UNEVEN = [0.15, 0.5, 0.85]
EVEN = [0.0, 0.25, 0.5, 0.75, 1.0]  # takes the bucketed path


def batches(r, n_batches=3, shape=(10,)):
    for _ in range(n_batches):
        y_true = r.integers(0, 2, size=shape)
        y_pred = np.round(r.uniform(size=shape), 3)  # include values on threshold grid
        w = r.uniform(0.1, 2.0, size=shape[:1])
        yield y_true, y_pred, w


@pytest.mark.parametrize("thresholds", [None, 0.3, UNEVEN, EVEN])
@pytest.mark.parametrize("weighted", [False, True])
def test_condition_counts(thresholds, weighted):
    r = rng(21)
    ms = {"tp": metrics.TruePositives(thresholds), "fp": metrics.FalsePositives(thresholds),
          "tn": metrics.TrueNegatives(thresholds), "fn": metrics.FalseNegatives(thresholds)}
    t_list = [0.5] if thresholds is None else np.atleast_1d(thresholds).tolist()
    total = {k: 0.0 for k in ms}
    for y_true, y_pred, w in batches(r):
        w = w if weighted else None
        for m in ms.values():
            m.update_state(y_true, y_pred, sample_weight=w)
        ref = confusion_counts(y_true, y_pred, t_list, w)
        total = {k: total[k] + ref[k] for k in ms}
    for key, m in ms.items():
        expected = total[key][0] if len(t_list) == 1 else total[key]
        assert_close(m.result(), expected, rtol=1e-5)
        assert m.get_config()["thresholds"] == thresholds
        m.reset_state()
        assert_close(m.result(), np.zeros_like(expected))


def test_keras_doc_examples():
    m = metrics.FalsePositives()
    m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    assert_close(m.result(), 2.0)
    m = metrics.TruePositives()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert_close(m.result(), 1.0)
    m = metrics.Precision()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert_close(m.result(), 2 / 3)
    m = metrics.Precision(top_k=2)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert_close(m.result(), 0.0)
    m = metrics.Precision(top_k=4)
    m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert_close(m.result(), 0.5)
    m = metrics.Recall()
    m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    assert_close(m.result(), 2 / 3)
    m = metrics.SensitivityAtSpecificity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert_close(m.result(), 0.5)
    m.reset_state()
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 1])
    assert_close(m.result(), 1 / 3, rtol=1e-5)
    m = metrics.SpecificityAtSensitivity(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert_close(m.result(), 2 / 3, rtol=1e-5)
    m = metrics.PrecisionAtRecall(0.5)
    m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[2, 2, 2, 1, 1])
    assert_close(m.result(), 1 / 3, rtol=1e-5)
    m = metrics.RecallAtPrecision(0.8)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert_close(m.result(), 0.5)
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert_close(m.result(), 1.0)


@pytest.mark.parametrize("thresholds", [None, UNEVEN, EVEN])
def test_precision_recall_thresholds_multi_dim(thresholds):
    r = rng(22)
    p, rc = metrics.Precision(thresholds=thresholds), metrics.Recall(thresholds=thresholds)
    t_list = [0.5] if thresholds is None else thresholds
    tot = {k: 0.0 for k in ("tp", "fp", "tn", "fn")}
    for y_true, y_pred, w in batches(r, shape=(6, 3)):
        p.update_state(y_true, y_pred, sample_weight=w)
        rc.update_state(y_true, y_pred, sample_weight=w)
        c = confusion_counts(y_true, y_pred, t_list, w[:, None])
        tot = {k: tot[k] + c[k] for k in tot}
    exp_p = safe_div(tot["tp"], tot["tp"] + tot["fp"])
    exp_r = safe_div(tot["tp"], tot["tp"] + tot["fn"])
    if thresholds is None:
        exp_p, exp_r = exp_p[0], exp_r[0]
    assert_close(p.result(), exp_p, rtol=1e-5)
    assert_close(rc.result(), exp_r, rtol=1e-5)


def np_top_k_mask(y_pred, k):
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    mask = np.zeros_like(y_pred, dtype=bool)
    np.put_along_axis(mask, order, True, axis=-1)
    return mask


@pytest.mark.parametrize("top_k, class_id, thresholds", [
    (2, None, None), (1, None, None), (None, 1, None), (None, 2, [0.3, 0.6]),
    (2, 0, None), (3, None, 0.4), (2, 1, [0.2, 0.7]),
])
def test_precision_recall_top_k_and_class_id(top_k, class_id, thresholds):
    r = rng(23)
    y_true = r.integers(0, 2, size=(10, 4))
    y_pred = r.uniform(size=(10, 4))
    y_pred[0, :2] = y_pred[0, 2]  # ties at the top-k boundary: lower indices win
    w = r.uniform(0.1, 1.0, size=(10,))
    p = metrics.Precision(thresholds=thresholds, top_k=top_k, class_id=class_id)
    rc = metrics.Recall(thresholds=thresholds, top_k=top_k, class_id=class_id)
    for half in (slice(0, 5), slice(5, 10)):
        p.update_state(y_true[half], y_pred[half], sample_weight=w[half])
        rc.update_state(y_true[half], y_pred[half], sample_weight=w[half])

    pred = y_pred.copy()
    if top_k is not None:
        pred = np.where(np_top_k_mask(pred, top_k), pred, -1e10)
    labels, weights = y_true, np.broadcast_to(w[:, None], y_true.shape)
    if class_id is not None:
        pred, labels, weights = pred[:, class_id], labels[:, class_id], weights[:, class_id]
    if thresholds is None:
        t_list = [0.5] if top_k is None else [-1e10]
    else:
        t_list = np.atleast_1d(thresholds).tolist()
    c = confusion_counts(labels, pred, t_list, weights)
    exp_p = safe_div(c["tp"], c["tp"] + c["fp"])
    exp_r = safe_div(c["tp"], c["tp"] + c["fn"])
    if len(t_list) == 1:
        exp_p, exp_r = exp_p[0], exp_r[0]
    assert_close(p.result(), exp_p, rtol=1e-5)
    assert_close(rc.result(), exp_r, rtol=1e-5)
    cfg = p.get_config()
    assert (cfg["top_k"], cfg["class_id"], cfg["thresholds"]) == (top_k, class_id, thresholds)
    assert metrics.Precision.from_config(cfg).get_config() == cfg


def test_precision_recall_need_2d_for_class_id_and_valid_thresholds():
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=1).update_state([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Recall(thresholds=[0.5, 1.5])


def np_at(c, kind, value):
    tp, fp, tn, fn = c["tp"], c["fp"], c["tn"], c["fn"]
    sens = safe_div(tp, tp + fn)
    spec = safe_div(tn, tn + fp)
    prec = safe_div(tp, tp + fp)
    constrained, dependent = {
        "sens_at_spec": (spec, sens), "spec_at_sens": (sens, spec),
        "prec_at_rec": (sens, prec), "rec_at_prec": (prec, sens),
    }[kind]
    feasible = constrained >= value
    return dependent[feasible].max() if feasible.any() else 0.0


_AT_CLASSES = {
    "sens_at_spec": metrics.SensitivityAtSpecificity,
    "spec_at_sens": metrics.SpecificityAtSensitivity,
    "prec_at_rec": metrics.PrecisionAtRecall,
    "rec_at_prec": metrics.RecallAtPrecision,
}


@pytest.mark.parametrize("kind", sorted(_AT_CLASSES))
@pytest.mark.parametrize("num_thresholds, value", [(7, 0.3), (200, 0.8), (200, 0.3)])
def test_at_value_metrics_vs_numpy(kind, num_thresholds, value):
    cls = _AT_CLASSES[kind]
    r = rng(24)
    m = cls(value, num_thresholds=num_thresholds)
    t_list = [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]
    tot = None
    for _ in range(2):
        y_true = r.integers(0, 2, size=(30,))
        y_pred = np.clip(0.5 * y_true + r.normal(0.25, 0.3, size=30), 0.0, 1.0)
        w = r.uniform(0.2, 1.0, size=30)
        m.update_state(y_true, y_pred, sample_weight=w)
        c = confusion_counts(y_true, y_pred, t_list, w)
        tot = c if tot is None else {k: tot[k] + c[k] for k in c}
    assert_close(m.result(), np_at(tot, kind, value), rtol=1e-5, atol=1e-6)
    cfg = m.get_config()
    assert cfg["num_thresholds"] == num_thresholds
    assert type(m).from_config(cfg).get_config() == cfg


def test_at_value_metrics_single_threshold():
    r = rng(26)
    y_true = r.integers(0, 2, size=(30,))
    y_pred = r.uniform(size=(30,))
    c = confusion_counts(y_true, y_pred, [0.5])
    for kind, cls in _AT_CLASSES.items():
        m = cls(0.3, num_thresholds=1)
        m.update_state(y_true, y_pred)
        assert_close(m.result(), np_at(c, kind, 0.3), rtol=1e-5)


def test_at_value_metrics_class_id_and_validation():
    r = rng(25)
    y_true = r.integers(0, 2, size=(20, 3))
    y_pred = r.uniform(size=(20, 3))
    m = metrics.SensitivityAtSpecificity(0.6, num_thresholds=11, class_id=2)
    m.update_state(y_true, y_pred)
    t_list = [0.0] + [(i + 1) / 10 for i in range(9)] + [1.0]
    c = confusion_counts(y_true[:, 2], y_pred[:, 2], t_list)
    assert_close(m.result(), np_at(c, "sens_at_spec", 0.6), rtol=1e-5)
    for cls in (metrics.SensitivityAtSpecificity, metrics.SpecificityAtSensitivity,
                metrics.PrecisionAtRecall, metrics.RecallAtPrecision):
        with pytest.raises(ValueError, match="range"):
            cls(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.PrecisionAtRecall(0.5, num_thresholds=0)
