"""Accuracy metrics and functions against NumPy, shapes as in Keras 3."""
import numpy as np
import pytest

from cornu import metrics
from metrics_helpers import assert_close, rng, to_np, weighted_mean


def test_keras_doc_examples():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert_close(m.result(), 0.75)
    m.reset_state()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert_close(m.result(), 0.5)

    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert_close(m.result(), 0.75)
    m.reset_state()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert_close(m.result(), 0.5)

    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert_close(m.result(), 0.5)
    m.reset_state()
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
                   sample_weight=[0.7, 0.3])
    assert_close(m.result(), 0.3)

    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert_close(m.result(), 0.5)
    m.reset_state()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert_close(m.result(), 0.3)

    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
                   sample_weight=[0.7, 0.3])
    assert_close(m.result(), 0.3)

    m = metrics.SparseTopKCategoricalAccuracy(k=1)
    m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert_close(m.result(), 0.5)
    m = metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    m.update_state([2, 1], [[1, 0, 3], [1, 2, 3]])
    assert_close(m.result(), 0.5)


@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.0])
@pytest.mark.parametrize("label_shape", [(8,), (8, 1)])
def test_binary_accuracy_vs_numpy(threshold, label_shape):
    r = rng(3)
    m = metrics.BinaryAccuracy(threshold=threshold)
    hits, weights = [], []
    for _ in range(3):
        y_true = r.integers(0, 2, size=label_shape).astype("float32")
        y_pred = r.uniform(-1, 1, size=(8, 1)).astype("float32")
        w = r.uniform(size=(8,)).astype("float32")
        m.update_state(y_true, y_pred, sample_weight=w)
        hits.append((y_true.reshape(-1) == (y_pred.reshape(-1) > threshold)).astype(float))
        weights.append(w)
        fn = to_np(metrics.binary_accuracy(y_true, y_pred, threshold=threshold))
        assert fn.shape == (8, 1)  # labels (8,) are expanded to the predictions' rank
    assert_close(m.result(), weighted_mean(np.concatenate(hits), np.concatenate(weights)))


def test_binary_accuracy_multi_output_rows():
    r = rng(4)
    y_true = r.integers(0, 2, size=(6, 4))
    y_pred = r.uniform(size=(6, 4))
    m = metrics.BinaryAccuracy()
    m.update_state(y_true, y_pred)
    assert_close(m.result(), np.mean(y_true == (y_pred > 0.5)))


@pytest.mark.parametrize("label_shape", ["flat", "column", "sequence"])
def test_sparse_categorical_accuracy_shapes(label_shape):
    r = rng(5)
    if label_shape == "sequence":
        y_pred = r.normal(size=(4, 3, 5)).astype("float32")
        y_true = r.integers(0, 5, size=(4, 3))
    else:
        y_pred = r.normal(size=(7, 5)).astype("float32")
        y_true = r.integers(0, 5, size=(7,) if label_shape == "flat" else (7, 1))
    expected = (np.argmax(y_pred, -1) == y_true.reshape(y_pred.shape[:-1])).astype(float)
    values = to_np(metrics.sparse_categorical_accuracy(y_true, y_pred))
    np.testing.assert_array_equal(values, expected)  # (n, 1) labels give (n,) values
    m = metrics.SparseCategoricalAccuracy()
    w = r.uniform(size=y_pred.shape[:1])
    m.update_state(y_true, y_pred, sample_weight=w)
    assert_close(m.result(), weighted_mean(expected, w))


