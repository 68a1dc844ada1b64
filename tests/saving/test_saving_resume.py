"""A model saved mid-training and loaded again continues exactly where it stopped.

The reference is the same model trained without interruption: 2 epochs +
save + load + 1 epoch must give the weights (and Adam state) of 3 epochs
straight, on the engine the suite runs on.
"""
import numpy as np
import pytest

import cornu
from cornu import saving

from saving_helpers import Dense

RNG = np.random.default_rng(7)
X = RNG.normal(size=(12, 4)).astype("float32")
Y = RNG.normal(size=(12, 2)).astype("float32")
INITIAL = None


def _model():
    global INITIAL
    model = cornu.Sequential([cornu.Input((4,)), Dense(5, activation="tanh"), Dense(2)])
    if INITIAL is None:
        INITIAL = [np.random.default_rng(3).normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(INITIAL)
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.05), loss="mse")
    return model


def _fit(model, epochs):
    model.fit(X, Y, batch_size=4, epochs=epochs, verbose=0, shuffle=False)


def _state(model):
    return [np.asarray(w) for w in model.get_weights()] + \
        [np.asarray(cornu.ops.convert_to_numpy(v.value)) for v in model.optimizer.variables]


@pytest.fixture(scope="module")
def straight():
    model = _model()
    _fit(model, 3)
    return _state(model)


@pytest.mark.parametrize("filename", ["run.keras", "run.h5"])
def test_resume_from_saved_model_matches_uninterrupted_training(tmp_path, straight, filename):
    model = _model()
    _fit(model, 2)
    model.save(tmp_path / filename)
    resumed = saving.load_model(tmp_path / filename)
    assert int(cornu.ops.convert_to_numpy(resumed.optimizer.iterations)) == 6  # 2 epochs x 3 batches
    _fit(resumed, 1)
    got = _state(resumed)
    assert len(got) == len(straight)
    for a, b in zip(got, straight):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    # Training did move the weights: the check above is not comparing initial values.
    assert not np.allclose(got[0], INITIAL[0])


def test_resume_from_weights_file_matches_uninterrupted_training(tmp_path, straight):
    model = _model()
    _fit(model, 2)
    model.save_weights(tmp_path / "run.weights.h5")  # Keras 3 stores the optimizer state here too
    fresh = _model()
    fresh.load_weights(tmp_path / "run.weights.h5")
    _fit(fresh, 1)
    for a, b in zip(_state(fresh), straight):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_fresh_optimizer_does_not_match(tmp_path, straight):
    """The control: reloading weights but not the optimizer state gives a different result."""
    model = _model()
    _fit(model, 2)
    model.save(tmp_path / "run.keras")
    resumed = saving.load_model(tmp_path / "run.keras", compile=False)
    resumed.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.05), loss="mse")
    _fit(resumed, 1)
    assert not np.allclose(_state(resumed)[0], straight[0], atol=1e-6)
