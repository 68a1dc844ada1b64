"""F1 / F-beta scores and IoU metrics vs NumPy."""
import numpy as np
import pytest

from cornu import metrics
from metrics_helpers import EPS, assert_close, rng


def np_fbeta(y_true, y_pred, w, average, beta, threshold):
    if threshold is None:
        pred = (y_pred >= y_pred.max(-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
    else:
        pred = y_pred > threshold
    pred = pred.astype(float)
    w = np.ones(len(y_true)) if w is None else w
    axis = None if average == "micro" else 0
    ww = w[:, None]
    tp = np.sum(pred * y_true * ww, axis=axis)
    fp = np.sum(pred * (1 - y_true) * ww, axis=axis)
    fn = np.sum((1 - pred) * y_true * ww, axis=axis)
    support = np.sum(y_true * ww, axis=axis)
    precision = tp / (tp + fp + EPS)
    recall = tp / (tp + fn + EPS)
    b2 = beta ** 2
    score = (1 + b2) * precision * recall / (b2 * precision + recall + EPS)
    if average == "weighted":
        return np.sum(score * support / (np.sum(support) + EPS))
    if average in ("micro", "macro"):
        return np.mean(score)
    return score


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_f1_score_vs_numpy(average, threshold):
    r = rng(41)
    y_true = r.integers(0, 2, size=(16, 4)).astype(float)
    y_pred = r.uniform(size=(16, 4))
    w = r.uniform(0.2, 1.0, size=(16,))
    m = metrics.F1Score(average=average, threshold=threshold)
    m.update_state(y_true[:8], y_pred[:8], sample_weight=w[:8])
    m.update_state(y_true[8:], y_pred[8:], sample_weight=w[8:])
    assert_close(m.result(), np_fbeta(y_true, y_pred, w, average, 1.0, threshold), rtol=1e-5)
    m.reset_state()
    m.update_state(y_true, y_pred)
    assert_close(m.result(), np_fbeta(y_true, y_pred, None, average, 1.0, threshold), rtol=1e-5)


@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_fbeta_vs_numpy_and_keras_examples(beta):
    r = rng(42)
    y_true = r.integers(0, 2, size=(10, 3)).astype(float)
    y_pred = r.uniform(size=(10, 3))
    m = metrics.FBetaScore(average="macro", beta=beta, threshold=0.5)
    m.update_state(y_true, y_pred)
    assert_close(m.result(), np_fbeta(y_true, y_pred, None, "macro", beta, 0.5), rtol=1e-5)

    y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.int32)
    y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)
    m = metrics.FBetaScore(beta=2.0, threshold=0.5)
    m.update_state(y_true, y_pred)
    assert_close(m.result(), [0.3846154, 0.90909094, 0.8333334], rtol=1e-5)
    m = metrics.F1Score(threshold=0.5)
    m.update_state(y_true, y_pred)
    assert_close(m.result(), [0.5, 0.8, 0.6666667], rtol=1e-5)


def test_fscore_build_config_and_validation():
    m = metrics.F1Score(average="macro")
    assert not m.built and m.variables == []
    m.build((None, 5), (None, 5))
    assert m.built and [tuple(v.shape) for v in m.variables] == [(5,)] * 4
    micro = metrics.F1Score(average="micro")
    assert [tuple(v.shape) for v in micro.variables] == [()] * 4  # created up front
    cfg = metrics.F1Score(average="weighted", threshold=0.3).get_config()
    assert cfg == {"name": "f1_score", "dtype": "float32", "average": "weighted",
                   "threshold": 0.3}
    assert metrics.F1Score.from_config(cfg).get_config() == cfg
    assert metrics.FBetaScore(beta=2.0).get_config()["beta"] == 2.0
    with pytest.raises(ValueError, match="average"):
        metrics.F1Score(average="samples")
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="threshold"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match="2D"):
        metrics.F1Score().update_state(np.ones((4,)), np.ones((4,)))


def np_iou(cm, target_ids):
    tp = np.diag(cm)
    denom = cm.sum(0) + cm.sum(1) - tp
    tp, denom = tp[target_ids], denom[target_ids]
    valid = np.sum(denom > 1e-9)
    return np.sum(tp / (denom + EPS)) / (valid + EPS)


def np_cm(y_true, y_pred, n, w=None):
    cm = np.zeros((n, n))
    w = np.ones(len(y_true)) if w is None else w
    for t, p, wi in zip(y_true, y_pred, w):
        cm[int(t), int(p)] += wi
    return cm


def test_iou_and_mean_iou_vs_numpy():
    r = rng(43)
    y_true = r.integers(0, 4, size=(5, 6))
    y_pred = r.integers(0, 4, size=(5, 6))
    w = r.uniform(size=(5, 6))
    cm = np_cm(y_true.reshape(-1), y_pred.reshape(-1), 4, w.reshape(-1))
    m = metrics.IoU(num_classes=4, target_class_ids=[0, 2])
    m.update_state(y_true[:2], y_pred[:2], sample_weight=w[:2])
    m.update_state(y_true[2:], y_pred[2:], sample_weight=w[2:])
    assert_close(m.total_cm, cm, rtol=1e-5)
    assert_close(m.result(), np_iou(cm, [0, 2]), rtol=1e-5)
    mm = metrics.MeanIoU(num_classes=4)
    mm.update_state(y_true, y_pred, sample_weight=w)
    assert_close(mm.result(), np_iou(cm, [0, 1, 2, 3]), rtol=1e-5)
    # a class that never occurs is left out of the mean
    mm = metrics.MeanIoU(num_classes=5)
    mm.update_state(y_true, y_pred)
    cm5 = np_cm(y_true.reshape(-1), y_pred.reshape(-1), 5)
    assert_close(mm.result(), np_iou(cm5, list(range(5))), rtol=1e-5)


def test_iou_keras_examples_ignore_class_and_one_hot():
    m = metrics.IoU(num_classes=2, target_class_ids=[0])
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert_close(m.result(), 1 / 3, rtol=1e-5)
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert_close(m.result(), 0.23809525, rtol=1e-5)
    m = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    assert_close(m.result(), 0.17361112, rtol=1e-5)

    y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    sw = [0.1, 0.2, 0.3, 0.4]
    m = metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    m.update_state(y_true, y_pred, sample_weight=sw)
    assert_close(m.result(), (0 / 0.9 + 0.1 / 0.7) / 2, rtol=1e-5)
    m = metrics.OneHotMeanIoU(num_classes=3)
    m.update_state(y_true, y_pred, sample_weight=sw)
    assert_close(m.result(), (0.1 / 0.7) / 3, rtol=1e-4)

    # ignore_class: entries labelled 2 do not count at all
    labels = np.array([0, 1, 2, 2, 1, 0])
    preds = np.array([0, 1, 1, 0, 0, 0])
    m = metrics.MeanIoU(num_classes=3, ignore_class=2)
    m.update_state(labels, preds)
    keep = labels != 2
    cm = np_cm(labels[keep], preds[keep], 3)
    assert_close(m.result(), np_iou(cm, [0, 1, 2]), rtol=1e-5)


def test_iou_configs_and_validation():
    for m in (metrics.IoU(3, [1], ignore_class=0), metrics.MeanIoU(3, sparse_y_pred=False),
              metrics.BinaryIoU([1], threshold=0.7), metrics.OneHotIoU(3, [0, 2]),
              metrics.OneHotMeanIoU(4)):
        cfg = m.get_config()
        assert type(m).from_config(cfg).get_config() == cfg
    with pytest.raises(ValueError, match="out of range"):
        metrics.IoU(num_classes=2, target_class_ids=[2])
