"""The Keras 2 stateful-RNN workflow end to end: a fixed batch (``batch_input_shape``),
``fit(batch_size=..., shuffle=False)`` epoch by epoch, ``reset_states()``, ``predict``.

Sample ``i`` of each batch continues sample ``i`` of the previous batch, so the
states after ``k`` batches are those of one long sequence made of the ``k``
chunks.  With ``jax.jit`` on (``fit`` jits the train step), this checks that
the state variables are threaded through the stateless step.
"""
import warnings

import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from rnn_refs import gru_step, lstm_step, run_loop

pytestmark = pytest.mark.jit

B, T, F, U = 4, 5, 3, 6
rng = np.random.default_rng(11)
X = rng.standard_normal((2 * B, T, F)).astype("float32")  # two batches of 4 samples
Y = rng.standard_normal((2 * B, 1)).astype("float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x), np.float64)


def _chunks_as_one_sequence(x):
    """Batch ``k`` holds chunk ``k`` of each of the 4 long sequences: join them on the time axis."""
    return np.concatenate([x[k * B:(k + 1) * B] for k in range(len(x) // B)], axis=1)


def _stateful_model(cls):
    return keras.Sequential([cls(U, stateful=True, batch_input_shape=(B, T, F)), layers.Dense(1)])


def _reference_step(cls, weights):
    step = {layers.LSTM: lstm_step, layers.GRU: gru_step}[cls]
    return step(*[np.asarray(w, np.float64) for w in weights])


@pytest.mark.parametrize("cls", [layers.LSTM, layers.GRU])
def test_keras2_stateful_workflow(cls):
    model = _stateful_model(cls)
    rnn = model.layers[0]
    assert len(model.weights) == 5 and len(rnn.weights) == 3  # states are not weights
    assert len(rnn.states) == len(rnn.state_size)
    # learning rate 0: the weights stay put, so the states have an exact reference.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    step = _reference_step(cls, rnn.get_weights())
    kernel, bias = [np.asarray(w, np.float64) for w in model.layers[1].get_weights()]
    zeros = [np.zeros((B, U))] * len(rnn.states)
    _, _, expected_states = run_loop(step, _chunks_as_one_sequence(X), zeros)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Keras 2's model.reset_states()
        for _ in range(3):
            history = model.fit(X, Y, batch_size=B, epochs=1, shuffle=False, verbose=0)
            for got, want in zip(rnn.states, expected_states):
                np.testing.assert_allclose(_np(got), want, rtol=1e-5, atol=1e-6)
            model.reset_states()
            for got in rnn.states:
                np.testing.assert_array_equal(_np(got), 0.0)
    # The loss of each batch is computed from the states the previous batch left.
    _, last_1, _ = run_loop(step, X[:B], zeros)
    _, last_2, _ = run_loop(step, _chunks_as_one_sequence(X), zeros)
    losses = [np.mean((last @ kernel + bias - Y[k * B:(k + 1) * B]) ** 2) for k, last in enumerate([last_1, last_2])]
    np.testing.assert_allclose(history.history["loss"][0], np.mean(losses), rtol=1e-5)
    # predict continues the same way, batch after batch.
    pred = model.predict(X, batch_size=B, verbose=0)
    np.testing.assert_allclose(pred, np.concatenate([last_1, last_2]) @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_stateful_model_trains_and_saves_weights_like_keras(tmp_path):
    model = _stateful_model(layers.LSTM)
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    for _ in range(2):
        history = model.fit(X, Y, batch_size=B, epochs=1, shuffle=False, verbose=0)
        model.layers[0].reset_state()
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    # A stateless model of another batch size takes the weights (the usual Keras 2 recipe).
    single = keras.Sequential([layers.LSTM(U, stateful=True, batch_input_shape=(1, T, F)), layers.Dense(1)])
    single.set_weights(model.get_weights())
    model.layers[0].reset_state()
    expected = model.predict(X[:B], batch_size=B, verbose=0)
    np.testing.assert_allclose(single.predict(X[:1], batch_size=1, verbose=0), expected[:1], rtol=1e-5, atol=1e-6)
    path = tmp_path / "stateful.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert len(loaded.weights) == 5
    loaded.layers[0].reset_state()
    model.layers[0].reset_state()
    np.testing.assert_allclose(loaded.predict(X[:B], batch_size=B, verbose=0),
                               model.predict(X[:B], batch_size=B, verbose=0), rtol=1e-6)


def test_stateful_states_are_carried_variables_not_seed_generators():
    lstm = layers.LSTM(U, stateful=True)
    lstm.build((B, T, F))
    assert sum(len(sub._seed_generators) for sub in lstm._flatten_layers()) == 1  # the cell's dropout seed
    state_ids = {id(v) for v in lstm.states}
    assert state_ids <= {id(v) for v in lstm.variables}
    assert not state_ids & {id(v) for v in lstm.weights}


def test_functional_stateful_gru_predict_continues_across_calls():
    inp = keras.Input(batch_shape=(B, T, F))
    gru = layers.GRU(U, stateful=True, return_sequences=True)
    model = keras.Model(inp, gru(inp))
    first = model.predict(X[:B], batch_size=B, verbose=0)
    second = model.predict(X[B:], batch_size=B, verbose=0)
    outputs, _, _ = run_loop(_reference_step(layers.GRU, gru.get_weights()), _chunks_as_one_sequence(X),
                             [np.zeros((B, U))])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), outputs, rtol=1e-5, atol=1e-6)
