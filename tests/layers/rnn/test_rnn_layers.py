"""Recurrent layers through the harness, plus parameter counts, states, masks and custom cells."""
import numpy as np
import pytest

from rnn_refs import lstm_step, run_loop, simple_rnn_step
from cornu import backend, layers, ops, serialization
from cornu.testing import run_layer_test


def np_(x):
    return backend.convert_to_numpy(x)


# -- the harness --------------------------------------------------------------------------
@pytest.mark.parametrize("cls,kwargs,weights", [
    (layers.SimpleRNN, {"units": 3}, [("kernel", (4, 3)), ("recurrent_kernel", (3, 3)), ("bias", (3,))]),
    (layers.LSTM, {"units": 3, "return_sequences": True},
     [("kernel", (4, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))]),
    (layers.GRU, {"units": 3}, [("kernel", (4, 9)), ("recurrent_kernel", (3, 9)), ("bias", (2, 9))]),
    (layers.GRU, {"units": 3, "reset_after": False, "go_backwards": True},
     [("kernel", (4, 9)), ("recurrent_kernel", (3, 9)), ("bias", (9,))]),
])
def test_harness_recurrent_layers(cls, kwargs, weights):
    run_layer_test(cls, kwargs, input_shape=(2, 5, 4), expected_weights=weights,
                   expected_num_trainable_weights=3, expected_num_non_trainable_weights=0,
                   expected_num_seed_generators=1, supports_masking=True)


def test_harness_lstm_return_state():
    run_layer_test(layers.LSTM, {"units": 3, "return_state": True, "dropout": 0.2, "seed": 1},
                   input_shape=(2, 4, 3), expected_output_shape=[(2, 3), (2, 3), (2, 3)],
                   run_training_check=False, run_unknown_batch_check=False)


def test_harness_rnn_with_stacked_cells_and_bidirectional():
    run_layer_test(layers.RNN, {"cell": [layers.LSTMCell(3), layers.GRUCell(2)], "return_sequences": True},
                   input_shape=(2, 4, 3), expected_output_shape=(2, 4, 2), expected_num_trainable_weights=6)
    run_layer_test(layers.Bidirectional, {"layer": layers.LSTM(3, return_sequences=True)},
                   input_shape=(2, 4, 3), expected_output_shape=(2, 4, 6), expected_num_trainable_weights=6,
                   expected_num_seed_generators=2)
    run_layer_test(layers.TimeDistributed, {"layer": layers.Dense(5)}, input_shape=(2, 4, 3),
                   expected_output_shape=(2, 4, 5), expected_num_trainable_weights=2)


@pytest.mark.parametrize("cell_cls", [layers.SimpleRNNCell, layers.LSTMCell, layers.GRUCell])
def test_cells_config_round_trip(cell_cls):
    cell = cell_cls(4, dropout=0.1, recurrent_dropout=0.2, seed=3, kernel_regularizer="l2")
    config = cell.get_config()
    again = cell_cls.from_config(config)
    assert again.get_config() == config
    assert serialization.deserialize_keras_object(serialization.serialize_keras_object(cell)).get_config() == config


