"""REAL Keras 1.2.2 files (``fixtures/keras1``, written by Keras 1's own ``save``/``save_weights``,
see ``fixtures/make_keras1_fixtures.py``) load with Keras 1's predictions; Keras 0.x and 1.0 layouts."""
import json
import shutil

import h5py
import numpy as np
import pytest

from cornu import ops, saving

from saving_helpers import FIXTURES, fixture_expected, fixture_inputs, predict

KERAS1 = FIXTURES / "keras1"
NAMES = ["mlp", "merge_sequential", "merge_sum_sequential", "functional", "cnn_tf", "cnn_th", "batchnorm",
         "embedding_lstm", "gru"]


def _load(path, **kwargs):
    if kwargs.get("compile", True):
        # Keras 1 orders optimizer slots by sorted variable name: the state is not restored (as Keras 2 could not).
        with pytest.warns(UserWarning, match="optimizer state"):
            return saving.load_model(path, **kwargs)
    return saving.load_model(path, **kwargs)


def _zero(model):
    model.set_weights([np.zeros(w.shape, w.dtype) for w in model.get_weights()])


@pytest.mark.parametrize("name", NAMES)
def test_keras1_model_file_predicts_as_keras1(name):
    model = _load(KERAS1 / f"{name}.h5")
    assert model.compiled and type(model.optimizer).__name__ == "Adam"
    np.testing.assert_allclose(model.optimizer.learning_rate.numpy(), 0.001, rtol=1e-6)
    out = predict(model, fixture_inputs("keras1", name))
    np.testing.assert_allclose(out, fixture_expected("keras1", name), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["mlp", "merge_sequential", "cnn_th", "embedding_lstm", "gru"])
def test_keras1_weights_file_loads_by_position_and_by_name(name):
    model = _load(KERAS1 / f"{name}.h5", compile=False)
    x, expected = fixture_inputs("keras1", name), fixture_expected("keras1", name)
    for by_name in (False, True):
        _zero(model)
        model.load_weights(KERAS1 / f"{name}_weights.h5", by_name=by_name)
        np.testing.assert_allclose(predict(model, x), expected, rtol=1e-5, atol=1e-5)


