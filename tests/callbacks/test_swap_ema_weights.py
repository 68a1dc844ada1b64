"""``SwapEMAWeights``: evaluation and prediction run on the optimizer's EMA weights."""
import numpy as np
import pytest

import cornu
from cornu import callbacks, ops, optimizers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = RNG.normal(size=(12, 2)).astype("float32")
VX = RNG.normal(size=(6, 3)).astype("float32")
VY = RNG.normal(size=(6, 2)).astype("float32")


def numpy(values):
    return [np.array(ops.convert_to_numpy(v)) for v in values]


def linear_model(optimizer):
    cornu.utils.set_random_seed(1)
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def mse(weights, x, y):  # NumPy reference of the linear model's loss
    kernel, bias = weights
    return float(np.mean((x @ kernel + bias - y) ** 2))


class Recorder(callbacks.Callback):
    """Snapshots of the model's weights and the optimizer's averages at each hook."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def _snap(self, hook):
        opt = self.model.optimizer
        opt = getattr(opt, "inner_optimizer", opt)
        self.seen.append((hook, numpy(self.model.trainable_variables),
                          numpy(opt._model_variables_moving_average)))

    def on_epoch_begin(self, epoch, logs=None):
        self._snap("epoch_begin")

    def on_epoch_end(self, epoch, logs=None):
        self._snap("epoch_end")

    def on_test_begin(self, logs=None):
        self._snap("test_begin")

    def on_test_end(self, logs=None):
        self._snap("test_end")


def test_validation_uses_ema_weights_and_training_continues_from_raw():
    before, after = Recorder(), Recorder()
    model = linear_model(optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5))
    history = model.fit(X, Y, epochs=2, batch_size=4, shuffle=False, verbose=0, validation_data=(VX, VY),
                        callbacks=[before, callbacks.SwapEMAWeights(), after])
    pre = {i: s for i, s in enumerate(before.seen)}
    post = {i: s for i, s in enumerate(after.seen)}
    tests = [i for i, s in pre.items() if s[0] == "test_begin"]
    assert len(tests) == 2
    for epoch, i in enumerate(tests):
        _, raw, averages = pre[i]
        _, in_model, held = post[i]
        assert not np.allclose(raw[0], averages[0])  # the swap is visible
        for a, b in zip(in_model + held, averages + raw):
            np.testing.assert_array_equal(a, b)
        # the validation loss is the EMA model's loss (NumPy forward pass)
        np.testing.assert_allclose(history.history["val_loss"][epoch], mse(averages, VX, VY), rtol=1e-5)
        _, restored, averages_back = post[i + 1]  # test_end, after the swap back
        for a, b in zip(restored + averages_back, raw + averages):
            np.testing.assert_array_equal(a, b)
    # Keras's fit ends by putting the averages into the model (use_ema, no ema_overwrite_frequency).
    for w, a in zip(numpy(model.trainable_variables), numpy(model.optimizer._model_variables_moving_average)):
        np.testing.assert_array_equal(w, a)


def test_swap_on_epoch_puts_ema_weights_in_for_later_callbacks():
    before, after = Recorder(), Recorder()
    model = linear_model(optimizers.Adam(0.05, use_ema=True, ema_momentum=0.6))
    model.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0,
              callbacks=[before, callbacks.SwapEMAWeights(swap_on_epoch=True), after])
    ends = [i for i, s in enumerate(before.seen) if s[0] == "epoch_end"]
    for i in ends:
        _, raw, averages = before.seen[i]
        _, in_model, _ = after.seen[i]
        for a, b in zip(in_model, averages):
            np.testing.assert_array_equal(a, b)
    for i in ends[:-1]:  # the next epoch starts again from the raw weights
        _, raw, averages = before.seen[i]
        _, restored, held = after.seen[i + 1]
        for a, b in zip(restored + held, raw + averages):
            np.testing.assert_array_equal(a, b)
    final_averages = before.seen[ends[-1]][2]
    for w, a in zip(numpy(model.trainable_variables), final_averages):
        np.testing.assert_array_equal(w, a)


def test_evaluate_and_predict_standalone_restore_the_weights():
    model = linear_model(optimizers.SGD(0.1, use_ema=True))
    model.fit(X, Y, epochs=1, batch_size=6, verbose=0)
    averages = model.optimizer._model_variables_moving_average
    ema = [w + 0.25 for w in numpy(averages)]
    for v, value in zip(averages, ema):
        v.assign(value)
    raw = numpy(model.trainable_variables)
    loss = model.evaluate(VX, VY, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(loss, mse(ema, VX, VY), rtol=1e-5)
    out = model.predict(VX, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(out, VX @ ema[0] + ema[1], rtol=1e-5, atol=1e-6)
    for now, then in zip(numpy(model.trainable_variables) + numpy(averages), raw + ema):
        np.testing.assert_array_equal(now, then)
    # Training goes on after the swaps and the end-of-fit EMA copy (no buffer shared between variables).
    model.fit(X, Y, epochs=1, batch_size=6, verbose=0, validation_data=(VX, VY),
              callbacks=[callbacks.SwapEMAWeights(swap_on_epoch=True)])
    model.fit(X, Y, epochs=1, batch_size=6, verbose=0)


def test_loss_scale_optimizer_inner_ema_is_swapped():
    inner = optimizers.SGD(0.1, use_ema=True)
    model = linear_model(optimizers.LossScaleOptimizer(inner))
    model.fit(X, Y, epochs=1, batch_size=6, verbose=0)
    for v in inner._model_variables_moving_average:
        v.assign(ops.zeros_like(v.value))
    loss = model.evaluate(VX, VY, verbose=0, callbacks=[callbacks.SwapEMAWeights()])
    np.testing.assert_allclose(loss, float(np.mean(VY ** 2)), rtol=1e-5)


def test_errors():
    with pytest.raises(TypeError, match="SwapEMAWeights.*swap_on_epoch.*Received"):
        callbacks.SwapEMAWeights(swap_on_epoch="yes")
    model = linear_model(optimizers.SGD(0.1))
    with pytest.raises(ValueError, match="SwapEMAWeights.*use_ema=True.*Received: use_ema=False"):
        model.fit(X, Y, epochs=1, verbose=0, validation_data=(VX, VY), callbacks=[callbacks.SwapEMAWeights()])
