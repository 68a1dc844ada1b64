"""Keras 1 and Keras 2 ``.h5`` files: layouts, argument translation, weight conversion.

Keras 1 files are built here with h5py in Keras 1's documented layout
(``model_config`` whose Sequential config is a list, ``dense_1_W`` weight
names, Keras 1 argument names); the expected outputs are NumPy code written
from the layers' formulas.
"""
import json

import h5py
import numpy as np
import pytest

import cornu
from cornu import layers, saving
from cornu.saving import h5_guard, legacy_configs, legacy_h5

from saving_helpers import Dense, predict, require_layers

RNG = np.random.default_rng(11)


def _keras1_file(path, model_config, weights, training_config=None, backend="tensorflow"):
    """A Keras 1.2 ``.h5`` file: byte-string attributes, per-layer groups of flat datasets."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["backend"] = backend.encode()
        f.attrs["model_config"] = json.dumps(model_config).encode()
        if training_config is not None:
            f.attrs["training_config"] = json.dumps(training_config).encode()
        group = f.create_group("model_weights")
        entries = model_config["config"] if isinstance(model_config["config"], list) else model_config["config"]["layers"]
        names = [e["config"]["name"] for e in entries]
        group.attrs["layer_names"] = [n.encode() for n in names]
        for name in names:
            layer_group = group.create_group(name)
            pairs = weights.get(name, [])
            layer_group.attrs["weight_names"] = [w.encode() for w, _ in pairs]
            for wname, value in pairs:
                layer_group.create_dataset(wname, data=value)


def _dense1(name, output_dim, activation, input_dim=None, **extra):
    config = {"name": name, "output_dim": output_dim, "init": "glorot_uniform", "activation": activation,
              "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None,
              "W_constraint": None, "b_constraint": None, "bias": True, "input_dim": input_dim,
              "trainable": True}
    if input_dim is not None:
        config.update({"batch_input_shape": [None, input_dim], "input_dtype": "float32"})
    config.update(extra)
    return {"class_name": "Dense", "config": config}


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_keras1_sequential_mlp_with_training_config(tmp_path):
    require_layers("Dense", "Dropout", "Activation")
    w1, b1 = RNG.normal(size=(3, 5)).astype("float32"), RNG.normal(size=5).astype("float32")
    w2, b2 = RNG.normal(size=(5, 2)).astype("float32"), RNG.normal(size=2).astype("float32")
    config = {"class_name": "Sequential", "config": [
        _dense1("dense_1", 5, "relu", input_dim=3,
                W_regularizer={"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01},
                W_constraint={"name": "MaxNorm", "m": 3, "axis": 0}),
        {"class_name": "Dropout", "config": {"name": "dropout_1", "p": 0.5, "trainable": True}},
        {"class_name": "Activation", "config": {"name": "activation_1", "activation": "tanh", "trainable": True}},
        _dense1("dense_2", 2, "softmax"),
    ]}
    training = {"optimizer_config": {"class_name": "SGD", "config": {"lr": 0.01, "momentum": 0.9, "decay": 0.0,
                                                                       "nesterov": False}},
                "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None,
                "loss_weights": None}
    _keras1_file(tmp_path / "k1.h5", config,
                 {"dense_1": [("dense_1_W", w1), ("dense_1_b", b1)],
                  "dense_2": [("dense_2_W", w2), ("dense_2_b", b2)]}, training)
    model = saving.load_model(tmp_path / "k1.h5")
    x = RNG.normal(size=(4, 3)).astype("float32")
    expected = _softmax(np.tanh(np.maximum(x @ w1 + b1, 0)) @ w2 + b2)
    np.testing.assert_allclose(predict(model, x), expected, rtol=1e-5, atol=1e-6)
    dense = model.layers[0]
    assert dense.units == 5 and dense.use_bias
    assert dense.kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)
    assert dense.kernel_constraint.get_config()["max_value"] == 3
    assert model.layers[1].rate == 0.5
    assert isinstance(model.optimizer, cornu.optimizers.SGD)
    assert model.optimizer.get_config()["momentum"] == 0.9
    assert float(cornu.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.01)


def test_keras1_functional_merge_concat(tmp_path):
    require_layers("Dense", "Concatenate")
    w = {k: RNG.normal(size=s).astype("float32") for k, s in
         {"w1": (3, 2), "b1": (2,), "w2": (4, 3), "b2": (3,), "w3": (5, 1), "b3": (1,)}.items()}

    def inp(name, dim):
        return {"class_name": "InputLayer", "name": name, "inbound_nodes": [],
                "config": {"batch_input_shape": [None, dim], "input_dtype": "float32", "sparse": False, "name": name}}

    def node(entry, *refs):
        return dict(entry, name=entry["config"]["name"], inbound_nodes=[[list(r) for r in refs]])

    config = {"class_name": "Model", "config": {"name": "model_1", "layers": [
        inp("input_1", 3), inp("input_2", 4),
        node(_dense1("dense_1", 2, "linear"), ("input_1", 0, 0)),
        node(_dense1("dense_2", 3, "linear"), ("input_2", 0, 0)),
        node({"class_name": "Merge", "config": {"name": "merge_1", "mode": "concat", "concat_axis": -1,
                                                 "dot_axes": -1, "mode_type": "raw", "output_shape": None,
                                                 "output_shape_type": "raw", "output_mask": None,
                                                 "output_mask_type": "raw", "arguments": {}}},
             ("dense_1", 0, 0), ("dense_2", 0, 0)),
        node(_dense1("dense_3", 1, "sigmoid"), ("merge_1", 0, 0)),
    ], "input_layers": [["input_1", 0, 0], ["input_2", 0, 0]], "output_layers": [["dense_3", 0, 0]]}}
    _keras1_file(tmp_path / "f1.h5", config, {
        "dense_1": [("dense_1_W", w["w1"]), ("dense_1_b", w["b1"])],
        "dense_2": [("dense_2_W", w["w2"]), ("dense_2_b", w["b2"])],
        "dense_3": [("dense_3_W", w["w3"]), ("dense_3_b", w["b3"])]})
    model = saving.load_model(tmp_path / "f1.h5")
    a, b = RNG.normal(size=(2, 3)).astype("float32"), RNG.normal(size=(2, 4)).astype("float32")
    hidden = np.concatenate([a @ w["w1"] + w["b1"], b @ w["w2"] + w["b2"]], axis=-1)
    np.testing.assert_allclose(predict(model, [a, b]), _sigmoid(hidden @ w["w3"] + w["b3"]), rtol=1e-5, atol=1e-6)
    assert type(model.get_layer("merge_1")).__name__ == "Concatenate"


def _rnn_reference(x, cell, state_size, n_states):
    states = [np.zeros((x.shape[0], state_size), "float32") for _ in range(n_states)]
    for t in range(x.shape[1]):
        states = cell(x[:, t], *states)
    return states[0]


def test_keras1_lstm_per_gate_weights_are_concatenated(tmp_path):
    require_layers("LSTM", "Dense")
    units, dim = 4, 3
    gates = {g: (RNG.normal(size=(dim, units)).astype("float32"), RNG.normal(size=(units, units)).astype("float32"),
                 RNG.normal(size=units).astype("float32")) for g in "icfo"}
    wd, bd = RNG.normal(size=(units, 2)).astype("float32"), RNG.normal(size=2).astype("float32")
    lstm = {"class_name": "LSTM", "config": {
        "name": "lstm_1", "output_dim": units, "input_dim": dim, "input_length": 5, "init": "glorot_uniform",
        "inner_init": "orthogonal", "forget_bias_init": "one", "activation": "tanh",
        "inner_activation": "sigmoid", "W_regularizer": None, "U_regularizer": None, "b_regularizer": None,
        "dropout_W": 0.0, "dropout_U": 0.0, "consume_less": "cpu", "return_sequences": False,
        "go_backwards": False, "stateful": False, "unroll": False, "batch_input_shape": [None, 5, dim],
        "input_dtype": "float32", "trainable": True}}
    order = "icfo"  # Keras 1's trainable_weights order: i, c, f, o
    pairs = [(f"lstm_1_{kind}_{g}", gates[g][k]) for g in order for k, kind in enumerate("WUb")]
    _keras1_file(tmp_path / "l1.h5", {"class_name": "Sequential", "config": [lstm, _dense1("dense_1", 2, "linear")]},
                 {"lstm_1": pairs, "dense_1": [("dense_1_W", wd), ("dense_1_b", bd)]})
    model = saving.load_model(tmp_path / "l1.h5")
    x = RNG.normal(size=(2, 5, dim)).astype("float32")

    def cell(xt, h, c):
        z = {g: xt @ gates[g][0] + h @ gates[g][1] + gates[g][2] for g in "icfo"}
        c = _sigmoid(z["f"]) * c + _sigmoid(z["i"]) * np.tanh(z["c"])
        return [_sigmoid(z["o"]) * np.tanh(c), c]

    expected = _rnn_reference(x, cell, units, 2) @ wd + bd
    np.testing.assert_allclose(predict(model, x), expected, rtol=1e-4, atol=1e-5)


def test_keras1_gru_per_gate_weights_are_concatenated(tmp_path):
    require_layers("GRU")
    units, dim = 3, 2
    gates = {g: (RNG.normal(size=(dim, units)).astype("float32"), RNG.normal(size=(units, units)).astype("float32"),
                 RNG.normal(size=units).astype("float32")) for g in "zrh"}
    gru = {"class_name": "GRU", "config": {
        "name": "gru_1", "output_dim": units, "input_dim": dim, "input_length": 4, "init": "glorot_uniform",
        "inner_init": "orthogonal", "activation": "tanh", "inner_activation": "sigmoid",
        "W_regularizer": None, "U_regularizer": None, "b_regularizer": None, "dropout_W": 0.0, "dropout_U": 0.0,
        "consume_less": "mem", "return_sequences": False, "go_backwards": False, "stateful": False,
        "unroll": False, "batch_input_shape": [None, 4, dim], "input_dtype": "float32", "trainable": True}}
    pairs = [(f"gru_1_{kind}_{g}", gates[g][k]) for g in "zrh" for k, kind in enumerate("WUb")]
    _keras1_file(tmp_path / "g1.h5", {"class_name": "Sequential", "config": [gru]}, {"gru_1": pairs})
    model = saving.load_model(tmp_path / "g1.h5")
    assert model.layers[0].get_config()["reset_after"] is False
    x = RNG.normal(size=(3, 4, dim)).astype("float32")

    def cell(xt, h):
        z = _sigmoid(xt @ gates["z"][0] + h @ gates["z"][1] + gates["z"][2])
        r = _sigmoid(xt @ gates["r"][0] + h @ gates["r"][1] + gates["r"][2])
        hh = np.tanh(xt @ gates["h"][0] + (r * h) @ gates["h"][1] + gates["h"][2])
        return [z * h + (1 - z) * hh]

    np.testing.assert_allclose(predict(model, x), _rnn_reference(x, cell, units, 1), rtol=1e-4, atol=1e-5)


def _correlate_nchw(x, kernel_oihw):
    out_c, _, kh, kw = kernel_oihw.shape
    n, _, h, w = x.shape
    out = np.zeros((n, out_c, h - kh + 1, w - kw + 1), "float32")
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[:, :, i, j] = np.einsum("ncij,ocij->no", x[:, :, i:i + kh, j:j + kw], kernel_oihw)
    return out


@pytest.mark.parametrize("backend_name", ["tensorflow", "theano"])
def test_keras1_theano_ordered_conv_kernels(tmp_path, backend_name):
    require_layers("Conv2D", "Flatten", "Dense")
    kernel = RNG.normal(size=(3, 2, 3, 3)).astype("float32")  # Keras 1 "th": (filters, stack, rows, cols)
    bias = RNG.normal(size=3).astype("float32")
    wd, bd = RNG.normal(size=(27, 2)).astype("float32"), RNG.normal(size=2).astype("float32")
    conv = {"class_name": "Convolution2D", "config": {
        "name": "convolution2d_1", "nb_filter": 3, "nb_row": 3, "nb_col": 3, "init": "glorot_uniform",
        "activation": "linear", "border_mode": "valid", "subsample": [1, 1], "dim_ordering": "th",
        "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None, "W_constraint": None,
        "b_constraint": None, "bias": True, "batch_input_shape": [None, 2, 5, 5], "input_dtype": "float32",
        "trainable": True}}
    flatten = {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}}
    _keras1_file(tmp_path / "c1.h5", {"class_name": "Sequential", "config": [conv, flatten, _dense1("dense_1", 2, "linear")]},
                 {"convolution2d_1": [("convolution2d_1_W", kernel), ("convolution2d_1_b", bias)],
                  "dense_1": [("dense_1_W", wd), ("dense_1_b", bd)]}, backend=backend_name)
    model = saving.load_model(tmp_path / "c1.h5")
    assert model.layers[0].get_config()["data_format"] == "channels_first"
    x = RNG.normal(size=(2, 2, 5, 5)).astype("float32")
    # Theano convolved (flipped kernels); TensorFlow cross-correlated.
    effective = kernel[:, :, ::-1, ::-1] if backend_name == "theano" else kernel
    conv_out = _correlate_nchw(x, effective) + bias[None, :, None, None]
    expected = conv_out.reshape(2, -1) @ wd + bd
    np.testing.assert_allclose(predict(model, x), expected, rtol=1e-4, atol=1e-4)


def test_convert_kernel_flips_spatial_axes_only():
    kernel = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    np.testing.assert_array_equal(legacy_configs.convert_kernel(kernel), kernel[::-1, ::-1, :, :])


def _two_dense(names=("a", "b"), units=(3, 2)):
    model = cornu.Sequential([cornu.Input((4,))] + [Dense(u, name=n) for n, u in zip(names, units)])
    model.set_weights([RNG.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def test_legacy_weights_topological_order_and_count_mismatch(tmp_path):
    source = _two_dense()
    source.save_weights(tmp_path / "w.h5")
    target = _two_dense(names=("x", "y"))  # names differ: topological order still matches
    target.load_weights(tmp_path / "w.h5")
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    three = _two_dense(names=("p", "q", "r"), units=(3, 3, 2))
    with pytest.raises(ValueError, match="Layer count mismatch"):
        three.load_weights(tmp_path / "w.h5")


def test_legacy_weights_by_name_and_skip_mismatch(tmp_path):
    source = _two_dense()
    source.save_weights(tmp_path / "w.h5")
    target = _two_dense(names=("a", "z", "b"), units=(3, 4, 2))  # "b" now has a (4, 2) kernel
    with pytest.raises(ValueError, match="Shape mismatch"):
        target.load_weights(tmp_path / "w.h5", by_name=True)
    target = _two_dense(names=("a", "z", "b"), units=(3, 4, 2))
    before_b = target.get_layer("b").get_weights()
    with pytest.warns(UserWarning, match="mismatch in shape"):
        target.load_weights(tmp_path / "w.h5", by_name=True, skip_mismatch=True)
    for a, b in zip(target.get_layer("a").get_weights(), source.get_layer("a").get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(target.get_layer("b").get_weights(), before_b):
        np.testing.assert_array_equal(a, b)


def test_attributes_over_the_header_limit_are_chunked_and_read_back(tmp_path):
    names = [f"layer_with_a_rather_long_name_{i:05d}" for i in range(3000)]
    with h5py.File(tmp_path / "a.h5", "w") as f:
        legacy_h5._write_string_list(f, "layer_names", names)
        keys = sorted(f.attrs)
        assert "layer_names" not in keys and keys[0] == "layer_names0" and len(keys) > 1
        assert all(f.attrs[k].nbytes <= 64512 for k in keys)  # HDF5's object header limit
    with h5py.File(tmp_path / "a.h5", "r") as f:
        assert h5_guard.read_string_list_attr(f, "layer_names") == names


def test_keras2_optimizer_v2_slots_are_regrouped_per_variable():
    names = ["Adam/iter:0", "Adam/dense/kernel/m:0", "Adam/dense/bias/m:0",
             "Adam/dense/kernel/v:0", "Adam/dense/bias/v:0"]
    values = ["it", "km", "bm", "kv", "bv"]
    assert legacy_h5._regroup_v2_slots(names, values) == ["it", "km", "kv", "bm", "bv"]


def test_keras2_optimizer_v2_state_loads_into_adam(tmp_path):
    model = _two_dense()
    model.compile(optimizer=cornu.optimizers.Adam(), loss="mse")
    model.optimizer.build(model.trainable_variables)
    variables = model.trainable_variables
    m = [RNG.normal(size=v.shape).astype("float32") for v in variables]
    v = [RNG.random(size=v.shape).astype("float32") for v in variables]
    names = ["Adam/iter:0"] + [f"Adam/{x.path}/m:0" for x in variables] + [f"Adam/{x.path}/v:0" for x in variables]
    with h5py.File(tmp_path / "o.h5", "w") as f:
        group = f.create_group("optimizer_weights")
        group.attrs["weight_names"] = [n.encode() for n in names]
        for name, value in zip(names, [np.int64(7)] + m + v):
            group.create_dataset(name, data=value)
    with h5_guard.open_h5(tmp_path / "o.h5") as f:
        legacy_h5.load_optimizer_group(f["optimizer_weights"], model.optimizer)
    opt = model.optimizer.variables
    assert int(cornu.ops.convert_to_numpy(opt[0].value)) == 7
    for i in range(len(variables)):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(opt[2 + 2 * i].value), m[i])
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(opt[3 + 2 * i].value), v[i])


def test_weights_only_file_is_not_a_model(tmp_path):
    _two_dense().save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="weights only"):
        saving.load_model(tmp_path / "w.h5")


def test_keras2_translation_table():
    entry = legacy_configs.translate_layer_config(
        {"class_name": "GRU", "config": {"name": "g", "units": 3, "time_major": False, "implementation": 2,
                                         "dtype": {"class_name": "Policy", "config": {"name": "float32"}}}})
    assert "time_major" not in entry["config"] and entry["config"]["reset_after"] is False
    assert entry["config"]["dtype"] == "float32"
    bn = legacy_configs.translate_layer_config({"class_name": "BatchNormalization", "config": {"axis": [3]}})
    assert bn["config"]["axis"] == 3
    opt = legacy_configs.translate_optimizer_config(
        {"class_name": "Custom>Adam", "config": {"lr": 0.1, "decay": 0.0, "is_legacy_optimizer": False}})
    assert opt == {"class_name": "Adam", "config": {"learning_rate": 0.1}}
