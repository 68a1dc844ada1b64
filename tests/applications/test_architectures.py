"""Every application against real Keras: layer names, classes, order, weight
shapes and parameter count (fixture dumped from Keras by make_fixtures.py)."""
import gzip
import json
import os
import re
import sys

import numpy as np
import pytest

import cornu
import cornu.applications as A

sys.path.insert(0, os.path.dirname(__file__))
from make_fixtures import build_application  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
with gzip.open(os.path.join(FIXTURES, "keras_layer_specs.json.gz"), "rt") as _f:
    SPECS = json.load(_f)

# name -> heavy: heavy models (weight creation takes tens of seconds on a loaded CPU, notably
# under JAX) only run with CORNU_SLOW_TESTS=1; all were checked that way.
MODELS = {
    "VGG16": True, "VGG19": True, "ResNet50": False, "ResNet101": True, "ResNet152": True,
    "MobileNetV2": False, "MobileNet": True, "InceptionV3": True, "Xception": True,
    "ResNet50V2": True, "ResNet101V2": True, "ResNet152V2": True, "DenseNet121": True,
    "DenseNet169": True, "DenseNet201": True, **{f"EfficientNetB{i}": True for i in range(8)},
    "MobileNetV3Small": False, "MobileNetV3Large": True, "InceptionResNetV2": True, "NASNetMobile": True,
    "NASNetLarge": True, **{f"ConvNeXt{v}": True for v in ("Tiny", "Small", "Base", "Large", "XLarge")},
    # non-default arguments (make_fixtures.VARIANTS)
    "MobileNetV3Large/minimalistic": True, "MobileNetV3Small/alpha1.25": True, "MobileNetV3Small/notop": False,
    "ConvNeXtTiny/notop": True, "NASNetMobile/notop": True, "InceptionResNetV2/notop": True,
}
SLOW = os.environ.get("CORNU_SLOW_TESTS", "") not in ("", "0")
# Light on torch, but under JAX every new weight shape compiles its initializer (~0.5 s each here).
JAX_HEAVY = {"MobileNetV3Small", "MobileNetV3Small/notop"}


def _skip_heavy(name):
    heavy = MODELS[name] or (name in JAX_HEAVY and cornu.backend.backend() == "jax")
    if heavy and not SLOW:
        pytest.skip("large model: set CORNU_SLOW_TESTS=1")


_AUTO = re.compile(r"_\d+$")


def _norm(name, auto):
    return _AUTO.sub("", name) if auto else name


def _auto_named(name, class_name):
    snake = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)  # Keras's snake case: ReLU -> re_lu
    snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", snake).lower()
    return name == snake or name.startswith(snake + "_") or class_name == "InputLayer"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_matches_keras_layer_for_layer(name):
    _skip_heavy(name)
    if name not in SPECS:
        pytest.skip(f"no Keras spec for {name}: run make_fixtures.py specs {name}")
    model = build_application(A, name)
    spec = SPECS[name]
    got = [[layer.name, layer.__class__.__name__, [list(w.shape) for w in layer.weights]] for layer in model.layers]
    assert len(got) == len(spec["layers"])
    for (gname, gcls, gshapes), (kname, kcls, kshapes) in zip(got, spec["layers"]):
        auto = _auto_named(kname, kcls)
        assert (_norm(gname, auto), gcls, gshapes) == (_norm(kname, auto), kcls, kshapes)
    assert model.count_params() == spec["count"]
    assert list(model.output_shape) == spec["output_shape"]
    base = name.split("/")[0]
    assert model.name == SPECS_NAMES.get(base, base.lower())


SPECS_NAMES = {"MobileNetV2": "mobilenetv2_1.00_224", "MobileNet": "mobilenet_1.00_224",
               "InceptionV3": "inception_v3", **{f"EfficientNetB{i}": f"efficientnetb{i}" for i in range(8)},
               "MobileNetV3Small": "MobileNetV3Small", "MobileNetV3Large": "MobileNetV3Large",
               "InceptionResNetV2": "inception_resnet_v2", "NASNetMobile": "nasnet_mobile",
               "NASNetLarge": "nasnet_large",
               **{f"ConvNeXt{v}": f"convnext_{v.lower()}" for v in ("Tiny", "Small", "Base", "Large", "XLarge")}}


