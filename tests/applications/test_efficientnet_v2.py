"""EfficientNetV2 against real Keras (fixtures from make_efficientnet_v2_fixture.py).

* Every constructor (and a few non-default arguments): layer names, classes,
  order and weight shapes, parameter count, output shape, model name, the
  preprocessing layers' constants and the stochastic-depth rates. Two models
  always run (B0; B2 without top on 1-channel inputs), the rest with
  CORNU_SLOW_TESTS=1 (seconds to minutes each on a loaded CPU).
* A small B0-table model loads Keras's legacy ``.h5`` and ``.weights.h5`` files
  and gives Keras's predictions; a small custom-table model with S-style
  preprocessing gives Keras's predictions with formula weights; a channels-first
  model loads the channels-last file and gives the same predictions.
* Opt-in (``CORNU_KERAS_PYTHON`` naming a Python with Keras 3): full-size B0
  and S files made by Keras on the fly, loaded from both file formats.
"""
import gzip
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import cornu
import cornu.applications as A
import cornu.saving  # noqa: F401  (load_weights hooks)
from cornu.applications import efficientnet_v2

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)
from make_efficientnet_v2_fixture import (  # noqa: E402
    FORMULA_GAIN,
    NAMES,
    SMALL,
    TINY_BLOCKS,
    VARIANTS,
    build_small,
    build_variant,
    small_inputs,
)
from make_fixtures import formula_weights, full_inputs  # noqa: E402

with gzip.open(os.path.join(FIXTURES, "efficientnet_v2_specs.json.gz"), "rt") as _f:
    SPECS = json.load(_f)
PREDS = np.load(os.path.join(FIXTURES, "efficientnet_v2_small_pred.npz"))
SLOW = os.environ.get("CORNU_SLOW_TESTS", "") not in ("", "0")
KERAS3 = os.environ.get("CORNU_KERAS_PYTHON")
ALWAYS = {"EfficientNetV2B0", "EfficientNetV2B2/gray"}  # the rest: CORNU_SLOW_TESTS=1 (all checked that way)
_AUTO = re.compile(r"_\d+$")  # auto-named layers (rescaling_3) are numbered per session
_AUTO_NAMED = ("InputLayer", "Rescaling", "Normalization")


def _norm(name, class_name):
    return _AUTO.sub("", name) if class_name in _AUTO_NAMED else name


def _layer_spec(model):
    return [[_norm(layer.name, layer.__class__.__name__), layer.__class__.__name__,
             [list(w.shape) for w in layer.weights]] for layer in model.layers]


def _preprocessing(model):
    out = []
    for layer in model.layers:
        cfg = layer.get_config()
        if layer.__class__.__name__ == "Rescaling":
            out.append(["Rescaling", cfg["scale"], cfg["offset"]])
        elif layer.__class__.__name__ == "Normalization":
            out.append(["Normalization", list(cfg["mean"]), list(cfg["variance"])])
    return out


@pytest.mark.parametrize("key", [*NAMES, *VARIANTS])
def test_matches_keras_layer_for_layer(key):
    if key not in ALWAYS and not SLOW:
        pytest.skip("large model: set CORNU_SLOW_TESTS=1")
    spec = SPECS[key]
    model = build_variant(A, key)
    expected = [[_norm(n, c), c, s] for n, c, s in spec["layers"]]
    got = _layer_spec(model)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e
    assert model.count_params() == spec["count"]
    assert list(model.output_shape) == spec["output_shape"]
    assert model.name == spec["name"]
    prep = _preprocessing(model)
    assert len(prep) == len(spec["preprocessing"])
    for g, e in zip(prep, spec["preprocessing"]):
        assert g[0] == e[0]
        np.testing.assert_allclose(np.ravel(g[1:]), np.ravel(e[1:]), rtol=1e-6)
    rates = {layer.name: layer.rate for layer in model.layers if layer.__class__.__name__ == "Dropout"}
    assert sorted(rates) == sorted(spec["dropout"])
    for name, rate in spec["dropout"].items():
        np.testing.assert_allclose(rates[name], rate, rtol=1e-6)


def _close(got, expected):
    got = np.asarray(got)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(expected).max()))


@pytest.fixture(scope="module")
def b0_tiny():
    return build_small(efficientnet_v2.EfficientNetV2, "b0_tiny")


@pytest.mark.parametrize("fmt", ["weights.h5", "h5"])
def test_b0_tiny_loads_keras_files_and_gives_keras_predictions(b0_tiny, fmt):
    assert b0_tiny.count_params() == 54300  # Keras's count for this configuration
    for w in b0_tiny.weights:  # start far from the file's values: loading must overwrite every weight
        w.assign(np.zeros(w.shape, "float32"))
    b0_tiny.load_weights(os.path.join(FIXTURES, "efficientnet_v2_b0_tiny." + fmt))
    expected = PREDS["b0_tiny"]
    assert np.abs(expected[0] - expected[1]).max() > 0.05 * np.abs(expected).max()  # input-dependent
    _close(b0_tiny.predict(small_inputs("b0_tiny"), verbose=0), expected)


def test_custom_blocks_with_s_preprocessing_give_keras_predictions():
    model = build_small(efficientnet_v2.EfficientNetV2, "s_tiny")
    assert model.count_params() == 35906
    names = [layer.name for layer in model.layers]
    # fused expand-1 with skip, fused expand-4 with skip on the repeat, MBConv + SE with skip
    for name in ("block1b_project_activation", "block1b_drop", "block2b_expand_conv", "block2b_add",
                 "block3b_se_excite", "block3b_dwconv2", "block3b_add", "max_pool"):
        assert name in names
    assert [type(layer).__name__ for layer in model.layers[1:3]] == ["Rescaling", "Conv2D"]
    formula_weights(model, FORMULA_GAIN)
    expected = PREDS["s_tiny"]
    assert np.abs(expected[0] - expected[1]).max() > 0.1 * np.abs(expected).max()
    _close(model.predict(small_inputs("s_tiny"), verbose=0), expected)


