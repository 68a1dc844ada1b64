"""`jit_compile=True` on the torch engine: one graph for the whole step, compiled once.

Two regressions this guards against: a Dropout seed read from its SeedGenerator
as a Python int made torch.compile guard on it (a recompilation every step until
the recompile limit, then eager with graph breaks, ~5x slower than eager), and
`torch.autograd.grad` splitting the step into separate graphs.
"""
import numpy as np
import pytest

import cornu as keras
from cornu import layers

pytestmark = pytest.mark.skipif(keras.backend.backend() != "torch", reason="torch.compile is the torch engine's")


def test_dropout_step_compiles_once_without_graph_breaks():
    import torch
    from torch._dynamo.utils import counters

    torch._dynamo.reset()
    counters.clear()
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.5),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=True)
    rng = np.random.default_rng(0)
    x = rng.random((40, 6)).astype("float32")
    y = np.eye(3)[rng.integers(0, 3, 40)].astype("float32")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)  # 10 steps, one batch shape

    assert np.all(np.isfinite(history.history["loss"]))
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert dict(counters["graph_break"]) == {}, dict(counters["graph_break"])
    assert counters["stats"]["unique_graphs"] == 1, dict(counters["stats"])


def test_compiled_dropout_draws_a_new_mask_every_step():
    # Under torch.compile the masks come from torch's default generator: the
    # compiled step must not replay one frozen mask. With a zero target the loss
    # is 4x the fraction of units kept (rate 0.5 scales kept ones by 2).
    keras.utils.set_random_seed(1)
    inputs = keras.Input((256,))
    model = keras.Model(inputs, layers.Dropout(0.5)(inputs))
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    losses = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append(float(logs["loss"]))

    ones = np.ones((6, 256), "float32")
    model.fit(ones, np.zeros_like(ones), batch_size=1, epochs=1, verbose=0, callbacks=[Record()])
    # The logged loss is the running mean; recover each step's loss.
    steps = [losses[0]] + [(i + 1) * b - i * a for i, (a, b) in enumerate(zip(losses, losses[1:]), start=1)]
    assert len(set(np.round(steps, 4))) > 1, steps
    for loss in steps:
        assert 4 * 0.3 < loss < 4 * 0.7  # about half the units kept, each contributing 2**2
