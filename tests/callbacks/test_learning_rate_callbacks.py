"""LearningRateScheduler and ReduceLROnPlateau, checked against NumPy gradient descent."""
import numpy as np
import pytest
from callback_helpers import FeedLogs, linear_model, linear_reference

from cornu import callbacks

X = np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(-1, 1)
Y = (3.0 * X).astype("float32")


class RecordW(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.w = []

    def on_epoch_end(self, epoch, logs=None):
        self.w.append(float(self.model.get_weights()[0][0, 0]))


@pytest.mark.parametrize("two_args", [True, False])
def test_scheduler_sets_the_rate_used_by_training(two_args):
    rates = [0.5, 0.25, 0.0, 0.1]
    if two_args:
        def schedule(epoch, lr):
            assert isinstance(lr, float)
            return rates[epoch]
    else:
        def schedule(epoch):  # Keras 1/2 one-argument schedule
            return rates[epoch]
    model = linear_model(learning_rate=0.01)
    rec = RecordW()
    history = model.fit(X, Y, epochs=4, batch_size=8, verbose=0, shuffle=False,
                        callbacks=[callbacks.LearningRateScheduler(schedule), rec])
    np.testing.assert_allclose(history.history["learning_rate"], rates, rtol=1e-7)
    np.testing.assert_allclose(rec.w, linear_reference(X, Y, 0.5, rates), rtol=1e-5)
    assert rec.w[1] == rec.w[2]  # rate 0 in epoch 2: no change


def test_scheduler_under_compiled_step_and_previous_rate():
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return lr * 0.5

    model = linear_model(learning_rate=0.4, run_eagerly=False)
    rec = RecordW()
    model.fit(X, Y, epochs=3, batch_size=8, verbose=0, callbacks=[callbacks.LearningRateScheduler(schedule), rec])
    np.testing.assert_allclose(seen, [0.4, 0.2, 0.1], rtol=1e-6)
    np.testing.assert_allclose(rec.w, linear_reference(X, Y, 0.5, [0.2, 0.1, 0.05]), rtol=1e-5)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.05)


def test_scheduler_rejects_non_float():
    model = linear_model()
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e, lr: "fast")])


def test_reduce_lr_on_plateau_with_cooldown_and_min_lr():
    # A flat monitored value: epoch 0 sets the best, then the rate halves every time
    # patience (1) runs out outside the cooldown (2 epochs), never below min_lr.
    model = linear_model(learning_rate=1.0)
    rec = RecordW()
    reduce = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, cooldown=2, min_lr=0.1,
                                         min_delta=0.0)
    history = model.fit(X, Y, epochs=8, batch_size=8, verbose=0, shuffle=False,
                        callbacks=[FeedLogs("val_loss", [1.0] * 8), rec, reduce])
    in_force = [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]
    np.testing.assert_allclose(history.history["learning_rate"], in_force, rtol=1e-7)
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.1)
    np.testing.assert_allclose(rec.w, linear_reference(X, Y, 0.5, in_force), rtol=1e-4)


def test_reduce_lr_improvement_resets_and_max_mode():
    model = linear_model(learning_rate=1.0)
    reduce = callbacks.ReduceLROnPlateau(monitor="val_acc", factor=0.1, patience=2, min_delta=0.05)
    history = model.fit(X, Y, epochs=5, batch_size=8, verbose=0,
                        callbacks=[FeedLogs("val_acc", [0.5, 0.6, 0.62, 0.7, 0.71]), reduce])
    # auto + "acc" -> max; 0.62 and 0.71 are within min_delta: waits 1, reset at 0.7, 1 again.
    np.testing.assert_allclose(history.history["learning_rate"], [1.0] * 5)
    history = model.fit(X, Y, epochs=4, batch_size=8, verbose=0,
                        callbacks=[FeedLogs("val_acc", [0.5, 0.52, 0.53, 0.54]), reduce])
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 1.0, 1.0, 0.1], rtol=1e-6)


def test_reduce_lr_arguments():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        callbacks.ReduceLROnPlateau(factor=1.0)
    with pytest.warns(DeprecationWarning, match="epsilon"):
        cb = callbacks.ReduceLROnPlateau(epsilon=0.3)
    assert cb.min_delta == 0.3
    model = linear_model()
    with pytest.warns(UserWarning, match="not available"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.ReduceLROnPlateau(monitor="val_loss")])