def test_preprocess_input_is_identity():
    x = np.arange(24, dtype="float32").reshape(2, 2, 2, 3)
    assert efficientnet_v2.preprocess_input(x) is x
    assert efficientnet_v2.preprocess_input(x, data_format="channels_first") is x
    np.testing.assert_array_equal(x, np.arange(24, dtype="float32").reshape(2, 2, 2, 3))
    t = cornu.ops.convert_to_tensor(x)
    assert efficientnet_v2.preprocess_input(t) is t
    with pytest.raises(ValueError, match=r"data_format.*Received: data_format='channels_middle'"):
        efficientnet_v2.preprocess_input(x, data_format="channels_middle")


def test_decode_predictions_checks_shape():
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(2, 10\)"):
        efficientnet_v2.decode_predictions(np.zeros((2, 10)))


def test_public_names():
    for name in NAMES:
        assert getattr(A, name) is getattr(efficientnet_v2, name)
        assert name in A.__all__
        assert getattr(A, name).__doc__
    assert "efficientnet_v2" in A.__all__


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match=r"weights.*Received: weights=nope\.h5"):
        A.EfficientNetV2B0(weights="nope.h5")
    with pytest.raises(ValueError, match=r"classes.*1000.*Received classes=10"):
        A.EfficientNetV2B0(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match=r"at least 32x32.*input_shape=\(16, 16, 3\)"):
        A.EfficientNetV2B0(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match=r"`pooling`.*Received: pooling='mean'"):
        A.EfficientNetV2B0(weights=None, include_top=False, pooling="mean", input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match=r"classifier_activation.*Received: classifier_activation=relu"):
        A.EfficientNetV2B0(weights="imagenet", classifier_activation="relu")
    with pytest.raises(ValueError, match=r"num_repeat.*> 0.*Received: num_repeat=0"):
        efficientnet_v2.EfficientNetV2(1.0, 1.0, 32, weights=None, blocks_args=[dict(TINY_BLOCKS[0], num_repeat=0)])
    with pytest.raises(ValueError, match=r"blocks_args='default'.*name='mynet'"):
        efficientnet_v2.EfficientNetV2(1.0, 1.0, 32, weights=None, name="mynet")


def test_custom_name_keeps_variant_table_and_preprocessing():
    # Keras looks the block table up by model name (a KeyError for other names) and picks the
    # preprocessing from the name's last "-" part; here the constructor's own are kept.
    model = A.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3), name="my-s")
    assert model.name == "my-s"
    assert [type(layer).__name__ for layer in model.layers[1:3]] == ["Rescaling", "Normalization"]
    assert model.count_params() == SPECS["EfficientNetV2B0/notop"]["count"]
    # the generic function follows Keras's name rule unless told
    tiny = dict(weights=None, include_top=False, input_shape=(32, 32, 3), blocks_args=TINY_BLOCKS[:1])
    for name, override, expected in [("efficientnetv2-b9", None, "Normalization"), ("net-s", None, "Conv2D"),
                                     ("net-s", True, "Normalization"), ("efficientnetv2-b9", False, "Conv2D")]:
        model = efficientnet_v2.EfficientNetV2(0.25, 1.0, 32, name=name, imagenet_normalization=override, **tiny)
        assert type(model.layers[2]).__name__ == expected, (name, override)


@pytest.fixture
def channels_first():
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format("channels_first")
    yield
    cornu.config.set_image_data_format(previous)


def test_channels_first_model_loads_keras_channels_last_file(channels_first):
    kwargs = dict(SMALL["b0_tiny"][0], input_shape=(3, 64, 64))
    model = efficientnet_v2.EfficientNetV2(weights=os.path.join(FIXTURES, "efficientnet_v2_b0_tiny.weights.h5"),
                                           **kwargs)
    assert model.get_layer("stem_bn").axis == 1
    assert model.get_layer("block4a_se_reshape").output.shape == (None, 32, 1, 1)
    x = np.ascontiguousarray(np.transpose(small_inputs("b0_tiny"), (0, 3, 1, 2)))
    _close(model.predict(x, verbose=0), PREDS["b0_tiny"])  # Keras's channels-last predictions


@pytest.mark.skipif(not KERAS3, reason="set CORNU_KERAS_PYTHON to a Python with Keras 3 installed")
@pytest.mark.parametrize("name", ["EfficientNetV2B0", "EfficientNetV2S"])
def test_full_size_keras_files_give_keras_predictions(tmp_path, name):
    # Opt-in: Keras builds the full model with formula weights and saves both file formats.
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([KERAS3, os.path.join(HERE, "make_efficientnet_v2_fixture.py"), "full", name,
                             str(tmp_path)],
                            capture_output=True, text=True, timeout=1200, env=env)
    assert result.returncode == 0 and "DONE" in result.stdout, result.stdout + result.stderr[-3000:]
    expected = np.load(tmp_path / "pred.npy")
    assert np.abs(expected[0] - expected[1]).max() > 0.005 * np.abs(expected).max()  # input-dependent
    model = getattr(A, name)(weights=str(tmp_path / "model.h5"), classifier_activation=None)
    x = full_inputs(name, model.input_shape[1])
    _close(model.predict(x, verbose=0), expected)
    model.set_weights([np.zeros_like(np.asarray(w)) for w in model.get_weights()])
    model.load_weights(tmp_path / "model.weights.h5")
    _close(model.predict(x, verbose=0), expected)