def test_published_counts():
    # Keras's documented parameter counts (keras.io/api/applications table)
    published = {"VGG16": 138357544, "ResNet50": 25636712, "MobileNetV2": 3538984,
                 "InceptionV3": 23851784, "Xception": 22910480, "InceptionResNetV2": 55873736,
                 "NASNetMobile": 5326716, "NASNetLarge": 88949818, "ConvNeXtTiny": 28589128,
                 "MobileNetV3Small": 2554968, "MobileNetV3Large": 5507432, "EfficientNetB5": 30562527,
                 "EfficientNetB6": 43265143, "EfficientNetB7": 66658687}
    for name, count in published.items():
        assert SPECS[name]["count"] == count
    assert sorted(SPECS) == sorted(MODELS)  # every application has its Keras spec, and only those


@pytest.mark.parametrize("name,shape,channels", [
    ("MobileNetV2", (96, 96, 3), 1280), ("ResNet50V2", (64, 64, 3), 2048), ("DenseNet121", (64, 64, 3), 1024),
    ("InceptionV3", (75, 75, 3), 2048), ("Xception", (71, 71, 3), 2048), ("MobileNet", (64, 64, 3), 1024),
    ("MobileNetV3Small", (32, 32, 3), 576), ("MobileNetV3Large", (32, 32, 3), 960),
    ("InceptionResNetV2", (75, 75, 3), 1536), ("NASNetMobile", (32, 32, 3), 1056), ("ConvNeXtTiny", (32, 32, 3), 768),
])
def test_feature_extractor_pooling(name, shape, channels):
    if name not in ("MobileNetV2", "MobileNet") and not SLOW:
        pytest.skip("large model: set CORNU_SLOW_TESTS=1")
    ctor = getattr(A, name)
    for pooling in ("avg", "max"):
        m = ctor(include_top=False, weights=None, input_shape=shape, pooling=pooling)
        assert tuple(m.output_shape) == (None, channels)
    m = ctor(include_top=False, weights=None, input_shape=shape)
    assert len(m.output_shape) == 4 and m.output_shape[-1] == channels


def test_small_forward_and_pooling_values():
    m = A.MobileNet(alpha=0.25, include_top=False, weights=None, input_shape=(64, 64, 3))
    mp = A.MobileNet(alpha=0.25, include_top=False, weights=None, input_shape=(64, 64, 3), pooling="max")
    mp.set_weights(m.get_weights())
    x = np.random.default_rng(0).uniform(-1, 1, (2, 64, 64, 3)).astype("float32")
    fmap = np.asarray(m.predict(x, verbose=0))
    assert fmap.shape == (2, 2, 2, 256)
    np.testing.assert_allclose(np.asarray(mp.predict(x, verbose=0)), fmap.max(axis=(1, 2)), rtol=1e-5, atol=1e-6)


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="weights"):
        A.ResNet50(weights="nowhere.h5")
    with pytest.raises(ValueError, match="classes"):
        A.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="classifier_activation"):
        A.VGG16(weights="imagenet", classifier_activation="relu")
    with pytest.raises(ValueError, match="at least"):
        A.MobileNetV2(include_top=False, weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="alpha"):
        A.MobileNetV2(alpha=0.6, weights="imagenet")


def test_classes_and_activation_and_input_tensor():
    m = A.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=None, classes=7, classifier_activation=None)
    assert m.output_shape == (None, 7)
    assert m.get_layer("predictions").activation.__name__ == "linear"
    inp = cornu.Input((64, 64, 3))
    m = A.MobileNet(alpha=0.25, include_top=False, weights=None, input_tensor=inp, pooling="avg")
    assert m.inputs[0] is inp
    assert m.output_shape == (None, 256)
