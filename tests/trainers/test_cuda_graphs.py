"""Whole-step CUDA graphs (torch on a GPU): same numbers as eager, fresh randomness, safe fallback.

These run only where torch sees a CUDA device (the lent GPU machine); CI has none.
"""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers, ops

if backend.backend() != "torch":
    pytest.skip("CUDA graphs are a torch-engine feature", allow_module_level=True)
torch = pytest.importorskip("torch")
if not torch.cuda.is_available():
    pytest.skip("needs a CUDA device", allow_module_level=True)

from cornu.backend.torch.cuda_graph_step import CudaGraphStep  # noqa: E402

rng = np.random.default_rng(0)
X = rng.random((100, 12)).astype("float32")  # 100 = 6 batches of 16 + a last batch of 4
Y = np.eye(3, dtype="float32")[rng.integers(0, 3, 100)]


def build(optimizer="adam", **compile_kwargs):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input(shape=(12,)), layers.Dense(16, activation="relu"),
                              layers.BatchNormalization(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"], **compile_kwargs)
    return model


def test_graphed_steps_match_eager_steps():
    eager = build(run_eagerly=True)
    graphed = build()
    h1 = eager.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    h2 = graphed.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    assert isinstance(graphed.train_function, CudaGraphStep)
    # One graph for full batches, one for the last partial batch: no re-capture per epoch.
    assert len(graphed.train_function.graphs) == 2
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(h1.history["accuracy"], h2.history["accuracy"], rtol=1e-6)
    for a, b in zip(eager.get_weights(), graphed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eager.evaluate(X, Y, verbose=0), graphed.evaluate(X, Y, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(eager.predict(X, verbose=0), graphed.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_learning_rate_changes_reach_the_graph():
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    eager = build(optimizer="sgd", run_eagerly=True)
    graphed = build(optimizer="sgd")
    eager.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[schedule])
    graphed.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[schedule])
    for a, b in zip(eager.get_weights(), graphed.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_dropout_draws_new_masks_on_every_replay():
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input(shape=(64,)), layers.Dropout(0.5),
                              layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    losses = []
    cb = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: losses.append(logs["loss"]))
    ones = np.ones((8 * 10, 64), "float32")
    model.fit(ones, np.zeros((80, 1), "float32"), batch_size=8, epochs=1, shuffle=False, verbose=0,
              callbacks=[cb])
    assert model.train_function.graphs, "the step was not captured"
    # The running mean of per-batch losses changes batch after batch only if masks differ.
    per_batch = np.diff(np.array(losses) * np.arange(1, 11))  # recover each batch's own loss
    graphed = per_batch[3:]  # batches after the warm-up and capture
    assert len(set(np.round(graphed, 4))) > 1


def test_a_step_that_syncs_falls_back_to_eager_with_one_warning():
    class HostBranch(layers.Layer):
        def call(self, x):
            return ops.cond(ops.sum(x) > 0, lambda: x * 2.0, lambda: x)

    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input(shape=(12,)), HostBranch(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.warns(UserWarning, match="CUDA graph"):
        history = model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert model.train_function.disabled
    assert np.all(np.isfinite(history.history["loss"]))
    keras.utils.set_random_seed(3)
    reference = keras.Sequential([keras.Input(shape=(12,)), HostBranch(), layers.Dense(3, activation="softmax")])
    reference.compile(optimizer="sgd", loss="categorical_crossentropy", run_eagerly=True)
    h_ref = reference.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], h_ref.history["loss"], rtol=1e-5)
