"""Seed architectures built on the recurrent layers: they build, count parameters like Keras and train.

These keep ``jax.jit`` on (the ``jit`` marker): ``fit`` traces the whole
train step, layers included.
"""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers, ops

pytestmark = pytest.mark.jit


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


def test_siamese_shared_lstm_trains():
    vocab, dim, units, length = 50, 8, 6, 7
    left = keras.Input((length,), dtype="int32")
    right = keras.Input((length,), dtype="int32")
    embed = layers.Embedding(vocab, dim)
    lstm = layers.LSTM(units)
    merged = ops.concatenate([lstm(embed(left)), lstm(embed(right))], axis=-1)
    out = layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model([left, right], out)
    assert model.count_params() == vocab * dim + 4 * units * (dim + units + 1) + (2 * units + 1)
    assert len(model.trainable_weights) == 1 + 3 + 2  # the shared layers count once
    model.compile(optimizer="adam", loss="binary_crossentropy")
    rng = np.random.default_rng(0)
    a = rng.integers(1, vocab, (16, length)).astype("int32")
    b = rng.integers(1, vocab, (16, length)).astype("int32")
    y = (a[:, 0] > b[:, 0]).astype("float32")[:, None]
    before = _weights(model)
    history = model.fit([a, b], y, batch_size=8, epochs=2, verbose=0)
    losses = history.history["loss"]
    assert all(np.isfinite(losses))
    assert all(not np.array_equal(w0, w1) for w0, w1 in zip(before, _weights(model)))
    pred = backend.convert_to_numpy(model.predict([a, b], verbose=0))
    assert pred.shape == (16, 1) and np.all((pred > 0) & (pred < 1))


def test_lstm_workload_trains():
    """Input(200) ints -> Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), a few steps."""
    model = keras.Sequential([
        keras.Input((200,), dtype="int32"),
        layers.Embedding(20000, 128),
        layers.LSTM(128),
        layers.Dense(1, activation="sigmoid"),
    ])
    assert model.count_params() == 20000 * 128 + 4 * 128 * (128 + 128 + 1) + 129
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    x = rng.integers(0, 20000, (8, 200)).astype("int32")
    y = rng.integers(0, 2, (8, 1)).astype("float32")
    lstm_before = [np.array(w) for w in model.layers[1].get_weights()]
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.array_equal(a, b) for a, b in zip(lstm_before, model.layers[1].get_weights()))


def test_stateful_states_carry_through_a_compiled_step():
    """The state variables ride along with the model's variables through a jitted step."""
    gru = layers.GRU(3, stateful=True, return_sequences=True)
    model = keras.Sequential([keras.Input((3, 2), batch_size=4), gru])
    reference = layers.GRU(3, return_sequences=True)
    reference.build((4, 6, 2))
    reference.set_weights(gru.get_weights())
    assert all(np.all(np.asarray(v) == 0) for v in gru.states)
    assert len(gru.weights) == 3  # states are not weights
    step = backend.make_step_function(lambda data: model(data), model.variables, training=False,
                                      jit_compile=backend.IS_STATELESS)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 6, 2)).astype("float32")
    first = backend.convert_to_numpy(step(backend.convert_to_tensor(x[:, :3])))
    assert any(np.any(np.asarray(v) != 0) for v in gru.states)
    second = backend.convert_to_numpy(step(backend.convert_to_tensor(x[:, 3:])))
    whole = backend.convert_to_numpy(reference(backend.convert_to_tensor(x)))
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=1e-5, atol=1e-6)
    gru.reset_state()
    assert all(np.all(np.asarray(v) == 0) for v in gru.states)


def test_bidirectional_and_time_distributed_model_trains():
    model = keras.Sequential([
        keras.Input((5,), dtype="int32"),
        layers.Embedding(20, 4, mask_zero=True),
        layers.Bidirectional(layers.GRU(3, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(2)),
        layers.SimpleRNN(2),
        layers.Dense(1),
    ])
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [6, 7, 8, 9, 1], [3, 0, 0, 0, 0]], "int32")
    history = model.fit(x, np.ones((4, 1), "float32"), epochs=2, batch_size=2, verbose=0)
    assert all(np.isfinite(history.history["loss"]))


def test_encoder_decoder_with_symbolic_initial_state():
    enc_in, dec_in = keras.Input((None, 5)), keras.Input((None, 6))
    _, h, c = layers.LSTM(8, return_state=True)(enc_in)
    dec = layers.LSTM(8, return_sequences=True)(dec_in, initial_state=[h, c])
    model = keras.Model([enc_in, dec_in], layers.Dense(6, activation="softmax")(dec))
    assert model.count_params() == 4 * 8 * (5 + 8 + 1) + 4 * 8 * (6 + 8 + 1) + 8 * 6 + 6
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    rng = np.random.default_rng(3)
    a, b = rng.random((8, 4, 5)).astype("float32"), rng.random((8, 3, 6)).astype("float32")
    y = np.eye(6, dtype="float32")[rng.integers(0, 6, (8, 3))]
    before = _weights(model)
    assert all(np.isfinite(model.fit([a, b], y, epochs=1, batch_size=4, verbose=0).history["loss"]))
    assert all(not np.array_equal(w0, w1) for w0, w1 in zip(before, _weights(model)))
