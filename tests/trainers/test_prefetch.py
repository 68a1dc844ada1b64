"""Arrays too large for the device are sliced and converted a batch ahead on a thread."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.trainers.data_adapters import array_adapter
from cornu.trainers.epoch_iterator import EpochIterator, prefetch


@pytest.fixture
def host_arrays(monkeypatch):
    monkeypatch.setattr(array_adapter, "DEVICE_DATA_LIMIT_BYTES", 0)  # nothing "fits" on the device


def test_host_batches_come_in_order_exactly_once(host_arrays):
    ids = np.arange(53, dtype="float32").reshape(53, 1)
    it = EpochIterator(ids, ids, batch_size=8, shuffle=False)
    assert not it.adapter.on_device
    got = np.concatenate([backend.convert_to_numpy(b[0]) for _, b in it.enumerate_epoch()])
    np.testing.assert_array_equal(got, ids)
    shuffled = EpochIterator(ids, ids, batch_size=8, shuffle=True)
    seen = np.concatenate([backend.convert_to_numpy(b[0]) for _, b in shuffled.enumerate_epoch()])
    np.testing.assert_array_equal(np.sort(seen[:, 0]), ids[:, 0])


def test_fit_on_host_arrays_matches_device_arrays(host_arrays, monkeypatch):
    rng = np.random.default_rng(1)
    x, y = rng.random((40, 4)).astype("float32"), rng.random((40, 1)).astype("float32")

    def run():
        keras.utils.set_random_seed(3)
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        return model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"], model

    host_loss, host_model = run()
    monkeypatch.setattr(array_adapter, "DEVICE_DATA_LIMIT_BYTES", 1 << 30)
    device_loss, device_model = run()
    np.testing.assert_allclose(host_loss, device_loss, rtol=1e-6)
    for a, b in zip(host_model.get_weights(), device_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_prefetch_reraises_errors_and_stops_when_abandoned():
    def broken():
        yield 1
        raise RuntimeError("bad batch 2")

    with pytest.raises(RuntimeError, match="bad batch 2"):
        list(prefetch(broken()))
    produced = []

    def endless():
        i = 0
        while True:
            produced.append(i)
            yield i
            i += 1

    gen = prefetch(endless(), depth=2)
    assert [next(gen) for _ in range(3)] == [0, 1, 2]
    gen.close()
    import time
    time.sleep(0.5)
    count = len(produced)
    time.sleep(0.5)
    assert len(produced) == count  # the thread stopped


def test_host_batches_go_through_host_to_device(host_arrays, monkeypatch):
    """Host batches use the engine's asynchronous (pinned, on a GPU) transfer; values are unchanged."""
    sent = []
    real = backend.host_to_device
    monkeypatch.setattr(backend, "host_to_device", lambda x: sent.append(x.dtype) or real(x))
    x = np.arange(12, dtype="float64").reshape(6, 2)
    y = np.arange(6, dtype="int64")
    it = EpochIterator(x, y, batch_size=4, shuffle=False)
    batches = [b for _, b in it.enumerate_epoch()]
    assert len(sent) == 4  # x and y of two batches
    np.testing.assert_array_equal(backend.convert_to_numpy(batches[1][0]), x[4:].astype("float32"))
    direct = backend.convert_to_tensor(y[:4])
    assert backend.standardize_dtype(batches[0][1].dtype) == backend.standardize_dtype(direct.dtype)
    np.testing.assert_array_equal(backend.convert_to_numpy(batches[0][1]), y[:4])


def test_host_to_device_equals_convert_to_tensor():
    for value in (np.arange(6, dtype="int64").reshape(2, 3), np.ones((2, 2), "float32"),
                  np.array([True, False])):
        a, b = backend.host_to_device(value), backend.convert_to_tensor(value)
        assert a.shape == b.shape and str(a.dtype) == str(b.dtype)
        assert str(getattr(a, "device", "")) == str(getattr(b, "device", ""))
        np.testing.assert_array_equal(backend.convert_to_numpy(a), value)


@pytest.mark.parametrize("rows", [slice(0, 4), slice(4, 7), np.array([5, 0, 2, 2])], ids=["slice", "tail", "gather"])
def test_take_rows_cuts_every_array_alike(rows):
    rng = np.random.default_rng(0)
    arrays = [rng.random((7, 3)).astype("float32"), np.arange(7, dtype="int32"),
              rng.random((7, 2, 2)).astype("float32")]
    got = backend.take_rows([backend.convert_to_tensor(a) for a in arrays], rows)
    assert len(got) == 3
    for g, a in zip(got, arrays):
        np.testing.assert_array_equal(backend.convert_to_numpy(g), a[rows])
        assert backend.standardize_dtype(g.dtype) == str(a.dtype)
    assert backend.take_rows([], rows) == []


def test_device_batches_keep_structure_and_none_parts():
    x = {"b": np.arange(5, dtype="int32"), "a": np.arange(10, dtype="float32").reshape(5, 2)}  # unsorted keys
    y = np.arange(5, dtype="float32")
    it = EpochIterator(x, y, batch_size=2, shuffle=True)
    assert it.adapter.on_device
    seen = []
    for _, (bx, by, bsw) in it.enumerate_epoch():
        assert bsw is None and set(bx) == {"a", "b"}
        b = backend.convert_to_numpy(bx["b"])
        np.testing.assert_array_equal(backend.convert_to_numpy(bx["a"]), x["a"][b])
        np.testing.assert_array_equal(backend.convert_to_numpy(by), y[b])
        seen.extend(b.tolist())
    assert sorted(seen) == list(range(5))
