"""MobileNetV3 / InceptionResNetV2 / NASNet / ConvNeXt specifics: their layers
(``CustomScaleLayer``, ``LayerScale``, ``StochasticDepth``) against NumPy,
Keras's serialized configs, preprocessing, argument checks and ``keras.*`` paths."""
import numpy as np
import pytest

import cornu
from cornu import layers, ops
from cornu.applications import _builder, convnext, inception_resnet_v2, mobilenet_v3, nasnet
from cornu.serialization import deserialize_keras_object, serialize_keras_object

# Keras 3.15's serialize_keras_object output for these layers (printed with real Keras).
_DTYPE = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
KERAS_CONFIGS = {
    "CustomScaleLayer": ({"module": "keras.src.applications.inception_resnet_v2", "class_name": "CustomScaleLayer",
                          "config": {"name": "custom_scale_layer", "trainable": True, "dtype": _DTYPE, "scale": 0.1},
                          "registered_name": "CustomScaleLayer"}, {"scale": 0.1}),
    "LayerScale": ({"module": "keras.src.applications.convnext", "class_name": "LayerScale",
                    "config": {"name": "layer_scale", "trainable": True, "dtype": _DTYPE, "init_values": 1e-06,
                               "projection_dim": 8}, "registered_name": "LayerScale"},
                   {"init_values": 1e-6, "projection_dim": 8}),
    "StochasticDepth": ({"module": "keras.src.applications.convnext", "class_name": "StochasticDepth",
                         "config": {"name": "stochastic_depth", "trainable": True, "dtype": _DTYPE,
                                    "drop_path_rate": 0.1}, "registered_name": "StochasticDepth"},
                        {"drop_path_rate": 0.1}),
}


@pytest.mark.parametrize("class_name", sorted(KERAS_CONFIGS))
def test_keras_configs_deserialize_and_round_trip(class_name):
    config, attrs = KERAS_CONFIGS[class_name]
    layer = deserialize_keras_object(config)
    assert type(layer).__name__ == class_name
    for key, value in attrs.items():
        assert getattr(layer, key) == value
    again = serialize_keras_object(layer)
    assert again["module"] == config["module"] and again["class_name"] == class_name
    assert {k: again["config"][k] for k in attrs} == attrs
    assert type(deserialize_keras_object(again)) is type(layer)


def test_custom_scale_layer_against_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(2, 3, 4)).astype("float32")
    out = inception_resnet_v2.CustomScaleLayer(0.17)([ops.convert_to_tensor(a), ops.convert_to_tensor(b)])
    np.testing.assert_allclose(ops.convert_to_numpy(out), a + 0.17 * b, rtol=1e-6, atol=1e-6)
    x, y = cornu.Input((3, 4)), cornu.Input((3, 4))
    assert inception_resnet_v2.CustomScaleLayer(0.5)([x, y]).shape == (None, 3, 4)


def test_layer_scale_value_and_gradient():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 4)).astype("float32")
    inputs = cornu.Input((4,))
    scale = convnext.LayerScale(0.5, 4)
    model = cornu.Model(inputs, scale(inputs))
    np.testing.assert_array_equal(ops.convert_to_numpy(scale.gamma.value), np.full(4, 0.5, "float32"))
    assert len(scale.trainable_weights) == 1
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)), x * 0.5, rtol=1e-6)
    # one SGD step on mse(x * gamma, 0): dL/dgamma_j = 2 gamma_j sum_b x_bj^2 / (B * 4)
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    model.fit(x, np.zeros_like(x), batch_size=6, epochs=1, verbose=0, shuffle=False)
    grad = 2 * 0.5 * (x ** 2).sum(axis=0) / (6 * 4)
    np.testing.assert_allclose(ops.convert_to_numpy(scale.gamma.value), 0.5 - 0.1 * grad, rtol=1e-5)


def test_stochastic_depth_training_and_inference():
    layer = convnext.StochasticDepth(0.3)
    x = np.random.default_rng(2).uniform(1, 2, size=(400, 3, 2, 2)).astype("float32")
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), x)  # inference: identity
    out = ops.convert_to_numpy(layer(x, training=True))
    kept = np.all(out != 0, axis=(1, 2, 3))
    dropped = np.all(out == 0, axis=(1, 2, 3))
    assert np.all(kept | dropped)  # one decision per sample
    np.testing.assert_allclose(out[kept], x[kept] / 0.7, rtol=1e-6)
    assert 0.6 < kept.mean() < 0.8  # keep probability 0.7 (400 samples: ~6 standard deviations)
    with pytest.raises(ValueError, match="drop_path_rate"):
        convnext.StochasticDepth(1.5)