def test_categorical_accuracy_vs_numpy_with_sequences():
    r = rng(6)
    m = metrics.CategoricalAccuracy()
    hits, weights = [], []
    for _ in range(2):
        labels = r.integers(0, 4, size=(5, 3))
        y_true = np.eye(4)[labels]
        y_pred = r.normal(size=(5, 3, 4))
        w = r.uniform(size=(5, 3))
        m.update_state(y_true, y_pred, sample_weight=w)
        hits.append((labels == np.argmax(y_pred, -1)).reshape(-1))
        weights.append(w.reshape(-1))
        assert to_np(metrics.categorical_accuracy(y_true, y_pred)).shape == (5, 3)
    hits, weights = np.concatenate(hits), np.concatenate(weights)
    # per-timestep weights: sum of weighted means over rows / sum of row-mean weights
    per_row_num = (hits * weights).reshape(-1, 3).mean(1)
    per_row_den = weights.reshape(-1, 3).mean(1)
    assert_close(m.result(), per_row_num.sum() / per_row_den.sum())


def numpy_in_top_k(labels, scores, k):
    target = scores[np.arange(len(labels)), labels]
    return (np.sum(scores > target[:, None], axis=1) < k).astype(float)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_accuracy_vs_numpy_including_ties(k):
    r = rng(7)
    scores = r.integers(0, 4, size=(12, 5)).astype("float32")  # many ties
    labels = r.integers(0, 5, size=(12,))
    expected = numpy_in_top_k(labels, scores, k)
    np.testing.assert_array_equal(
        to_np(metrics.sparse_top_k_categorical_accuracy(labels, scores, k=k)), expected)
    np.testing.assert_array_equal(
        to_np(metrics.top_k_categorical_accuracy(np.eye(5)[labels], scores, k=k)), expected)
    col = to_np(metrics.sparse_top_k_categorical_accuracy(labels[:, None], scores, k=k))
    assert col.shape == (12, 1)
    np.testing.assert_array_equal(col[:, 0], expected)
    w = r.uniform(size=(12,))
    for m, y in ((metrics.SparseTopKCategoricalAccuracy(k=k), labels),
                 (metrics.TopKCategoricalAccuracy(k=k), np.eye(5)[labels])):
        m.update_state(y[:6], scores[:6], sample_weight=w[:6])
        m.update_state(y[6:], scores[6:], sample_weight=w[6:])
        assert_close(m.result(), weighted_mean(expected, w))


def test_top_k_accuracy_sequence_inputs():
    r = rng(8)
    scores = r.normal(size=(3, 4, 6))
    labels = r.integers(0, 6, size=(3, 4))
    out = to_np(metrics.sparse_top_k_categorical_accuracy(labels, scores, k=2))
    assert out.shape == (3, 4)
    np.testing.assert_array_equal(
        out.reshape(-1), numpy_in_top_k(labels.reshape(-1), scores.reshape(-1, 6), 2))


def test_sparse_top_k_from_sorted_ids():
    r = rng(9)
    ids = np.stack([r.permutation(20)[:6] for _ in range(10)])
    labels = r.integers(0, 20, size=(10,))
    labels[:4] = ids[:4, 1]  # some hits at rank 2
    for k in (1, 2, 6):
        expected = np.array([lab in row[:k] for lab, row in zip(labels, ids)], dtype=float)
        np.testing.assert_array_equal(
            to_np(metrics.sparse_top_k_categorical_accuracy(labels, ids, k=k,
                                                            from_sorted_ids=True)), expected)
        m = metrics.SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True)
        m.update_state(labels, ids)
        assert_close(m.result(), expected.mean())


def test_accuracy_exact_match_and_configs():
    m = metrics.Accuracy()
    m.update_state([1, 2, 3, 4], [1, 0, 3, 3])
    m.update_state([[5], [6]], [[5], [6]])
    assert_close(m.result(), 4 / 6)
    assert metrics.BinaryAccuracy(threshold=0.3).get_config() == {
        "name": "binary_accuracy", "dtype": "float32", "threshold": 0.3}
    assert metrics.TopKCategoricalAccuracy(k=3).get_config()["k"] == 3
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()
    cfg = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True).get_config()
    assert cfg["from_sorted_ids"] is True
    clone = metrics.SparseTopKCategoricalAccuracy.from_config(cfg)
    assert clone.k == 2 and clone.from_sorted_ids
