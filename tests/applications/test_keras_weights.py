"""MobileNetV3, NASNet and ConvNeXt give real Keras's predictions.

* Small models get the same weights on both sides (``make_fixtures.formula_weights``):
  Keras's predictions are in ``fixtures/small_models_pred.npz``.
* A small ConvNeXt (nested ``Sequential`` stem/downsampling, ``LayerScale``,
  ``StochasticDepth``) loads Keras's legacy ``.h5`` and ``.weights.h5`` files.
* Opt-in (``CORNU_KERAS_PYTHON`` naming a Python with Keras 3): full-size
  applications made by Keras on the fly, loaded from both file formats.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import cornu
import cornu.applications as A
import cornu.saving  # noqa: F401  (load_weights hooks)
from cornu.applications import convnext, nasnet

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)
from make_fixtures import FORMULA_WEIGHTS, formula_weights, full_inputs, image_inputs  # noqa: E402

PREDS = np.load(os.path.join(FIXTURES, "small_models_pred.npz"))
KERAS3 = os.environ.get("CORNU_KERAS_PYTHON")


def _close(got, expected):
    got = np.asarray(got)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 + 1e-5 * np.abs(expected).max())


def small_mobilenet_v3(**kwargs):
    return A.MobileNetV3Small(alpha=0.25, classes=10, classifier_activation=None, weights=None, **kwargs)


def test_mobilenet_v3_small_gives_keras_predictions():
    model = small_mobilenet_v3(input_shape=(64, 64, 3))
    formula_weights(model, FORMULA_WEIGHTS["mobilenet_v3_small_025_c10"])
    expected = PREDS["mobilenet_v3_small_025_c10"]
    assert np.abs(expected[0] - expected[1]).max() > 0.1 * np.abs(expected).max()  # input-dependent
    _close(model.predict(image_inputs(64), verbose=0), expected)


def test_nasnet_cells_give_keras_predictions():
    model = nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=96, num_blocks=1, stem_block_filters=8,
                          skip_reduction=False, weights=None, classes=10, default_size=32,
                          classifier_activation=None, name="nasnet_mini")
    assert model.count_params() == 27896  # Keras's count for this configuration
    formula_weights(model, FORMULA_WEIGHTS["nasnet_mini_c10"])
    expected = PREDS["nasnet_mini_c10"]
    assert np.abs(expected[0] - expected[1]).max() > 0.1 * np.abs(expected).max()
    _close(model.predict(image_inputs(32, low=-1.0, high=1.0), verbose=0), expected)


def test_convnext_loads_keras_h5_and_weights_h5():
    model = convnext.ConvNeXt([1, 1, 2, 1], [8, 16, 24, 32], drop_path_rate=0.1, input_shape=(32, 32, 3),
                              classes=10, classifier_activation=None, name="convnext_mini",
                              weights=os.path.join(FIXTURES, "convnext_mini_c10.h5"))
    assert model.count_params() == 32090
    assert model.get_layer("convnext_mini_stem").__class__.__name__ == "Sequential"
    depth = [layer for layer in model.layers if isinstance(layer, convnext.StochasticDepth)]
    np.testing.assert_allclose([d.drop_path_rate for d in depth], np.linspace(0, 0.1, 5)[1:])
    x = image_inputs(32)
    expected = PREDS["convnext_mini_c10"]
    _close(model.predict(x, verbose=0), expected)  # inference: stochastic depth is the identity
    gamma = model.get_layer("convnext_mini_stage_2_block_1_layer_scale").gamma
    assert not np.allclose(cornu.ops.convert_to_numpy(gamma.value), 1e-6)  # the file's LayerScale arrived

    model.set_weights([np.zeros_like(np.asarray(w)) for w in model.get_weights()])
    model.load_weights(os.path.join(FIXTURES, "convnext_mini_c10.weights.h5"))
    _close(model.predict(x, verbose=0), expected)


FULL = ["MobileNetV3Small", "MobileNetV3Large", "InceptionResNetV2", "NASNetMobile", "ConvNeXtTiny"]


@pytest.mark.skipif(not KERAS3, reason="set CORNU_KERAS_PYTHON to a Python with Keras 3 installed")
@pytest.mark.parametrize("name", FULL)
def test_full_size_keras_files_give_keras_predictions(tmp_path, name):
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([KERAS3, os.path.join(HERE, "make_fixtures.py"), "full", name, str(tmp_path)],
                            capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0 and "DONE" in result.stdout, result.stdout + result.stderr[-3000:]
    expected = np.load(tmp_path / "pred.npy")
    model = getattr(A, name)(weights=str(tmp_path / "model.h5"), classifier_activation=None)
    x = full_inputs(name, model.input_shape[1])
    _close(model.predict(x, verbose=0), expected)
    model.set_weights([np.zeros_like(np.asarray(w)) for w in model.get_weights()])
    model.load_weights(tmp_path / "model.weights.h5")
    _close(model.predict(x, verbose=0), expected)
