"""A crash in the middle of `save` leaves the previous file intact (writes are atomic)."""
import os

import h5py
import numpy as np
import pytest

import cornu as keras
from cornu import layers


def _model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((2, 3), "float32"), np.ones((2, 1), "float32"), verbose=0)  # builds the optimizer
    return model


@pytest.mark.parametrize("name", ["model.keras", "model.h5", "model.weights.h5"])
def test_failed_save_keeps_the_previous_file(tmp_path, monkeypatch, name):
    path = tmp_path / name
    first = _model(1)
    x = np.random.rand(4, 3).astype("float32")
    save = first.save_weights if name.endswith(".weights.h5") else first.save
    save(path)
    before = path.read_bytes()
    expected = first.predict(x, verbose=0)

    second = _model(2)
    real_create = h5py.Group.create_dataset
    calls = {"n": 0}

    def failing_create(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # after part of the new file has been written
            raise OSError("disk full (simulated)")
        return real_create(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", failing_create)
    save2 = second.save_weights if name.endswith(".weights.h5") else second.save
    with pytest.raises(OSError, match="disk full"):
        save2(path)
    monkeypatch.undo()

    assert calls["n"] == 2
    assert path.read_bytes() == before
    assert [p for p in os.listdir(tmp_path) if p != name] == []  # no temporary files left behind
    if name.endswith(".weights.h5"):
        restored = _model(3)
        restored.load_weights(path)
    else:
        restored = keras.saving.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=1e-6)
