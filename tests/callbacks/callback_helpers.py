"""Small models, data and callbacks shared by the callback tests."""
import numpy as np

import cornu
import cornu.saving  # noqa: F401  (attaches model.save / save_weights / load_weights)
from cornu import callbacks, layers


def data(n=32, features=4, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, features).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    return x, y


def small_model(features=4, optimizer="adam", seed=1, metrics=("accuracy",), run_eagerly=True):
    """Dense(3, relu) -> Dense(1, sigmoid) with weights drawn from NumPy (same on every engine)."""
    model = cornu.Sequential([layers.Input((features,)), layers.Dense(3, activation="relu", name="hidden"),
                              layers.Dense(1, activation="sigmoid", name="out")])
    rng = np.random.RandomState(seed)
    model.set_weights([rng.randn(*w.shape).astype("float32") * 0.5 for w in model.get_weights()])
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=list(metrics), run_eagerly=run_eagerly)
    return model


def linear_model(learning_rate=0.1, w0=0.5, run_eagerly=True):
    """``y = w x`` (one weight, no bias) trained with plain SGD on MSE."""
    model = cornu.Sequential([layers.Input((1,)), layers.Dense(1, use_bias=False, name="w")])
    model.set_weights([np.array([[w0]], dtype="float32")])
    model.compile(optimizer=cornu.optimizers.SGD(learning_rate=learning_rate), loss="mse", run_eagerly=run_eagerly)
    return model


def linear_reference(x, y, w0, rates):
    """NumPy: full-batch gradient descent on mean((w x - y)^2), one step per epoch at ``rates[e]``."""
    w = np.float64(w0)
    x = x.astype(np.float64).ravel()
    y = y.astype(np.float64).ravel()
    out = []
    for lr in rates:
        grad = 2.0 * np.mean(x * (w * x - y))
        w = w - lr * grad
        out.append(w)
    return np.array(out)


class FeedLogs(callbacks.Callback):
    """Overwrite ``logs[key]`` at each epoch end with scripted values (place before the callback under test)."""

    def __init__(self, key, values):
        super().__init__()
        self.key = key
        self.values = list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


class WeightsRecorder(callbacks.Callback):
    """Keep a copy of the weights (and optionally predictions on ``x``) at each epoch end."""

    def __init__(self, x=None):
        super().__init__()
        self.weights = []
        self.predictions = []
        self.x = x

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([np.array(w) for w in self.model.get_weights()])
        if self.x is not None:
            self.predictions.append(self.model.predict(self.x, verbose=0))


def assert_weights_equal(a, b, atol=0.0):
    assert len(a) == len(b)
    for wa, wb in zip(a, b):
        np.testing.assert_allclose(np.asarray(wa), np.asarray(wb), rtol=0, atol=atol)