def test_preprocess_and_decode():
    x = np.random.default_rng(3).uniform(0, 255, (1, 4, 4, 3)).astype("float32")
    assert mobilenet_v3.preprocess_input(x) is x and convnext.preprocess_input(x) is x
    for module in (inception_resnet_v2, nasnet):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), x / 127.5 - 1.0, rtol=1e-6, atol=1e-6)
    for module in (mobilenet_v3, convnext, inception_resnet_v2, nasnet):
        assert module.decode_predictions.__doc__
        with pytest.raises(ValueError, match="1000"):
            module.decode_predictions(np.zeros((1, 10)))


def test_block_helpers():
    assert [_builder.make_divisible(v) for v in (3, 8 * 0.25, 16 * 0.75, 72 * 0.75, 1280 * 1.25)] == [8, 8, 16, 56, 1600]
    x = cornu.Input((8, 8, 16))
    y = mobilenet_v3._hard_sigmoid(x)
    model = cornu.Model(x, y)
    v = np.linspace(-5, 5, 8 * 8 * 16).reshape(1, 8, 8, 16).astype("float32")
    np.testing.assert_allclose(np.asarray(model.predict(v, verbose=0)), np.clip(v + 3, 0, 6) / 6, atol=1e-6)
    assert not model.weights


def test_argument_errors():
    with pytest.raises(ValueError, match="alpha"):
        cornu.applications.MobileNetV3Small(alpha=0.5, weights="imagenet")
    with pytest.raises(ValueError, match="alpha"):
        cornu.applications.MobileNetV3Large(alpha=0.75, minimalistic=True, weights="imagenet")
    with pytest.raises(ValueError, match="32x32"):
        cornu.applications.MobileNetV3Small(input_shape=(16, 16, 3), weights=None)
    with pytest.raises(ValueError, match="classes"):
        cornu.applications.MobileNetV3Small(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="weights"):
        cornu.applications.InceptionResNetV2(weights="nowhere.h5")
    with pytest.raises(ValueError, match="75"):
        cornu.applications.InceptionResNetV2(include_top=False, weights=None, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="penultimate_filters"):
        nasnet.NASNet(input_shape=(32, 32, 3), penultimate_filters=100, weights=None)
    with pytest.raises(ValueError, match="static"):
        cornu.applications.NASNetMobile(include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="Unknown Inception-ResNet block"):
        inception_resnet_v2.inception_resnet_block(cornu.Input((8, 8, 32)), 0.1, "block99", 1)
    with pytest.raises(ValueError, match="Architecture configuration"):
        convnext.ConvNeXt([1, 1, 1, 1], [8, 16, 24, 32], input_shape=(32, 32, 3), include_top=False,
                          weights="imagenet", name="convnext_tiny", weights_name="convnext_tiny")


def test_keras_module_paths():
    import cornu.applications as apps

    assert apps.ConvNeXtTiny is convnext.ConvNeXtTiny and apps.NASNetLarge is nasnet.NASNetLarge
    assert apps.MobileNetV3Small is mobilenet_v3.MobileNetV3Small
    assert apps.InceptionResNetV2 is inception_resnet_v2.InceptionResNetV2
    names = ("ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge", "NASNetMobile",
             "NASNetLarge", "MobileNetV3Small", "MobileNetV3Large", "InceptionResNetV2")
    assert set(names) <= set(apps.__all__)
    assert layers.Layer in type(convnext.LayerScale(1.0, 2)).__mro__
    from cornu.legacy import keras_alias

    keras_alias.install_keras_alias()
    try:
        import keras.applications.convnext as k_convnext
        import keras.applications.inception_resnet_v2 as k_irv2
        from keras.applications import MobileNetV3Large, NASNetMobile
        from keras.applications.mobilenet_v3 import preprocess_input
        from keras.applications.nasnet import NASNetLarge

        assert k_convnext is convnext and k_irv2 is inception_resnet_v2
        assert k_convnext.LayerScale is convnext.LayerScale
        assert MobileNetV3Large is mobilenet_v3.MobileNetV3Large and NASNetMobile is nasnet.NASNetMobile
        assert preprocess_input is mobilenet_v3.preprocess_input and NASNetLarge is nasnet.NASNetLarge
    finally:
        keras_alias.uninstall_keras_alias()
