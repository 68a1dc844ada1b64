"""Files cornu writes load in REAL Keras with the same predictions (opt-in).

Skipped unless an environment variable names a Python that has Keras:

* ``CORNU_KERAS_PYTHON=/tmp/kerasenv/bin/python`` (Keras 3; JAX backend is used);
* ``CORNU_TF_KERAS_PYTHON=/tmp/tfenv/bin/python`` (Keras 2 ``tf_keras``: legacy ``.h5`` only).

Each check runs ``keras_reference_check.py`` in a subprocess; see
``fixtures/make_fixtures.py`` for setting such environments up.
"""
import os
import pathlib
import subprocess

import numpy as np
import pytest

import cornu
from cornu import layers, saving

from saving_helpers import Dense, FIXTURE_LAYERS, FIXTURE_NAMES, FIXTURES, fixture_inputs, predict, require_layers

CHECKER = pathlib.Path(__file__).resolve().parent / "keras_reference_check.py"
KERAS3 = os.environ.get("CORNU_KERAS_PYTHON")
KERAS2 = os.environ.get("CORNU_TF_KERAS_PYTHON")


def _run(python, *args):
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([python, str(CHECKER), *map(str, args)], capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.returncode == 0 and "MATCH" in result.stdout, result.stdout + result.stderr[-3000:]
    return result.stdout


def _write_case(tmp_path, model, x):
    xs = x if isinstance(x, list) else [x]
    np.savez(tmp_path / "inputs.npz", **{f"x{i}": v for i, v in enumerate(xs)})
    np.save(tmp_path / "expected.npy", np.asarray(predict(model, x)))
    model.save(tmp_path / "model.keras")
    model.save(tmp_path / "model.h5")
    model.save_weights(tmp_path / "model.weights.h5")


def _cornu_native_model():
    a = cornu.Input((4,), name="a")
    b = cornu.Input((4,), name="b")
    shared = Dense(3, name="shared")
    x = layers.Concatenate()([shared(a), shared(b)])
    x = layers.BatchNormalization()(x)
    inner = cornu.Sequential([cornu.Input((6,)), Dense(5, activation="relu")], name="inner")
    x = layers.Reshape((5, 1))(inner(x))
    out = Dense(2)(layers.LSTM(2)(x)) + 1.0
    model = cornu.Model([a, b], out)
    model.compile(optimizer=cornu.optimizers.Adam(0.01), loss="mse")
    xs = [np.random.default_rng(0).normal(size=(8, 4)).astype("float32") for _ in range(2)]
    model.fit(xs, np.ones((8, 2), "float32"), epochs=1, verbose=0)
    return model, xs


@pytest.mark.skipif(not KERAS3, reason="set CORNU_KERAS_PYTHON to a Python with Keras 3 installed")
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras3_loads_what_cornu_writes(tmp_path, name):
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras3" / f"{name}.keras")
    _write_case(tmp_path, model, fixture_inputs("keras3", name))
    _run(KERAS3, tmp_path / "model.keras", tmp_path / "inputs.npz", tmp_path / "expected.npy", "--check-optimizer")
    if name != "shared_nested":
        # A graph calling a nested model is written in Keras 2's node format (nested calls numbered from
        # 1), which Keras 3 does not read -- in tf_keras's own .h5 files either.
        _run(KERAS3, tmp_path / "model.h5", tmp_path / "inputs.npz", tmp_path / "expected.npy")
    _run(KERAS3, tmp_path / "model.weights.h5", tmp_path / "inputs.npz", tmp_path / "expected.npy",
         "--weights-into", tmp_path / "model.keras")


@pytest.mark.skipif(not KERAS3, reason="set CORNU_KERAS_PYTHON to a Python with Keras 3 installed")
def test_keras3_loads_a_cornu_built_functional_model(tmp_path):
    require_layers("Dense", "Concatenate", "BatchNormalization", "Reshape", "LSTM")
    model, xs = _cornu_native_model()
    _write_case(tmp_path, model, xs)
    out = _run(KERAS3, tmp_path / "model.keras", tmp_path / "inputs.npz", tmp_path / "expected.npy",
               "--check-optimizer")
    assert f"OPTIMIZER Adam {len(model.optimizer.variables)}" in out
    _run(KERAS3, tmp_path / "model.h5", tmp_path / "inputs.npz", tmp_path / "expected.npy")


@pytest.mark.skipif(not KERAS2, reason="set CORNU_TF_KERAS_PYTHON to a Python with tf_keras installed")
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_keras2_loads_the_legacy_h5_cornu_writes(tmp_path, name):
    """Keras 2 reads cornu's ``.h5`` when its graph fits Keras 2's node format (nested models included)."""
    require_layers(*FIXTURE_LAYERS[name])
    model = saving.load_model(FIXTURES / "keras2" / f"{name}.h5")
    _write_case(tmp_path, model, fixture_inputs("keras2", name))
    _run(KERAS2, tmp_path / "model.h5", tmp_path / "inputs.npz", tmp_path / "expected.npy", "--tf-keras")


@pytest.mark.skipif(not KERAS2, reason="set CORNU_TF_KERAS_PYTHON to a Python with tf_keras installed")
def test_keras2_loads_cornu_built_nested_models(tmp_path):
    """Shared nested Functional and Sequential models, a model nesting a nested model, a nested call as
    an output branch: Keras 2 rebuilds the graph from cornu's ``.h5`` with the same predictions."""
    from test_saving_keras2_nested import nested_model

    model, xs = nested_model()
    _write_case(tmp_path, model, xs)
    _run(KERAS2, tmp_path / "model.h5", tmp_path / "inputs.npz", tmp_path / "expected.npy", "--tf-keras")


@pytest.mark.skipif(not KERAS3, reason="set CORNU_KERAS_PYTHON to a Python with Keras 3 installed")
def test_keras3_loads_sharded_weights_cornu_writes(tmp_path):
    """``save_weights(..., max_shard_size=...)``: Keras 3 reads cornu's index and shards into its model."""
    model = saving.load_model(FIXTURES / "keras3" / "axes_float.keras")
    _write_case(tmp_path, model, fixture_inputs("keras3", "axes_float"))
    model.save_weights(tmp_path / "sharded.weights.json", max_shard_size=3e-7)
    assert len(list(tmp_path.glob("sharded_*.weights.h5"))) == 3
    _run(KERAS3, tmp_path / "sharded.weights.json", tmp_path / "inputs.npz", tmp_path / "expected.npy",
         "--weights-into", tmp_path / "model.keras")
