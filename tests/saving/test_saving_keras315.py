"""Keras 3.15 files (``fixtures/make_keras315_fixtures.py``): initializer ``input_axes``/``output_axes``,
``quantization_config`` keys, int8 layers loaded, other quantized layers refused by name, and sharded
weights both ways."""
import json
import os

import h5py
import numpy as np
import pytest

import cornu
from cornu import initializers, ops, saving
from cornu.saving.errors import LoadError, UnsafeFileError

from saving_helpers import FIXTURES, fixture_expected, fixture_inputs, h5_tree, predict

KERAS3 = FIXTURES / "keras3"
SHARD_SIZE = 3e-7  # GB: the fixture's max_shard_size (322 bytes: three shards)


def _axes_model():
    return saving.load_model(KERAS3 / "axes_float.keras")


def test_keras315_initializer_axes_and_quantization_config_keys_load():
    model = _axes_model()
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", "axes_float")),
                               fixture_expected("keras3", "axes_float"), rtol=1e-5, atol=1e-6)
    configs = [layer.kernel_initializer.get_config() for layer in model.layers if hasattr(layer, "kernel_initializer")]
    assert [(c["input_axes"], c["output_axes"]) for c in configs] == [([0, 1], [2]), ([0], [1]), ([0], [1])]
    assert configs[2]["mode"] == "fan_out" and configs[2]["scale"] == 0.5
    assert all(layer.get_config().get("quantization_config") is None for layer in model.layers)


def test_initializer_axes_set_the_fans():
    """Keras 3.12+: with both axes given, fan_in / fan_out are the products of those axes' sizes."""
    assert initializers.random_initializers.compute_fans((2, 4, 3), [0], [1, 2]) == (2, 12)
    assert initializers.random_initializers.compute_fans((2, 4, 3)) == (8, 6)
    init = initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=1,
                                        input_axes=[0], output_axes=[1, 2])
    values = ops.convert_to_numpy(init((50, 4, 3)))
    limit = np.sqrt(3.0 / 50)  # fan_in = 50 (axis 0), not 4 * 50 as for a convolution kernel
    assert np.abs(values).max() <= limit and np.abs(values).max() > 0.9 * limit
    again = initializers.get(json.loads(json.dumps(initializers.serialize(init))))
    assert (again.input_axes, again.output_axes) == ([0], [1, 2])
    assert "input_axes" not in initializers.GlorotUniform().get_config()  # null axes are not written
    with pytest.raises(ValueError, match="input_axes"):
        initializers.HeNormal(input_axes="0")


def test_keras_int8_file_loads_with_keras_predictions():
    """``int8.keras``: Embedding and Dense layers after Keras's ``model.quantize("int8")``."""
    model = saving.load_model(KERAS3 / "int8.keras")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", "axes_float")),
                               fixture_expected("keras3", "int8"), rtol=1e-5, atol=1e-6)
    assert [layer.dtype_policy.name for layer in model.layers if layer.dtype_policy.quantization_mode] == \
        ["int8_from_float32"] * 3


def test_a_quantized_layer_of_an_unimplemented_mode_is_refused_by_name():
    with pytest.raises(LoadError, match=r"Layer 'd8' \(Dense\) was saved quantized \(mode 'float8', "
                                        r"Float8QuantizationConfig\).*model.quantize"):
        saving.load_model(KERAS3 / "float8.keras")


def test_quantized_dtype_policy_spellings_are_refused():
    from cornu.saving.quantization import drop_float_quantization_configs

    for dtype in ("gptq/4/128_from_float32", {"class_name": "QuantizedFloat8DTypePolicy", "config": {"name": "x"}},
                  {"class_name": "DTypePolicy", "config": {"name": "float8_from_mixed_bfloat16"}}):
        entry = {"class_name": "Dense", "config": {"name": "d", "units": 2, "dtype": dtype}}
        with pytest.raises(LoadError, match="Layer 'd' \\(Dense\\) was saved quantized"):
            drop_float_quantization_configs({"class_name": "Sequential", "config": {"layers": [entry]}})
    conv = {"class_name": "Conv1D", "config": {"name": "c", "dtype": "int8_from_float32"}}
    with pytest.raises(LoadError, match="Layer 'c' \\(Conv1D\\) was saved quantized \\(mode 'int8'"):
        drop_float_quantization_configs(conv)
    conv2d = {"class_name": "Conv2D", "config": {"name": "e", "dtype": "int4/-1_from_float32"}}
    with pytest.raises(LoadError, match="Layer 'e' \\(Conv2D\\) was saved quantized \\(mode 'int4'"):
        drop_float_quantization_configs(conv2d)
    int8 = {"class_name": "Dense", "config": {"name": "d", "dtype": "int8_from_float32",
                                              "quantization_config": None}}
    assert drop_float_quantization_configs(int8) == int8  # cornu builds it
    float_entry = {"class_name": "Dense", "config": {"name": "d", "dtype": "float8_e4m3fn",
                                                     "quantization_config": {"class_name": "Int8QuantizationConfig"}}}
    assert drop_float_quantization_configs(float_entry)["config"] == {"name": "d", "dtype": "float8_e4m3fn"}


# -- sharded weights -------------------------------------------------------------------------
def test_keras_sharded_weights_load():
    model = _axes_model()
    model.set_weights([np.zeros(w.shape, w.dtype) for w in model.get_weights()])
    model.load_weights(KERAS3 / "sharded.weights.json")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", "axes_float")),
                               fixture_expected("keras3", "axes_float"), rtol=1e-5, atol=1e-6)


