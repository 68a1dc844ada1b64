"""Files cornu writes load back in cornu: every format, model kind and sharing pattern."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import layers, saving

from saving_helpers import Dense, h5_tree, predict, small_sequential

X = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)
Y = np.linspace(0, 1, 12, dtype="float32").reshape(6, 2)


def _compiled_sequential():
    model = small_sequential()
    model.compile(optimizer=cornu.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    model.fit(X, Y, batch_size=3, epochs=1, verbose=0, shuffle=False)
    return model


def _functional():
    """Two inputs, a shared layer, a nested Sequential, an op node and two named outputs."""
    a = cornu.Input((4,), name="a")
    b = cornu.Input((4,), name="b")
    shared = Dense(3, name="shared")
    inner = cornu.Sequential([cornu.Input((3,)), Dense(3, activation="tanh", name="inner_dense")],
                             name="inner")
    merged = inner(shared(a) + shared(b))
    out1 = Dense(2, name="head1")(merged)
    out2 = Dense(1, name="head2")(shared(a))
    model = cornu.Model([a, b], {"y1": out1, "y2": out2}, name="multi")
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _assert_same_weights(a, b):
    assert len(a.get_weights()) == len(b.get_weights())
    for x, y in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(x, y)


def _assert_same_optimizer(a, b):
    assert type(a.optimizer) is type(b.optimizer)
    assert len(a.optimizer.variables) == len(b.optimizer.variables)
    for x, y in zip(a.optimizer.variables, b.optimizer.variables):
        np.testing.assert_array_equal(cornu.ops.convert_to_numpy(x.value), cornu.ops.convert_to_numpy(y.value))


@pytest.mark.parametrize("filename", ["m.keras", "m.h5", "m.hdf5"])
def test_sequential_round_trip_keeps_weights_optimizer_and_compile(tmp_path, filename):
    model = _compiled_sequential()
    model.save(tmp_path / filename)
    loaded = saving.load_model(tmp_path / filename)
    assert isinstance(loaded, cornu.Sequential)
    _assert_same_weights(model, loaded)
    _assert_same_optimizer(model, loaded)
    np.testing.assert_allclose(predict(loaded, X), predict(model, X), rtol=0, atol=0)
    assert loaded.compiled and loaded.loss == "mse"
    assert loaded.optimizer.get_config() == model.optimizer.get_config()


def test_load_without_compile_has_no_optimizer(tmp_path):
    model = _compiled_sequential()
    model.save(tmp_path / "m.keras")
    loaded = saving.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled and loaded.optimizer is None
    _assert_same_weights(model, loaded)


@pytest.mark.parametrize("filename", ["f.keras", "f.h5"])
def test_functional_multi_io_shared_nested_round_trip(tmp_path, filename):
    model = _functional()
    model.save(tmp_path / filename)
    loaded = saving.load_model(tmp_path / filename)
    _assert_same_weights(model, loaded)
    x = [X, X[::-1].copy()]
    got, want = loaded([cornu.ops.convert_to_tensor(v) for v in x]), model([cornu.ops.convert_to_tensor(v) for v in x])
    assert set(got) == {"y1", "y2"}
    for key in want:
        np.testing.assert_allclose(cornu.ops.convert_to_numpy(got[key]), cornu.ops.convert_to_numpy(want[key]),
                                   rtol=0, atol=0)
    shared = loaded.get_layer("shared")
    assert len(shared._inbound_nodes) >= 3  # still one layer, called three times
    assert [x.name for x in loaded.get_layer("inner").weights] == ["kernel", "bias"]


def test_archive_layout_members_and_metadata(tmp_path):
    model = _compiled_sequential()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        meta = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
        (tmp_path / "w.h5").write_bytes(zf.read("model.weights.h5"))
    assert meta["keras_version"].startswith("3.") and "@" in meta["date_saved"]
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse" and config["compile_config"]["metrics"] == ["mae"]
    assert config["build_config"] == {"input_shape": [None, 4]}
    # Keras 3's tree (checked against files written by Keras 3.15): own vars, layers by class name.
    assert h5_tree(tmp_path / "w.h5") == {
        "layers": None, "layers/dense": None, "layers/dense/vars": None,
        "layers/dense/vars/0": (4, 3), "layers/dense/vars/1": (3,),
        "layers/dense_1": None, "layers/dense_1/vars": None,
        "layers/dense_1/vars/0": (3, 2), "layers/dense_1/vars/1": (2,),
        "optimizer": None, "optimizer/vars": None,
        **{f"optimizer/vars/{i}": s for i, s in enumerate([(), (), (4, 3), (4, 3), (3,), (3,), (3, 2), (3, 2), (2,), (2,)])},
        "vars": None,
    }


def test_functional_weights_tree_names_layers_by_class(tmp_path):
    model = _functional()
    model.save_weights(tmp_path / "f.weights.h5")
    tree = h5_tree(tmp_path / "f.weights.h5")
    # Inputs are layers of a functional model; the shared Dense is stored once (first class-name slot).
    assert {"layers/input_layer/vars", "layers/input_layer_1/vars", "layers/dense/vars/0",
            "layers/sequential/layers/dense/vars/0", "layers/dense_1/vars/0", "layers/dense_2/vars/0"} <= set(tree)
    with h5py.File(tmp_path / "f.weights.h5") as f:
        assert f["layers/dense/vars"].attrs["name"] == "shared"
        assert f["layers/sequential/vars"].attrs["name"] == "inner"
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()],
                                      model.get_layer("shared").get_weights()[0])


@pytest.mark.parametrize("filename", ["w.weights.h5", "w.h5", "w_no_suffix"])
def test_save_and_load_weights_into_a_fresh_model(tmp_path, filename):
    model = small_sequential(seed=0)
    fresh = small_sequential(seed=5)
    model.save_weights(tmp_path / filename)
    fresh.load_weights(tmp_path / filename)
    _assert_same_weights(model, fresh)


def test_legacy_weights_file_has_keras2_layout(tmp_path):
    model = small_sequential()
    model.save_weights(tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5") as f:
        first = model.layers[0].name
        assert [n.decode() for n in f.attrs["layer_names"]] == [layer.name for layer in model.layers]
        assert [n.decode() for n in f[first].attrs["weight_names"]] == [f"{first}/kernel", f"{first}/bias"]
        np.testing.assert_array_equal(f[f"{first}/{first}/kernel"][()], model.get_weights()[0])
        assert "top_level_model_weights" in f


def test_weights_of_a_keras_archive_load_into_a_model(tmp_path):
    model = small_sequential(seed=0)
    model.save(tmp_path / "m.keras")
    fresh = small_sequential(seed=3)
    fresh.load_weights(tmp_path / "m.keras")
    _assert_same_weights(model, fresh)


def test_unzipped_folder_and_file_object_round_trips(tmp_path):
    model = _compiled_sequential()
    model.save(tmp_path / "folder.keras", zipped=False)
    assert sorted(os.listdir(tmp_path / "folder.keras")) == ["config.json", "metadata.json", "model.weights.h5"]
    _assert_same_weights(model, saving.load_model(tmp_path / "folder.keras"))
    buffer = io.BytesIO()
    saving.save_model(model, buffer)
    buffer.seek(0)
    loaded = saving.load_model(buffer)
    _assert_same_weights(model, loaded)
    _assert_same_optimizer(model, loaded)


@cornu.saving.register_keras_serializable(package="SavingTests")
class ScaledBlock(layers.Layer):
    """A custom layer with its own weight and a list of sub-layers."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.parts = [Dense(units), Dense(units)]

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")

    def call(self, x):
        return cornu.ops.multiply(self.parts[1](self.parts[0](x)), self.scale)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@cornu.saving.register_keras_serializable(package="SavingTests")