# -- Keras-style custom cells --------------------------------------------------------------
@serialization.register_keras_serializable(package="rnn_tests")
class MinimalRNNCell(layers.Layer):
    """The cell from Keras's RNN documentation (output = x W + h U)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_custom_cell_matches_numpy_and_round_trips():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = layers.RNN(MinimalRNNCell(5), return_sequences=True)
    out = np_(layer(backend.convert_to_tensor(x)))
    k, r = (np.asarray(w, np.float64) for w in layer.get_weights())
    ref, _, _ = run_loop(simple_rnn_step(k, r, None, activation=lambda v: v), x, [np.zeros((2, 5))])
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
    run_layer_test(layers.RNN, {"cell": MinimalRNNCell(5), "return_sequences": True},
                   input_shape=(2, 4, 3), expected_output_shape=(2, 4, 5))
    stacked = layers.RNN([MinimalRNNCell(4), MinimalRNNCell(6)])
    assert tuple(stacked(backend.convert_to_tensor(x)).shape) == (2, 6)


def test_cell_without_layer_base_class():
    class PlainCell:
        state_size = [2, 2]
        output_size = 2

        def call(self, inputs, states):
            h, c = states
            return h + 1.0, [h + 1.0, c + ops.sum(inputs, axis=-1, keepdims=True)]

    x = backend.convert_to_tensor(np.ones((3, 4, 2), "float32"))
    out, h, c = layers.RNN(PlainCell(), return_state=True)(x)
    np.testing.assert_allclose(np_(out), np.full((3, 2), 4.0))
    np.testing.assert_allclose(np_(c), np.full((3, 2), 8.0))


# -- parameter counts ----------------------------------------------------------------------
@pytest.mark.parametrize("layer,count", [
    (layers.SimpleRNN(7), 7 * (5 + 7 + 1)),
    (layers.LSTM(7), 4 * 7 * (5 + 7 + 1)),
    (layers.GRU(7), 3 * 7 * (5 + 7 + 2)),
    (layers.GRU(7, reset_after=False), 3 * 7 * (5 + 7 + 1)),
    (layers.LSTM(7, use_bias=False), 4 * 7 * (5 + 7)),
    (layers.Bidirectional(layers.LSTM(7)), 2 * 4 * 7 * (5 + 7 + 1)),
    (layers.Bidirectional(layers.GRU(7), backward_layer=layers.GRU(3, go_backwards=True)),
     3 * 7 * (5 + 7 + 2) + 3 * 3 * (5 + 3 + 2)),
])
def test_parameter_counts(layer, count):
    layer.build((2, 6, 5))
    assert layer.count_params() == count


def test_build_config_round_trip():
    layer = layers.GRU(3)
    layer(backend.convert_to_tensor(np.ones((2, 4, 5), "float32")))
    config = layer.get_build_config()
    assert config == {"input_shape": [2, 4, 5]}
    again = layers.GRU.from_config(layer.get_config())
    again.build_from_config(config)
    assert again.built and [w.shape for w in again.weights] == [w.shape for w in layer.weights]


def test_lstm_unit_forget_bias_initial_values():
    layer = layers.LSTM(3)
    layer.build((1, 2, 4))
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    weights = layers.LSTM(3, unit_forget_bias=False, bias_initializer="ones")
    weights.build((1, 2, 4))
    np.testing.assert_array_equal(weights.get_weights()[2], np.ones(12))


def test_orthogonal_recurrent_kernel():
    layer = layers.SimpleRNN(6)
    layer.build((1, 2, 3))
    r = layer.get_weights()[1]
    np.testing.assert_allclose(r.T @ r, np.eye(6), atol=1e-5)


# -- stateful ------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_stateful_continues_across_batches(cls):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    whole = cls(4, return_sequences=True)
    stateful = cls(4, return_sequences=True, stateful=True)
    whole.build((2, 6, 3))
    stateful.build((2, 3, 3))
    stateful.set_weights(whole.get_weights())
    assert len(stateful.weights) == 3 and stateful.states is not None
    first = np_(stateful(backend.convert_to_tensor(x[:, :3])))
    second = np_(stateful(backend.convert_to_tensor(x[:, 3:])))
    expected = np_(whole(backend.convert_to_tensor(x)))
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), expected, rtol=1e-5, atol=1e-6)
    stateful.reset_state()
    np.testing.assert_allclose(np_(stateful(backend.convert_to_tensor(x[:, :3]))), first, rtol=1e-6)
    stateful.reset_states()
    for v in stateful.states:
        np.testing.assert_array_equal(np.asarray(v), 0.0)


def test_stateful_needs_static_batch():
    from cornu import Input

    with pytest.raises(ValueError, match="static batch"):
        layers.LSTM(2, stateful=True)(Input((3, 2)))


# -- masks from Embedding / Masking --------------------------------------------------------
def test_embedding_mask_reaches_lstm():
    ids = np.array([[3, 1, 2, 0, 0], [4, 4, 0, 0, 0]])
    emb = layers.Embedding(6, 3, mask_zero=True)
    lstm = layers.LSTM(4, return_sequences=True, use_cudnn=False)
    out = np_(lstm(emb(backend.convert_to_tensor(ids))))
    table = np.asarray(emb.get_weights()[0], np.float64)
    ref, _, _ = run_loop(lstm_step(*[np.asarray(w, np.float64) for w in lstm.get_weights()]), table[ids],
                         [np.zeros((2, 4))] * 2, mask=ids != 0)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
    # Masked steps repeat the last valid output.
    np.testing.assert_allclose(out[0, 3], out[0, 2], rtol=1e-6)


def test_masking_layer_in_a_model_matches_unpadded_sequences():
    from cornu import Input, Model

    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    x[0, 3:] = 0.0  # padding
    inp = Input((5, 3))
    out = layers.LSTM(4)(layers.Masking()(inp))
    model = Model(inp, out)
    full = np_(model(backend.convert_to_tensor(x)))
    short = np_(model.layers[-1](backend.convert_to_tensor(x[:1, :3])))
    # The two calls may take different kernels (cuDNN's packed sequences vs its plain LSTM on a GPU).
    np.testing.assert_allclose(full[0], short[0], rtol=1e-4, atol=1e-5)


# -- Bidirectional -------------------------------------------------------------------------
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(merge_mode):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True), merge_mode=merge_mode)
    out = layer(backend.convert_to_tensor(x))
    w = [np.asarray(a, np.float64) for a in layer.get_weights()]
    fwd, _, _ = run_loop(simple_rnn_step(*w[:3]), x, [np.zeros((2, 2))])
    bwd, _, _ = run_loop(simple_rnn_step(*w[3:]), x, [np.zeros((2, 2))], go_backwards=True)
    bwd = bwd[:, ::-1]
    expected = {"concat": np.concatenate([fwd, bwd], -1), "sum": fwd + bwd, "mul": fwd * bwd,
                "ave": (fwd + bwd) / 2, None: [fwd, bwd]}[merge_mode]
    if merge_mode is None:
        for got, want in zip(out, expected):
            np.testing.assert_allclose(np_(got), want, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(np_(out), expected, rtol=1e-5, atol=1e-6)
    assert [v.path.split("/")[0] for v in layer.weights] == ["forward_simple_rnn"] * 3 + ["backward_simple_rnn"] * 3 \
        or all("simple_rnn_cell" in v.path for v in layer.weights)


def test_bidirectional_return_state_mask_and_config():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    layer = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True))
    out, fh, fc, bh, bc = layer(backend.convert_to_tensor(x), mask=backend.convert_to_tensor(mask))
    assert tuple(out.shape) == (2, 5, 4) and tuple(bc.shape) == (2, 2)
    out = np_(out)
    np.testing.assert_array_equal(out[0, 3:], 0.0)  # masked steps give zeros when merging
    w = [np.asarray(a, np.float64) for a in layer.get_weights()]
    ref_b, _, states = run_loop(lstm_step(*w[3:]), x, [np.zeros((2, 2))] * 2, mask=mask, go_backwards=True,
                                zero_output_for_mask=True)
    np.testing.assert_allclose(out[..., 2:], ref_b[:, ::-1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np_(bh), states[0], rtol=1e-5, atol=1e-6)
    config = layer.get_config()
    again = layers.Bidirectional.from_config(config)
    assert again.get_config() == config
    assert again.forward_layer.name == layer.forward_layer.name
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")


def test_bidirectional_initial_state_halves():
    rng = np.random.default_rng(8)
    x = backend.convert_to_tensor(rng.standard_normal((2, 3, 2)).astype("float32"))
    states = [backend.convert_to_tensor(rng.standard_normal((2, 2)).astype("float32")) for _ in range(4)]
    layer = layers.Bidirectional(layers.LSTM(2))
    out = np_(layer(x, initial_state=states))
    fwd = np_(layer.forward_layer(x, initial_state=states[:2]))
    bwd = np_(layer.backward_layer(x, initial_state=states[2:]))
    np.testing.assert_allclose(out, np.concatenate([fwd, bwd], -1), rtol=1e-6)


# -- TimeDistributed -----------------------------------------------------------------------
def test_time_distributed_dense_and_per_step_layers():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    td = layers.TimeDistributed(layers.Dense(2))
    out = np_(td(backend.convert_to_tensor(x)))
    k, b = td.get_weights()
    np.testing.assert_allclose(out, x @ k + b, rtol=1e-5, atol=1e-6)
    assert td.compute_output_shape((None, 3, 4)) == (None, 3, 2)
    drop = layers.TimeDistributed(layers.Dropout(0.5, seed=1))
    got = np_(drop(backend.convert_to_tensor(x), training=True))
    assert got.shape == x.shape and np.all((got == 0) | np.isclose(got, 2 * x))
    with pytest.raises(ValueError, match="at least 3"):
        layers.TimeDistributed(layers.Dense(2)).build((2, 4))


# -- errors --------------------------------------------------------------------------------
def test_argument_errors_name_the_layer():
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.GRU(2, dropout=1.5)
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.LSTM(2, use_cudnn="yes")
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="unroll"):
        from cornu import Input

        layers.SimpleRNN(2, unroll=True)(Input((None, 3)))
    with pytest.raises(ValueError, match="use_cudnn=True"):
        layers.LSTM(2, activation="relu", use_cudnn=True)(backend.convert_to_tensor(np.ones((1, 2, 2), "float32")))
