"""ModelCheckpoint: templates, formats, save_best_only, save_freq, thresholds, legacy arguments."""
import os

import numpy as np
import pytest
from callback_helpers import FeedLogs, WeightsRecorder, assert_weights_equal, data, small_model

import cornu
from cornu import callbacks


def _fit(model, cbs, epochs=3, **kwargs):
    x, y = data()
    return model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, shuffle=False, validation_data=(x[:8], y[:8]),
                     callbacks=cbs, **kwargs)


def test_template_names_and_loadable_models(tmp_path):
    x, _ = data()
    model = small_model()
    recorder = WeightsRecorder(x[:5])
    template = str(tmp_path / "m-{epoch:02d}-{val_loss:.2f}-{accuracy:.3f}.keras")
    history = _fit(model, [recorder, callbacks.ModelCheckpoint(template)])
    h = history.history
    expected = [f"m-{e + 1:02d}-{h['val_loss'][e]:.2f}-{h['accuracy'][e]:.3f}.keras" for e in range(3)]
    assert sorted(os.listdir(tmp_path)) == sorted(expected)
    for e, name in enumerate(expected):
        loaded = cornu.saving.load_model(str(tmp_path / name))
        np.testing.assert_allclose(loaded.predict(x[:5], verbose=0), recorder.predictions[e], rtol=1e-6, atol=1e-6)
        assert_weights_equal(loaded.get_weights(), recorder.weights[e])


def test_save_best_only_writes_only_improving_epochs(tmp_path):
    model = small_model()
    recorder = WeightsRecorder()
    values = [1.0, 0.5, 0.7, 0.4, 0.6]
    per_epoch = callbacks.ModelCheckpoint(str(tmp_path / "best-{epoch:02d}.weights.h5"), save_best_only=True,
                                          save_weights_only=True)
    fixed = callbacks.ModelCheckpoint(str(tmp_path / "best.keras"), save_best_only=True, verbose=0)
    _fit(model, [FeedLogs("val_loss", values), recorder, per_epoch, fixed], epochs=5)
    assert sorted(os.listdir(tmp_path)) == ["best-01.weights.h5", "best-02.weights.h5", "best-04.weights.h5",
                                            "best.keras"]
    assert fixed.best == 0.4
    best = cornu.saving.load_model(str(tmp_path / "best.keras"))
    assert_weights_equal(best.get_weights(), recorder.weights[3])
    fresh = small_model(seed=7)
    fresh.load_weights(str(tmp_path / "best-02.weights.h5"))
    assert_weights_equal(fresh.get_weights(), recorder.weights[1])


def test_mode_max_and_initial_value_threshold(tmp_path):
    model = small_model()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}.keras"), monitor="val_auc", mode="max",
                                   save_best_only=True, initial_value_threshold=0.6)
    _fit(model, [FeedLogs("val_auc", [0.5, 0.7, 0.65, 0.9]), cb], epochs=4)
    assert sorted(os.listdir(tmp_path)) == ["2.keras", "4.keras"]


def test_save_freq_in_batches(tmp_path):
    model = small_model()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True,
                                   save_freq=3)
    _fit(model, [cb], epochs=2)  # 4 batches per epoch: saves after the 3rd and the 6th batch
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.weights.h5", "e2-b2.weights.h5"]


def test_legacy_h5_model_and_weights(tmp_path):
    x, _ = data()
    model = small_model()
    recorder = WeightsRecorder(x[:4])
    _fit(model, [recorder, callbacks.ModelCheckpoint(str(tmp_path / "model.h5")),
                 callbacks.ModelCheckpoint(str(tmp_path / "weights.{epoch:02d}.hdf5"), save_weights_only=True)],
         epochs=2)
    loaded = cornu.saving.load_model(str(tmp_path / "model.h5"))
    np.testing.assert_allclose(loaded.predict(x[:4], verbose=0), recorder.predictions[-1], rtol=1e-6, atol=1e-6)
    fresh = small_model(seed=3)
    fresh.load_weights(str(tmp_path / "weights.01.hdf5"))
    assert_weights_equal(fresh.get_weights(), recorder.weights[0])


def test_argument_errors_and_legacy_period(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.ckpt"))
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
    with pytest.raises(KeyError, match="Failed to format"):
        _fit(small_model(), [callbacks.ModelCheckpoint(str(tmp_path / "{nope}.keras"))], epochs=1)
    with pytest.warns(DeprecationWarning, match="period"):
        cb = callbacks.ModelCheckpoint(str(tmp_path / "p{epoch}.keras"), period=2)
    _fit(small_model(), [cb], epochs=4)
    assert sorted(n for n in os.listdir(tmp_path) if n.startswith("p")) == ["p2.keras", "p4.keras"]
