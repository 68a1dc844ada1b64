import json
import random

import numpy as np
import pytest

from cornu.preprocessing.sequence import (
    TimeseriesGenerator,
    make_sampling_table,
    pad_sequences,
    skipgrams,
)

SEQS = [[1], [2, 3], [4, 5, 6]]


def test_pad_defaults():
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])


def test_pad_value_padding_truncating():
    np.testing.assert_array_equal(pad_sequences(SEQS, value=-1), [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQS, padding="post"), [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=2), [[0, 1], [2, 3], [5, 6]])
    np.testing.assert_array_equal(
        pad_sequences(SEQS, maxlen=2, truncating="post", padding="post"), [[1, 0], [2, 3], [4, 5]]
    )
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=4), [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 5, 6]])


def test_pad_empty_and_arrays_and_float():
    out = pad_sequences([[], np.array([1.5, 2.5])], dtype="float32")
    np.testing.assert_array_equal(out, [[0, 0], [1.5, 2.5]])
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_pad_multidimensional_elements():
    seqs = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    out = pad_sequences(seqs, dtype="float32")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1], [[0, 0, 0], [2, 2, 2]])
    with pytest.raises(ValueError, match="Shape of sample \\(4,\\) of sequence at position 1"):
        pad_sequences([np.ones((2, 3)), np.ones((1, 4))])


def test_pad_strings():
    out = pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["<pad>", "a"], ["b", "c"]]
    out = pad_sequences([["a"], ["bb", "c"]], dtype="<U3", value="-")
    assert out.tolist() == [["-", "a"], ["bb", "c"]]
    with pytest.raises(ValueError, match="`dtype` int32 is not compatible with `value`'s type"):
        pad_sequences([["a"]], value="x")


def test_pad_errors():
    with pytest.raises(ValueError, match='Truncating type "middle" not understood'):
        pad_sequences(SEQS, maxlen=1, truncating="middle")
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="must be a list of iterables. Found non-iterable: 3"):
        pad_sequences([[1], 3])
    with pytest.raises(ValueError, match="must be iterable"):
        pad_sequences(5)


def test_make_sampling_table():
    table = make_sampling_table(5, sampling_factor=1e-5)
    rank = np.array([1, 1, 2, 3, 4], dtype=float)
    f = 1e-5 * (rank * (np.log(rank) + 0.577) + 0.5 - 1.0 / (12.0 * rank))
    np.testing.assert_allclose(table, np.minimum(1.0, f / np.sqrt(f)))
    assert table.shape == (5,) and (table <= 1).all()


def test_skipgrams_positive_pairs_exact():
    couples, labels = skipgrams([1, 2, 0, 3], vocabulary_size=4, window_size=1,
                                negative_samples=0.0, shuffle=False)
    assert couples == [[1, 2], [2, 1]]
    assert labels == [1, 1]
    couples, labels = skipgrams([1, 2, 3], 4, window_size=2, negative_samples=0, shuffle=False,
                                categorical=True)
    assert couples == [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]
    assert labels == [[0, 1]] * 6


def test_skipgrams_negative_and_shuffle():
    random.seed(0)
    couples, labels = skipgrams(list(range(1, 20)), vocabulary_size=20, window_size=2, seed=42)
    assert len(couples) == len(labels)
    assert labels.count(1) == labels.count(0)
    positives = {tuple(c) for c, lab in zip(couples, labels) if lab == 1}
    assert all(abs(a - b) <= 2 for a, b in positives)
    assert all(1 <= c[1] < 20 for c in couples)
    # The same seeds give the same result (Python's random module, as Keras).
    random.seed(0)
    again = skipgrams(list(range(1, 20)), vocabulary_size=20, window_size=2, seed=42)
    assert again == (couples, labels)


def test_skipgrams_sampling_table_drops_words():
    table = np.zeros(10)
    couples, labels = skipgrams([1, 2, 3], 10, sampling_table=table, shuffle=False)
    assert couples == [] and labels == []


def test_timeseries_generator_keras_example():
    data = np.array([[i] for i in range(50)])
    targets = np.array([[i] for i in range(50)])
    gen = TimeseriesGenerator(data, targets, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 20
    x, y = gen[0]
    np.testing.assert_array_equal(x, [[[0], [2], [4], [6], [8]], [[1], [3], [5], [7], [9]]])
    np.testing.assert_array_equal(y, [[10], [11]])
    x, y = gen[-1]
    np.testing.assert_array_equal(y, [[48], [49]])
    with pytest.raises(IndexError):
        gen[20]
    assert sum(1 for _ in gen) == 20


def test_timeseries_generator_options():
    data = np.arange(20)
    gen = TimeseriesGenerator(data, data, length=3, stride=2, start_index=1, end_index=15,
                              reverse=True, batch_size=3)
    # rows 4, 6, 8 | 10, 12, 14
    assert len(gen) == 2
    x, y = gen[1]
    np.testing.assert_array_equal(y, [10, 12, 14])
    np.testing.assert_array_equal(x[0], [9, 8, 7])
    np.random.seed(0)
    shuffled = TimeseriesGenerator(data, data, length=3, shuffle=True, batch_size=5)
    x, y = shuffled[0]
    assert x.shape == (5, 3)
    np.testing.assert_array_equal(x[:, -1] + 1, y)


def test_timeseries_generator_errors_and_config():
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(np.arange(5), np.arange(4), length=2)
    with pytest.raises(ValueError, match="start_index\\+length=6 > end_index=4"):
        TimeseriesGenerator(np.arange(5), np.arange(5), length=6)
    gen = TimeseriesGenerator(np.arange(6), np.arange(6), length=2, batch_size=2)
    config = json.loads(gen.to_json())
    assert config["class_name"] == "TimeseriesGenerator"
    assert json.loads(config["config"]["data"]) == [0, 1, 2, 3, 4, 5]
    assert config["config"]["start_index"] == 2 and config["config"]["end_index"] == 5
