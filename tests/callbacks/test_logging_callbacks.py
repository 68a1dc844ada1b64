"""CSVLogger, TerminateOnNaN, LambdaCallback and the Keras 1/2 custom callbacks of the seed scripts."""
import csv
import os

import numpy as np
import pytest
from callback_helpers import FeedLogs, data, small_model

import cornu
from cornu import callbacks


def _fit(model, cbs, epochs=2, validation=True, **kwargs):
    x, y = data()
    extra = {"validation_data": (x[:8], y[:8])} if validation else {}
    return model.fit(x, y, epochs=epochs, batch_size=8, verbose=0, shuffle=False, callbacks=cbs, **extra, **kwargs)


# -- CSVLogger ------------------------------------------------------------------------------
def test_csv_logger_columns_and_values(tmp_path):
    path = tmp_path / "log.csv"
    history = _fit(small_model(), [callbacks.CSVLogger(str(path))], epochs=3)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss"  # sorted keys after `epoch`
    h = history.history
    for e in range(3):
        expected = [str(e)] + [repr(h[k][e]) for k in ("accuracy", "loss", "val_accuracy", "val_loss")]
        assert lines[e + 1] == ",".join(expected)


def test_csv_logger_separator_append_and_arrays(tmp_path):
    path = tmp_path / "log.tsv"
    model = small_model()
    feed = FeedLogs("vec", [np.array([1, 2]), np.array([3.5, 4.0])])
    _fit(model, [feed, callbacks.CSVLogger(str(path), separator="\t")], validation=False)
    _fit(model, [FeedLogs("vec", [np.array([5, 6])] * 2), callbacks.CSVLogger(str(path), separator="\t",
                                                                             append=True)],
         validation=False)
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["epoch", "accuracy", "loss", "vec"]
    assert len(rows) == 5 and [r[0] for r in rows[1:]] == ["0", "1", "0", "1"]  # one header only
    assert [r[3] for r in rows[1:]] == ['"[1, 2]"', '"[3.5, 4.0]"', '"[5, 6]"', '"[5, 6]"']
    _fit(model, [callbacks.CSVLogger(str(path), separator="\t")], validation=False)  # overwrite: starts over
    assert path.read_text().splitlines()[0] == "epoch\taccuracy\tloss" and len(path.read_text().splitlines()) == 3


# -- TerminateOnNaN -------------------------------------------------------------------------
def test_terminate_on_nan_stops_after_the_bad_batch():
    x, y = data()
    x = x.copy()
    x[9] = np.nan  # second batch of 8
    seen = []
    model = small_model()
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False,
                        callbacks=[callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(logs["loss"])),
                                   callbacks.TerminateOnNaN()])
    assert len(seen) == 2 and np.isfinite(seen[0]) and np.isnan(seen[1])
    assert len(history.history["loss"]) == 1
    model = small_model()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False,
                  callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


# -- LambdaCallback -------------------------------------------------------------------------
def test_lambda_callback_every_hook():
    calls = []

    def rec(name):
        return lambda *args: calls.append((name,) + tuple(a if not isinstance(a, dict) else sorted(a) for a in args))

    names = ["on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_batch_begin", "on_batch_end",
             "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end", "on_test_batch_end",
             "on_predict_batch_begin"]
    cb = callbacks.LambdaCallback(**{n: rec(n) for n in names})
    x, y = data(n=16)
    model = small_model()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[cb], validation_data=(x, y))
    model.predict(x, batch_size=8, verbose=0, callbacks=[cb])
    kinds = [c[0] for c in calls]
    assert kinds.count("on_train_begin") == 1 and calls[0] == ("on_train_begin", [])
    assert [c[1] for c in calls if c[0] == "on_batch_begin"] == [0, 1, 0, 1]
    assert [c[1] for c in calls if c[0] == "on_batch_end"] == [0, 1, 0, 1]
    assert [c for c in calls if c[0] == "on_batch_end"][0][2] == ["accuracy", "loss"]
    assert [c for c in calls if c[0] == "on_epoch_end"][0] == ("on_epoch_end", 0,
                                                              ["accuracy", "loss", "val_accuracy", "val_loss"])
    assert kinds.count("on_test_begin") == 2 and kinds.count("on_test_batch_end") == 4
    assert kinds.count("on_predict_begin") == 1 and kinds.count("on_predict_batch_begin") == 2
    assert kinds[-1] == "on_predict_end" and "on_train_end" in kinds
    with pytest.raises(TypeError, match="unexpected keyword"):
        callbacks.LambdaCallback(on_epoch_finish=print)


# -- the seed's Keras 2 custom callbacks ------------------------------------------------------
class LossHistory(callbacks.Callback):
    def on_train_begin(self, logs={}):  # noqa: B006 - written as in Keras 2 tutorials
        self.losses = []

    def on_batch_end(self, batch, logs={}):  # noqa: B006
        self.losses.append(logs.get("loss"))


class ActivationLogger(callbacks.Callback):
    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def set_model(self, model):
        self.model = model
        layer_outputs = [layer.output for layer in model.layers]
        self.activations_model = cornu.Model(model.input, layer_outputs)

    def on_epoch_end(self, epoch, logs=None):
        if self.validation_data is None:
            raise RuntimeError("Requires validation_data.")
        validation_sample = self.validation_data[0][0:1]
        activations = self.activations_model.predict(validation_sample, verbose=0)
        np.savez(os.path.join(self.folder, f"activations_at_epoch_{epoch}.npz"), *activations)


def test_seed_custom_callbacks_loss_history_and_activation_logger(tmp_path):
    x, y = data()
    model = small_model()
    history_cb, act = LossHistory(), ActivationLogger(str(tmp_path))
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False, validation_data=(x[:6], y[:6]),
                        callbacks=[history_cb, act])
    assert len(history_cb.losses) == 8 and all(np.isfinite(v) for v in history_cb.losses)
    assert history_cb.losses[3] == pytest.approx(history.history["loss"][0], rel=1e-6)  # running mean at epoch end
    x_val, y_val, sw = act.validation_data
    np.testing.assert_array_equal(x_val, x[:6])
    np.testing.assert_array_equal(y_val, y[:6])
    assert sw is None
    assert sorted(os.listdir(tmp_path)) == ["activations_at_epoch_0.npz", "activations_at_epoch_1.npz"]
    with np.load(tmp_path / "activations_at_epoch_1.npz") as saved:
        hidden, out = saved["arr_0"], saved["arr_1"]
    k1, b1, k2, b2 = model.get_weights()  # the weights after the last epoch
    ref_hidden = np.maximum(x[:1] @ k1 + b1, 0.0)
    ref_out = 1.0 / (1.0 + np.exp(-(ref_hidden @ k2 + b2)))
    np.testing.assert_allclose(hidden, ref_hidden, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)


def test_validation_data_from_validation_split():
    class Grab(callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seen = self.validation_data

    x, y = data(n=20)
    grab = Grab()
    small_model().fit(x, y, epochs=1, verbose=0, validation_split=0.25, callbacks=[grab])
    np.testing.assert_array_equal(grab.seen[0], x[15:])
    np.testing.assert_array_equal(grab.seen[1], y[15:])
    grab2 = Grab()
    small_model().fit(x, y, epochs=1, verbose=0, callbacks=[grab2])
    assert grab2.seen is None
