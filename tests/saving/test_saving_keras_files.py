"""Files written by real Keras 3 (JAX backend) and Keras 2 (tf_keras) load with Keras's predictions.

The fixtures and Keras's own ``predict`` outputs come from
``fixtures/make_fixtures.py``; the expected arrays are the independent reference.
"""
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import saving

from saving_helpers import (
    FIXTURE_LAYERS,
    FIXTURE_NAMES,
    FIXTURES,
    archive_weights_bytes,
    fixture_expected,
    fixture_inputs,
    h5_tree,
    predict,
    require_layers,
)

ATOL = 1e-5


def _fresh_copy(model):
    """Same architecture, new random weights (and a check that they really differ)."""
    clone = saving.clone_model(model)
    assert any(not np.allclose(a, b) for a, b in zip(clone.get_weights(), model.get_weights()))
    return clone


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras3_archive_loads_with_keras_predictions(name):
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras3" / f"{name}.keras")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", name)),
                               fixture_expected("keras3", name), atol=ATOL)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras3_legacy_h5_loads_with_keras_predictions(name):
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras3" / f"{name}.h5")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", name)),
                               fixture_expected("keras3", name), atol=ATOL)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras3_weights_file_loads_into_fresh_model(name):
    require_layers(*FIXTURE_LAYERS[name])
    reference = saving.load_model(FIXTURES / "keras3" / f"{name}.keras", compile=False)
    model = _fresh_copy(reference)
    model.load_weights(FIXTURES / "keras3" / f"{name}.weights.h5")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras3", name)),
                               fixture_expected("keras3", name), atol=ATOL)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras2_h5_loads_with_keras_predictions(name):
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras2" / f"{name}.h5")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras2", name)),
                               fixture_expected("keras2", name), atol=ATOL)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras2_weights_file_loads_into_fresh_model(name):
    require_layers(*FIXTURE_LAYERS[name])
    reference = saving.load_model(FIXTURES / "keras2" / f"{name}.h5", compile=False)
    model = _fresh_copy(reference)
    model.load_weights(FIXTURES / "keras2" / f"{name}_weights.h5")
    np.testing.assert_allclose(predict(model, fixture_inputs("keras2", name)),
                               fixture_expected("keras2", name), atol=ATOL)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_weights_cornu_writes_have_keras3_layout(name, tmp_path):
    """Same HDF5 paths and shapes as the weights file Keras 3 wrote for the same model."""
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras3" / f"{name}.keras")
    model.save_weights(tmp_path / "cornu.weights.h5")
    keras_tree = h5_tree(FIXTURES / "keras3" / f"{name}.weights.h5")
    assert h5_tree(tmp_path / "cornu.weights.h5") == keras_tree
    model.save(tmp_path / "cornu.keras")
    (tmp_path / "inner.h5").write_bytes(archive_weights_bytes(tmp_path / "cornu.keras"))
    assert h5_tree(tmp_path / "inner.h5") == keras_tree
    with h5py.File(tmp_path / "cornu.weights.h5") as mine, \
            h5py.File(FIXTURES / "keras3" / f"{name}.weights.h5") as theirs:
        for path, shape in keras_tree.items():
            if path.endswith("/vars") or path == "vars":
                assert mine[path].attrs["name"] == theirs[path].attrs["name"], path
            elif shape is not None and not path.startswith("optimizer"):
                np.testing.assert_allclose(mine[path][()], theirs[path][()], atol=1e-7)


@pytest.mark.parametrize("name", ["mlp", "batchnorm", "cnn"])
def test_legacy_h5_cornu_writes_has_keras_group_layout(name, tmp_path):
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras3" / f"{name}.h5")
    model.save(tmp_path / "cornu.h5")
    with h5py.File(tmp_path / "cornu.h5") as mine, h5py.File(FIXTURES / "keras3" / f"{name}.h5") as theirs:
        assert set(mine.attrs) == set(theirs.attrs) == {"backend", "keras_version", "model_config",
                                                        "training_config"}
        assert list(mine["model_weights"].attrs["layer_names"]) == \
            [n.encode() if isinstance(n, str) else n for n in theirs["model_weights"].attrs["layer_names"]]
        assert set(mine["model_weights"]) == set(theirs["model_weights"])
        for layer in theirs["model_weights"]:
            assert len(mine["model_weights"][layer].attrs["weight_names"]) == \
                len(theirs["model_weights"][layer].attrs["weight_names"])
        assert len(mine["optimizer_weights"].attrs["weight_names"]) == \
            len(theirs["optimizer_weights"].attrs["weight_names"])


def test_keras3_archive_restores_optimizer_state():
    require_layers(*FIXTURE_LAYERS["mlp"])
    path = FIXTURES / "keras3" / "mlp.keras"
    model = saving.load_model(path)
    with zipfile.ZipFile(path) as zf:
        raw = zf.read("model.weights.h5")
    import io

    with h5py.File(io.BytesIO(raw)) as f:
        saved = [f["optimizer"]["vars"][str(i)][()] for i in range(len(f["optimizer"]["vars"]))]
    variables = model.optimizer.variables
    assert isinstance(model.optimizer, cornu.optimizers.Adam)
    assert len(variables) == len(saved) == 2 + 2 * len(model.trainable_weights)
    for variable, value in zip(variables, saved):
        np.testing.assert_allclose(cornu.ops.convert_to_numpy(variable.value), value)
    assert int(cornu.ops.convert_to_numpy(model.optimizer.iterations)) == 3  # 5 samples, batches of 2
    np.testing.assert_allclose(float(cornu.ops.convert_to_numpy(model.optimizer.learning_rate)), 0.01,
                               rtol=1e-6)


def test_keras2_h5_restores_optimizer_state():
    """tf_keras stores [iteration, m0, v0, m1, v1, ...] without a learning-rate variable."""
    require_layers(*FIXTURE_LAYERS["mlp"])
    path = FIXTURES / "keras2" / "mlp.h5"
    model = saving.load_model(path)
    with h5py.File(path) as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["optimizer_weights"].attrs["weight_names"]]
        saved = [f["optimizer_weights"][n][()] for n in names]
    variables = model.optimizer.variables
    assert len(saved) == len(variables) - 1
    np.testing.assert_array_equal(cornu.ops.convert_to_numpy(variables[0].value), saved[0])
    for variable, value in zip(variables[2:], saved[1:]):
        np.testing.assert_allclose(cornu.ops.convert_to_numpy(variable.value), value)
    assert int(cornu.ops.convert_to_numpy(model.optimizer.iterations)) == 3
