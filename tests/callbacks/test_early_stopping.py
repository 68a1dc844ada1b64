"""EarlyStopping: stopping rule, min_delta, baseline, modes, warm-up and best-weight restoring."""
import numpy as np
import pytest
from callback_helpers import FeedLogs, WeightsRecorder, assert_weights_equal, data, small_model

import cornu
from cornu import callbacks


def _run(values, epochs=None, key="val_loss", **kwargs):
    x, y = data()
    model = small_model()
    recorder = WeightsRecorder()
    stopper = callbacks.EarlyStopping(monitor=key, **kwargs)
    history = model.fit(x, y, epochs=epochs or len(values), batch_size=16, verbose=0, shuffle=False,
                        callbacks=[FeedLogs(key, values), recorder, stopper])
    return model, history, recorder, stopper


def test_stops_after_patience_and_restores_best_weights():
    # best at epoch 1 (0.8); epochs 2 and 3 do not improve -> wait reaches 2 at epoch 3.
    model, history, recorder, stopper = _run([1.0, 0.8, 0.9, 0.85, 0.7, 0.6], patience=2,
                                             restore_best_weights=True)
    assert len(history.history["loss"]) == 4
    assert stopper.stopped_epoch == 3 and stopper.best_epoch == 1 and stopper.best == 0.8
    assert_weights_equal(model.get_weights(), recorder.weights[1])
    assert not np.allclose(recorder.weights[1][0], recorder.weights[3][0])


def test_real_plateau_on_training_loss():
    x, y = data()
    model = small_model(optimizer=cornu.optimizers.SGD(learning_rate=0.0))  # the loss cannot move
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0,
                        callbacks=[callbacks.EarlyStopping(monitor="loss", patience=2, min_delta=1e-5)])
    losses = history.history["loss"]
    assert len(losses) == 3
    np.testing.assert_allclose(losses, losses[0], rtol=1e-6)


def test_min_delta_counts_small_changes_as_no_improvement():
    _, history, _, stopper = _run([1.0, 0.95, 0.93, 0.92], patience=1, min_delta=0.1)
    assert len(history.history["loss"]) == 2 and stopper.stopped_epoch == 1
    _, history, _, _ = _run([1.0, 0.95, 0.93, 0.92], patience=1, min_delta=0.01)
    assert len(history.history["loss"]) == 4


def test_baseline_keeps_counting_until_beaten():
    # Improvements that do not beat the baseline do not reset `wait`.
    _, history, _, stopper = _run([1.0, 0.9, 0.95, 0.97, 0.99], patience=2, baseline=0.5)
    assert stopper.stopped_epoch == 2 and len(history.history["loss"]) == 3
    _, history, _, _ = _run([1.0, 0.9, 0.95, 0.97, 0.99], patience=2)
    assert len(history.history["loss"]) == 4


def test_modes_max_and_auto():
    _, history, _, stopper = _run([0.1, 0.5, 0.4, 0.3, 0.2], key="val_accuracy", patience=1)  # auto -> max
    assert stopper.monitor_op(2, 1) and stopper.stopped_epoch == 2 and len(history.history["loss"]) == 3
    _, _, _, stopper = _run([0.1, 0.5, 0.4, 0.3], key="val_loss", patience=1, mode="max")
    assert stopper.stopped_epoch == 2
    with pytest.warns(UserWarning, match="cannot tell"):
        _, _, _, stopper = _run([0.3, 0.2, 0.1], key="val_custom", patience=1)  # Keras 2 rule: minimize
    assert stopper.stopped_epoch == 0 and stopper.best == 0.1
    with pytest.warns(UserWarning, match="unknown, fallback to auto"):
        callbacks.EarlyStopping(mode="sideways")


def test_start_from_epoch_ignores_warm_up():
    _, history, _, stopper = _run([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], patience=1, start_from_epoch=3)
    # epochs 0-2 ignored; epoch 3 sets best=0.4, epoch 4 does not improve -> stop.
    assert stopper.stopped_epoch == 4 and len(history.history["loss"]) == 5


def test_restore_best_weights_even_without_stopping_keras3():
    model, history, recorder, stopper = _run([1.0, 0.5, 0.7, 0.8], patience=10, restore_best_weights=True)
    assert len(history.history["loss"]) == 4 and stopper.stopped_epoch == 0
    assert_weights_equal(model.get_weights(), recorder.weights[1])


def test_missing_monitor_warns_and_continues():
    x, y = data()
    model = small_model()
    with pytest.warns(UserWarning, match="not available"):
        history = model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.EarlyStopping(monitor="val_loss")])
    assert len(history.history["loss"]) == 2


def test_stop_training_from_any_callback():
    class StopAt(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    x, y = data()
    seen = []
    model = small_model()
    model.fit(x, y, epochs=5, batch_size=8, verbose=0,
              callbacks=[StopAt(), callbacks.LambdaCallback(on_batch_end=lambda b, logs: seen.append(b))])
    assert seen == [0, 1]
