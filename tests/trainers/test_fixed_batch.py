"""fit/evaluate/predict for models whose inputs fix the batch size (``batch_size=``,
``batch_shape=``, Keras 2's ``batch_input_shape=``): the model must be built and
traced with the real batch size, not an unknown one."""
import numpy as np
import pytest

import cornu as keras
from cornu import layers

rng = np.random.default_rng(3)
X = rng.standard_normal((8, 3)).astype("float32")
Y = rng.standard_normal((8, 2)).astype("float32")
LR = 0.1


def _numpy_sgd(kernel, bias, batch_size, epochs):
    """Plain minibatch SGD on the mean squared error, in float64, from the published formula."""
    w, b = np.asarray(kernel, np.float64), np.asarray(bias, np.float64)
    losses = []
    for _ in range(epochs):
        epoch = []
        for start in range(0, len(X), batch_size):
            x, y = X[start:start + batch_size].astype(np.float64), Y[start:start + batch_size].astype(np.float64)
            err = x @ w + b - y
            epoch.append(np.mean(err ** 2))
            grad = 2.0 * err / err.size  # d mean(err^2) / d pred
            w, b = w - LR * x.T @ grad, b - LR * grad.sum(axis=0)
        losses.append(np.mean(epoch))
    return w, b, losses


def _models():
    yield "Input(batch_size=)", keras.Sequential([keras.Input((3,), batch_size=4), layers.Dense(2)])
    yield "Input(batch_shape=)", keras.Sequential([keras.Input(batch_shape=(4, 3)), layers.Dense(2)])
    yield "batch_input_shape", keras.Sequential([layers.Dense(2, batch_input_shape=(4, 3))])
    inp = keras.Input(batch_shape=(4, 3))
    yield "functional", keras.Model(inp, layers.Dense(2)(inp))


@pytest.mark.parametrize("which", ["Input(batch_size=)", "Input(batch_shape=)", "batch_input_shape", "functional"])
def test_fit_evaluate_predict_with_a_fixed_batch_size(which):
    model = dict(_models())[which]
    assert model.inputs[0].shape == (4, 3)
    kernel, bias = model.layers[-1].get_weights()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LR), loss="mse")
    history = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    w, b, losses = _numpy_sgd(kernel, bias, 4, 2)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(model.layers[-1].get_weights()[0], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.layers[-1].get_weights()[1], b, rtol=1e-5, atol=1e-6)
    expected = X.astype(np.float64) @ w + b
    np.testing.assert_allclose(model.predict(X, batch_size=4, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=4, verbose=0),
                               np.mean((expected - Y) ** 2), rtol=1e-5)


def test_predict_builds_an_unbuilt_fixed_batch_model():
    model = keras.Sequential([layers.Dense(2, batch_input_shape=(4, 3))])
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(model.predict(X, batch_size=4, verbose=0), X @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_unknown_batch_models_still_build_without_a_batch_size():
    """Models without a fixed batch keep an unknown batch axis (a last, smaller batch works)."""
    model = keras.Sequential([layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LR), loss="mse")
    model.fit(X[:7], Y[:7], batch_size=4, epochs=1, verbose=0)
    assert model.get_build_config() == {"input_shape": [None, 3]}
    assert model.predict(X[:5], batch_size=4, verbose=0).shape == (5, 2)