class TinyModel(cornu.Model):
    def __init__(self, hidden=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.block = ScaledBlock(hidden)
        self.out = Dense(2)

    def call(self, x):
        return self.out(self.block(x))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


def test_subclassed_model_with_registered_custom_classes(tmp_path):
    model = TinyModel()
    model.build((None, 4))
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.save(tmp_path / "s.keras")
    tree = h5_tree(_extract(tmp_path / "s.keras", tmp_path))
    # Attributes in sorted order: "block" (with its "parts" list), then "layers" holds "out".
    assert {"block/vars/0", "block/parts/dense/vars/0", "block/parts/dense_1/vars/0",
            "layers/dense/vars/0"} <= set(tree)
    loaded = saving.load_model(tmp_path / "s.keras")
    assert isinstance(loaded, TinyModel) and isinstance(loaded.block, ScaledBlock)
    np.testing.assert_allclose(predict(loaded, X), predict(model, X), rtol=0, atol=0)


def test_unregistered_custom_class_needs_custom_objects(tmp_path):
    class Plain(layers.Layer):
        def call(self, x):
            return x * 2.0

    model = cornu.Sequential([cornu.Input((4,)), Plain(name="plain"), Dense(2)])
    model.save(tmp_path / "p.keras")
    with pytest.raises(ValueError, match="Plain"):
        saving.load_model(tmp_path / "p.keras")
    loaded = saving.load_model(tmp_path / "p.keras", custom_objects={"Plain": Plain})
    np.testing.assert_allclose(predict(loaded, X), predict(model, X), rtol=0, atol=0)
    with saving.custom_object_scope({"Plain": Plain}):
        assert isinstance(saving.load_model(tmp_path / "p.keras").layers[0], Plain)


def _extract(archive_path, folder):
    target = folder / "extracted.weights.h5"
    with zipfile.ZipFile(archive_path) as zf:
        target.write_bytes(zf.read("model.weights.h5"))
    return target


def test_model_methods_use_the_saving_room(tmp_path):
    model = small_sequential()
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    other = small_sequential(seed=9)
    other.load_weights(tmp_path / "m.weights.h5")
    _assert_same_weights(model, other)


def test_load_weights_mismatch_raises_or_skips(tmp_path):
    model = small_sequential(units=3)
    model.save_weights(tmp_path / "w.weights.h5")
    other = small_sequential(units=5, seed=4)
    before = other.get_weights()
    with pytest.raises(ValueError, match="could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5")
    other.set_weights(before)
    with pytest.warns(UserWarning, match="could not be loaded"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    for x, y in zip(other.get_weights(), before):
        np.testing.assert_array_equal(x, y)


def test_by_name_loads_matching_layers_of_keras3_weights(tmp_path):
    model = cornu.Sequential([cornu.Input((4,)), Dense(3, name="a"), Dense(2, name="b")])
    model.save_weights(tmp_path / "w.weights.h5")
    other = cornu.Sequential([cornu.Input((4,)), Dense(3, name="a"), Dense(7, name="c"),
                              Dense(2, name="b2")])
    other.load_weights(tmp_path / "w.weights.h5", by_name=True)
    for x, y in zip(other.get_layer("a").get_weights(), model.get_layer("a").get_weights()):
        np.testing.assert_array_equal(x, y)