def test_cornu_writes_keras_exact_sharded_layout(tmp_path):
    """Same index (text), same shard files, groups, attributes, shapes and values as Keras 3.15 wrote."""
    _axes_model().save_weights(tmp_path / "sharded.weights.json", max_shard_size=SHARD_SIZE)
    assert (tmp_path / "sharded.weights.json").read_text() == (KERAS3 / "sharded.weights.json").read_text()
    shards = sorted(p.name for p in KERAS3.glob("sharded_*.weights.h5"))
    assert sorted(os.listdir(tmp_path)) == sorted(shards + ["sharded.weights.json"])
    for name in shards:
        assert h5_tree(tmp_path / name) == h5_tree(KERAS3 / name)
        with h5py.File(tmp_path / name, "r") as ours, h5py.File(KERAS3 / name, "r") as theirs:
            names = []
            theirs.visititems(lambda n, o: names.append(n))
            for n in names:
                assert dict(ours[n].attrs) == dict(theirs[n].attrs)
                if isinstance(theirs[n], h5py.Dataset):
                    np.testing.assert_array_equal(ours[n][()], theirs[n][()])


def _trained():
    model = cornu.Sequential([cornu.Input((3,)), cornu.layers.Dense(4, activation="relu"), cornu.layers.Dense(2)])
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    model.fit(x, np.ones((8, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    return model


def test_sharded_round_trip_with_optimizer_state_and_overwrite(tmp_path):
    model = _trained()
    path = tmp_path / "w.weights.json"
    model.save_weights(path, max_shard_size=1e-7)
    index = json.loads(path.read_text())
    assert len(set(f for v in index["weight_map"].values() for f in (v if isinstance(v, list) else [v]))) > 3
    fresh = _trained()
    fresh.load_weights(path)
    for a, b in zip(fresh.weights + fresh.optimizer.variables, model.weights + model.optimizer.variables):
        np.testing.assert_array_equal(ops.convert_to_numpy(a.value), ops.convert_to_numpy(b.value))
    before = sorted(os.listdir(tmp_path))
    model.save_weights(path, max_shard_size=1.0)  # one shard now: the stale ones are removed
    assert sorted(os.listdir(tmp_path)) == ["w.weights.json", "w_00000.weights.h5"] and len(before) > 2
    with pytest.raises(FileExistsError):
        model.save_weights(path, overwrite=False, max_shard_size=1.0)


def test_sharded_save_failure_keeps_the_previous_save(tmp_path):
    model = _trained()
    path = tmp_path / "w.weights.json"
    model.save_weights(path, max_shard_size=1.0)
    before = {p: (tmp_path / p).read_bytes() for p in os.listdir(tmp_path)}
    with pytest.raises(ValueError, match="exceeds the maximum shard size"):
        model.save_weights(path, max_shard_size=1e-8)
    assert {p: (tmp_path / p).read_bytes() for p in os.listdir(tmp_path)} == before  # no temp folder left


def test_sharded_naming_rules(tmp_path):
    model = _trained()
    with pytest.raises(ValueError, match="must end in `.weights.json`"):
        model.save_weights(tmp_path / "w.h5x", max_shard_size=1.0)
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        model.save_weights(tmp_path / "w.weights.json")
    with pytest.warns(UserWarning, match="requires `\\*.json`"):
        model.save_weights(tmp_path / "v.weights.h5", max_shard_size=1.0)
    assert sorted(os.listdir(tmp_path)) == ["v.weights.json", "v_00000.weights.h5"]


def _index(tmp_path, weight_map):
    path = tmp_path / "evil.weights.json"
    path.write_text(json.dumps({"metadata": {"total_size": 1.0}, "weight_map": weight_map}))
    return path


@pytest.mark.parametrize("name", ["../w_00000.weights.h5", "/etc/passwd", "sub/w_00000.weights.h5",
                                  "..", "C:evil.h5", "a\\b.h5"])
def test_shard_names_must_stay_in_the_folder(tmp_path, name):
    model = _trained()
    (tmp_path / "sub").mkdir()
    model.save_weights(tmp_path / "sub" / "w.weights.json", max_shard_size=1.0)
    with pytest.raises(UnsafeFileError, match="not a plain file name"):
        model.load_weights(_index(tmp_path, {"/layers/dense/vars": name}))


def test_shard_links_out_of_the_folder_and_bad_indexes(tmp_path):
    model = _trained()
    outside = tmp_path / "outside"
    outside.mkdir()
    model.save_weights(outside / "w.weights.json", max_shard_size=1.0)
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(outside / "w_00000.weights.h5", inside / "w_00000.weights.h5")
    index = inside / "w.weights.json"
    index.write_text((outside / "w.weights.json").read_text())
    with pytest.raises(UnsafeFileError, match="link leading out"):
        model.load_weights(index)
    with pytest.raises(LoadError, match="missing"):
        model.load_weights(_index(tmp_path, {"/layers/dense/vars": "nowhere_00000.weights.h5"}))
    with pytest.raises(LoadError, match="must name shard files"):
        model.load_weights(_index(tmp_path, {"/layers/dense/vars": 3}))
    bad = tmp_path / "x.weights.json"
    bad.write_text('{"weight_map": []}')
    with pytest.raises(LoadError, match="weight_map"):
        model.load_weights(bad)
    # The same dataset in two shards is refused.
    (tmp_path / "a").mkdir()
    model.save_weights(tmp_path / "a" / "w.weights.json", max_shard_size=1.0)
    os.link(tmp_path / "a" / "w_00000.weights.h5", tmp_path / "a" / "copy.weights.h5")
    twice = {"/layers/dense/vars": ["w_00000.weights.h5", "copy.weights.h5"]}
    with pytest.raises(LoadError, match="two shards"):
        model.load_weights(_index(tmp_path / "a", twice))
