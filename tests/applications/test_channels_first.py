"""``image_data_format="channels_first"``: applications build with channels on
axis 1, and a Keras weights file made channels-last gives the same predictions
on transposed inputs (kernels do not depend on the layout). ConvNeXt and NASNet
refuse channels-first, as in Keras."""
import os
import sys

import numpy as np
import pytest

import cornu
import cornu.applications as A
import cornu.saving  # noqa: F401  (load_weights hooks)
from cornu.applications import efficientnet

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)
from make_fixtures import FORMULA_WEIGHTS, fixture_inputs, formula_weights, image_inputs  # noqa: E402

SLOW = os.environ.get("CORNU_SLOW_TESTS", "") not in ("", "0")


@pytest.fixture
def channels_first():
    previous = cornu.config.image_data_format()
    cornu.config.set_image_data_format("channels_first")
    yield
    cornu.config.set_image_data_format(previous)


def _nchw(x):
    return np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2)))


def test_keras_channels_last_file_into_channels_first_model(channels_first):
    model = A.MobileNetV2(alpha=0.35, input_shape=(3, 96, 96), weights=os.path.join(FIXTURES,
                          "mobilenet_v2_035_96_c10.h5"), classes=10)
    assert model.get_layer("Conv1").output.shape == (None, 16, 48, 48)
    assert model.get_layer("bn_Conv1").axis == 1
    assert model.get_layer("out_relu").output.shape == (None, 1280, 3, 3)
    assert model.output_shape == (None, 10)
    expected = np.load(os.path.join(FIXTURES, "mobilenet_v2_035_96_c10_pred.npy"))  # Keras, channels last
    got = np.asarray(model.predict(_nchw(fixture_inputs()), verbose=0))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_mobilenet_v3_channels_first_gives_keras_channels_last_predictions(channels_first):
    if cornu.backend.backend() == "jax" and not SLOW:
        pytest.skip("slow to build under JAX: set CORNU_SLOW_TESTS=1")
    model = A.MobileNetV3Small(alpha=0.25, input_shape=(3, 64, 64), classes=10, classifier_activation=None,
                               weights=None)
    assert model.get_layer("expanded_conv_squeeze_excite_mul").output.shape == (None, 16, 16, 16)
    formula_weights(model, FORMULA_WEIGHTS["mobilenet_v3_small_025_c10"])
    expected = np.load(os.path.join(FIXTURES, "small_models_pred.npz"))["mobilenet_v3_small_025_c10"]
    got = np.asarray(model.predict(_nchw(image_inputs(64)), verbose=0))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name,build,out_shape", [
    ("VGG16", lambda: A.VGG16(include_top=False, weights=None, input_shape=(3, 32, 32)), (None, 512, 1, 1)),
    ("MobileNet", lambda: A.MobileNet(alpha=0.25, include_top=False, weights=None, input_shape=(3, 64, 64)),
     (None, 256, 2, 2)),
    ("EfficientNet", lambda: efficientnet.EfficientNet(0.25, 0.5, 32, include_top=False, weights=None,
                                                       input_shape=(3, 32, 32), name="tiny"), (None, 320, 1, 1)),
    ("ResNet50", lambda: A.ResNet50(include_top=False, weights=None, input_shape=(3, 32, 32)), (None, 2048, 1, 1)),
    ("InceptionResNetV2", lambda: A.InceptionResNetV2(include_top=False, weights=None, input_shape=(3, 75, 75)),
     (None, 1536, 1, 1)),
])
def test_channels_first_output_shapes(channels_first, name, build, out_shape):
    if name != "VGG16" and not SLOW:
        pytest.skip("larger model: set CORNU_SLOW_TESTS=1")
    model = build()
    assert model.input_shape[1] == 3
    assert tuple(model.output_shape) == out_shape


def test_convnext_and_nasnet_refuse_channels_first(channels_first):
    with pytest.raises(ValueError, match="channels_first"):
        A.ConvNeXtTiny(weights=None)
    with pytest.raises(ValueError, match="channels_first"):
        A.NASNetMobile(weights=None)
