"""``cornu.layers.serialize`` / ``cornu.layers.deserialize`` (Keras 3 public API).

The fixture ``fixtures/keras315_layer_configs.json`` holds ``keras.layers.serialize``
output of real Keras 3.15.1 with each layer's weights, an input and Keras' output
(generator: ``fixtures/make_serialize_api_fixture.py``).
"""
import json
import pathlib

import numpy as np
import pytest

import cornu as keras
from cornu import layers

_np = keras.ops.convert_to_numpy
FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "keras315_layer_configs.json"


def _layers_to_round_trip():
    return [
        (layers.Dense(3, activation="relu", name="d"), (2, 4)),
        (layers.Conv2D(2, 3, padding="same", name="c"), (2, 5, 5, 3)),
        (layers.BatchNormalization(momentum=0.8, name="bn"), (2, 6)),
        (layers.GRU(4, return_sequences=True, name="g"), (2, 3, 5)),
        (layers.Dropout(0.5, name="dr"), (2, 3)),
    ]


@pytest.mark.parametrize("index", range(5))
def test_round_trip_rebuilds_an_equivalent_built_layer(index):
    layer, shape = _layers_to_round_trip()[index]
    x = np.random.default_rng(index).normal(size=shape).astype("float32")
    expected = _np(layer(x))
    config = layers.serialize(layer)
    assert set(config) >= {"module", "class_name", "config", "registered_name"}
    assert config["module"] == "keras.layers"
    assert config["class_name"] == type(layer).__name__
    assert config["registered_name"] is None
    if layer.weights:
        assert config["build_config"]["input_shape"] == list(shape)
    else:  # built at construction (as in Keras 3.15: Dropout has no build_config)
        assert "build_config" not in config
    config = json.loads(json.dumps(config))  # JSON-able
    again = layers.deserialize(config)
    assert type(again) is type(layer)
    assert again is not layer
    assert again.built
    assert again.get_config() == layer.get_config()
    assert [tuple(w.shape) for w in again.weights] == [tuple(w.shape) for w in layer.weights]
    again.set_weights(layer.get_weights())
    np.testing.assert_allclose(_np(again(x)), expected, rtol=1e-5, atol=1e-6)


def test_unbuilt_layer_has_no_build_config_and_deserializes_unbuilt():
    config = layers.serialize(layers.Dense(2))
    assert "build_config" not in config
    assert not layers.deserialize(config).built


def test_model_round_trip():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    again = layers.deserialize(json.loads(json.dumps(layers.serialize(model))))
    assert type(again) is keras.Sequential
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(_np(again(x)), _np(model(x)), rtol=1e-5, atol=1e-6)


def _fixture_entries():
    return json.loads(FIXTURE.read_text())["layers"]


@pytest.mark.parametrize("index", range(6))
def test_configs_written_by_keras_deserialize_into_equivalent_layers(index):
    entry = _fixture_entries()[index]
    serialized = entry["serialized"]
    layer = layers.deserialize(serialized)
    assert type(layer).__name__ == serialized["class_name"]
    assert layer.name == serialized["config"]["name"]
    assert layer.built  # from Keras' build_config
    x = np.asarray(entry["input"], dtype=entry["input_dtype"])
    weights = [np.asarray(w, dtype="float32") for w in entry["weights"]]
    assert [tuple(w.shape) for w in layer.weights] == [w.shape for w in weights]
    layer.set_weights(weights)
    np.testing.assert_allclose(_np(layer(x)), np.asarray(entry["output"]), rtol=1e-5, atol=1e-5)
    # cornu writes back the same constructor arguments Keras wrote (those cornu knows).
    ours = layers.serialize(layer)
    assert ours["class_name"] == serialized["class_name"]
    for key in ("name", "units", "filters", "kernel_size", "strides", "padding", "epsilon", "rate",
                "return_sequences", "input_dim", "output_dim", "activation"):
        if key in serialized["config"]:
            assert ours["config"][key] == serialized["config"][key], key


def test_keras2_style_config_is_accepted():
    config = {
        "class_name": "Dense",
        "config": {
            "name": "dense_1", "trainable": True, "batch_input_shape": [None, 4], "dtype": "float32",
            "units": 2, "activation": "sigmoid", "use_bias": True,
            "kernel_initializer": {"class_name": "VarianceScaling",
                                   "config": {"scale": 2.0, "mode": "fan_in", "distribution": "uniform",
                                              "seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}},
            "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None,
        },
    }
    layer = layers.deserialize(config)
    assert isinstance(layer, layers.Dense)
    assert layer.units == 2 and layer.name == "dense_1"
    init = layer.kernel_initializer.get_config()
    assert (init["scale"], init["mode"], init["distribution"]) == (2.0, "fan_in", "uniform")
    assert layer.kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)
    x = np.ones((1, 4), "float32")
    out = _np(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(x @ kernel + bias))), rtol=1e-5)


class _Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_layer_needs_custom_objects():
    config = layers.serialize(_Scale(3.0, name="scale"))
    with pytest.raises(ValueError, match="_Scale"):
        layers.deserialize(config)
    layer = layers.deserialize(config, custom_objects={"_Scale": _Scale})
    assert isinstance(layer, _Scale) and layer.factor == 3.0
    np.testing.assert_allclose(_np(layer(np.ones((1, 2), "float32"))), [[3.0, 3.0]])


def test_unknown_class_gives_a_clear_error():
    with pytest.raises(ValueError, match="Unknown layer: 'NoSuchLayer'"):
        layers.deserialize({"module": "keras.layers", "class_name": "NoSuchLayer", "config": {},
                            "registered_name": None})
    with pytest.raises(ValueError, match="Unknown layer: 'NoSuchLayer'"):
        layers.deserialize({"class_name": "NoSuchLayer", "config": {}})


@pytest.mark.parametrize("bad", ["Dense", 3, None, {"config": {}}, ["Dense"]])
def test_deserialize_rejects_what_is_not_a_config(bad):
    with pytest.raises(ValueError, match="config"):
        layers.deserialize(bad)


def test_deserialize_rejects_configs_of_non_layers():
    with pytest.raises(ValueError, match="not a layer"):
        layers.deserialize({"module": "keras.initializers", "class_name": "Zeros", "config": {},
                            "registered_name": None})


def test_deserialize_rejects_bad_custom_objects():
    with pytest.raises(TypeError, match="custom_objects"):
        layers.deserialize(layers.serialize(layers.Dense(1)), custom_objects=[_Scale])


@pytest.mark.parametrize("bad", [layers.Dense, "dense", 3])
def test_serialize_rejects_non_layers(bad):
    with pytest.raises(TypeError, match="layer"):
        layers.serialize(bad)