def test_keras1_merge_of_models_is_rebuilt_as_a_two_input_sequential():
    model = _load(KERAS1 / "merge_sequential.h5", compile=False)
    merge = model.layers[0]
    assert merge.name == "merge_1" and len(model.inputs) == 2
    assert model.input_shape == [(None, 3), (None, 4)]
    branches = [layer for layer in merge.layers if hasattr(layer, "layers")]
    assert [[sub.name for sub in b.layers] for b in branches] == [["dense_4", "activation_2"], ["dense_5"]]
    # Keras 1's flattened weight order (branch by branch) is the file's order.
    with h5py.File(KERAS1 / "merge_sequential.h5", "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["model_weights"].attrs["layer_names"]]
        kernel = f["model_weights/dense_5/dense_5_W:0"][()]
    assert names == ["dense_4", "activation_2", "dense_5", "dense_6"]
    np.testing.assert_array_equal(branches[1].layers[0].kernel.numpy(), kernel)


def test_keras1_file_layout_facts_the_reader_relies_on():
    """What Keras 1.2.2's ``save_model`` writes (checked on the real files): no ``backend`` attribute,
    a list-valued Sequential config, ``training_config`` with ``optimizer_config``, ``layer_names`` only
    on ``model_weights``, TF variable names as dataset names, empty ``weight_names`` for weightless layers."""
    with h5py.File(KERAS1 / "mlp.h5", "r") as f:
        assert sorted(f.attrs) == ["keras_version", "model_config", "training_config"]
        assert f.attrs["keras_version"] in ("1.2.2", b"1.2.2")
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential" and isinstance(config["config"], list)
        assert config["config"][0]["config"]["input_dtype"] == "float32"
        assert sorted(json.loads(f.attrs["training_config"])) == [
            "loss", "loss_weights", "metrics", "optimizer_config", "sample_weight_mode"]
        assert sorted(f["model_weights"].attrs) == ["layer_names"]
        assert list(f["model_weights/dense_1"].attrs["weight_names"]) in (
            ["dense_1_W:0", "dense_1_b:0"], [b"dense_1_W:0", b"dense_1_b:0"])
        assert len(f["model_weights/dropout_1"].attrs["weight_names"]) == 0
    with h5py.File(KERAS1 / "mlp_weights.h5", "r") as f:
        assert sorted(f.attrs) == ["layer_names"]


def test_keras1_0_file_without_keras_version(tmp_path):
    """Keras 1.0.x wrote no ``keras_version``; such files are read as Keras 1 files."""
    path = tmp_path / "old.h5"
    shutil.copy(KERAS1 / "gru.h5", path)
    with h5py.File(path, "a") as f:
        del f.attrs["keras_version"]
    model = _load(path)
    np.testing.assert_allclose(predict(model, fixture_inputs("keras1", "gru")), fixture_expected("keras1", "gru"),
                               rtol=1e-5, atol=1e-5)


def _numbered_copy(src, dst, layer_names):
    """The Keras 0.x ``save_weights`` layout of a Keras 1 weights file: ``nb_layers``, ``layer_<k>``
    groups with ``nb_params`` and ``param_<p>`` datasets."""
    with h5py.File(src, "r") as fin, h5py.File(dst, "w") as fout:
        fout.attrs["nb_layers"] = len(layer_names)
        for k, name in enumerate(layer_names):
            group = fout.create_group(f"layer_{k}")
            weight_names = [n.decode() if isinstance(n, bytes) else n for n in fin[name].attrs["weight_names"]]
            group.attrs["nb_params"] = len(weight_names)
            for p, weight_name in enumerate(weight_names):
                group.create_dataset(f"param_{p}", data=fin[name][weight_name][()])


def test_keras0_numbered_weights_layout(tmp_path):
    model = _load(KERAS1 / "embedding_lstm.h5", compile=False)
    path = tmp_path / "w.h5"
    _numbered_copy(KERAS1 / "embedding_lstm_weights.h5", path, ["embedding_1", "lstm_1", "dense_14"])
    _zero(model)
    model.load_weights(path)
    np.testing.assert_allclose(predict(model, fixture_inputs("keras1", "embedding_lstm")),
                               fixture_expected("keras1", "embedding_lstm"), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="name-based"):
        model.load_weights(path, by_name=True)
    _numbered_copy(KERAS1 / "embedding_lstm_weights.h5", path, ["embedding_1", "lstm_1"])
    with pytest.raises(ValueError, match="containing 2 layers into a model with 3 layers"):
        model.load_weights(path)


def test_keras1_hard_sigmoid_is_keras1s_formula(tmp_path):
    """Keras 1/2's ``hard_sigmoid`` is ``clip(0.2 x + 0.5, 0, 1)`` (Keras 3: ``x / 6 + 0.5``); the loaded GRU
    keeps it, also through a cornu re-save."""
    from cornu.saving.legacy_functions import keras2_hard_sigmoid

    model = _load(KERAS1 / "gru.h5", compile=False)
    assert model.layers[0].cell.recurrent_activation is keras2_hard_sigmoid
    x = np.linspace(-4, 4, 17).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(keras2_hard_sigmoid(x)), np.clip(0.2 * x + 0.5, 0, 1),
                               atol=1e-7)
    for suffix in (".keras", ".h5"):
        model.save(tmp_path / f"again{suffix}")
        again = saving.load_model(tmp_path / f"again{suffix}")
        np.testing.assert_allclose(predict(again, fixture_inputs("keras1", "gru")),
                                   fixture_expected("keras1", "gru"), rtol=1e-5, atol=1e-5)
