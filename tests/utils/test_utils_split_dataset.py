"""keras.utils.split_dataset: Keras's size rules, errors and seeded shuffle (fixture made with real
Keras 3.15.1 by fixtures/make_split_dataset_fixture.py), the input kinds, and use by fit."""
import json
import pathlib
import re

import numpy as np
import pytest

import cornu
from cornu import utils
from cornu.utils.dataset_split import SplitDataset, rescale_split_sizes

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "split_dataset_keras.json").read_text())


def _words(message):
    return re.sub(r"[^a-z0-9]+", " ", message.lower()).split()


@pytest.mark.parametrize("case", FIXTURE["sizes"], ids=lambda c: str(c["args"]))
def test_size_rules_match_keras(case):
    left, right, n = case["args"]
    if "result" in case:
        assert list(rescale_split_sizes(left, right, n)) == case["result"]
        x = np.arange(n)
        a, b = utils.split_dataset(x, left_size=left, right_size=right)
        assert (a.num_samples, b.num_samples) == tuple(case["result"])
        np.testing.assert_array_equal(a.data, x[:case["result"][0]])
        np.testing.assert_array_equal(b.data, x[n - case["result"][1]:])
    else:
        error = {"ValueError": ValueError, "TypeError": TypeError}[case["error"]]
        with pytest.raises(error) as info:
            rescale_split_sizes(left, right, n)
        # Same opening words as Keras's message (Keras glues some sentences without spaces).
        assert _words(str(info.value))[:6] == _words(case["message"])[:6]


@pytest.mark.parametrize("case", FIXTURE["shuffles"], ids=lambda c: str(c["seed"]))
def test_seeded_shuffle_picks_the_same_samples_as_keras(case):
    x = np.arange(case["n"])
    y = x * 10.0
    left, right = utils.split_dataset((x, y), left_size=case["left_size"], right_size=case["right_size"],
                                      shuffle=True, seed=case["seed"])
    np.testing.assert_array_equal(left.data[0], case["left"])
    np.testing.assert_array_equal(right.data[0], case["right"])
    np.testing.assert_array_equal(left.data[1], np.asarray(case["left"]) * 10.0)


def test_missing_sizes_and_bad_inputs_raise_clear_errors():
    x = np.zeros((5, 2))
    with pytest.raises(ValueError, match="At least one of the `left_size` or `right_size`"):
        utils.split_dataset(x)
    with pytest.raises(TypeError, match="left_size"):
        utils.split_dataset(x, left_size=True)
    with pytest.raises(ValueError, match="different lengths"):
        utils.split_dataset((np.zeros(5), np.zeros(4)), left_size=2)
    with pytest.raises(ValueError, match="numpy.ndarray"):
        utils.split_dataset([np.zeros(3), [1, 2, 3]], left_size=2)
    with pytest.raises(ValueError, match="empty"):
        utils.split_dataset((), left_size=2)
    with pytest.raises(TypeError, match="dataset"):
        utils.split_dataset(42, left_size=2)
    with pytest.raises(ValueError, match="preferred_backend"):
        utils.split_dataset(x, left_size=2, preferred_backend="mxnet")


def test_numpy_integer_sizes_are_accepted():
    a, b = utils.split_dataset(np.arange(6), left_size=np.int64(4))
    assert (a.num_samples, b.num_samples) == (4, 2)


def test_structures_keep_their_shape_and_lists_become_tuples():
    x = {"a": np.arange(8.0).reshape(8, 1), "b": np.arange(8)}
    y = np.arange(8) % 2
    left, right = utils.split_dataset((x, y), right_size=0.25)
    assert isinstance(left.data, tuple) and set(left.data[0]) == {"a", "b"}
    np.testing.assert_array_equal(right.data[0]["b"], [6, 7])
    np.testing.assert_array_equal(right.data[1], [0, 1])
    left, _ = utils.split_dataset([np.arange(4), np.arange(4) * 2], left_size=2)
    assert isinstance(left.data, tuple)
    sample = left.unbatch()[1]
    assert isinstance(sample, tuple) and (int(sample[0]), int(sample[1])) == (1, 2)
    only, _ = utils.split_dataset({"f": np.arange(4)}, left_size=0.5)
    np.testing.assert_array_equal(only[0]["f"], [0, 1])


def test_batching_methods():
    left, _ = utils.split_dataset(np.arange(100), left_size=70)
    assert left.batch_size == 32 and len(left) == 3 and left.cardinality() == 3
    np.testing.assert_array_equal(left[2], np.arange(64, 70))
    b = left.batch(20)
    assert len(b) == 4 and [len(v) for v in b] == [20, 20, 20, 10]
    assert len(left.batch(20, drop_remainder=True)) == 3
    u = left.unbatch()
    assert len(u) == 70 and int(u[-1]) == 69
    s = left.shuffle(100, seed=3).batch(70)
    assert sorted(s[0].tolist()) == list(range(70)) and s[0].tolist() != list(range(70))
    assert left.prefetch(2) is left and left.cache() is left
    with pytest.raises(IndexError):
        left[3]
    with pytest.raises(ValueError, match="batch_size"):
        left.batch(0)


class _Batches(utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


def test_pydataset_input_is_unbatched_split_and_rebatched():
    x, y = np.arange(50.0).reshape(25, 2), np.arange(25)
    left, right = utils.split_dataset(_Batches(x, y, 4), left_size=0.6)
    assert left.batch_size == 4 and left.num_samples == 15 and right.num_samples == 10
    np.testing.assert_array_equal(right.data[0], x[15:])
    np.testing.assert_array_equal(left[3][1], y[12:15])


def test_splits_train_directly_with_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5], "float32"))[:, None]
    train, val = utils.split_dataset((x, y), left_size=0.75, shuffle=True, seed=0)
    assert isinstance(train, SplitDataset)
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(1)])
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    history = model.fit(train, validation_data=val, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(val, verbose=0).shape == (16, 1)
