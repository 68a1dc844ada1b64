"""Configs: to_json/model_from_json, to_yaml/model_from_yaml, get_config/from_config, clone_model."""
import json

import numpy as np
import pytest

import cornu
from cornu import layers, saving

from saving_helpers import Dense, predict, small_sequential

X = np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4)


def _functional():
    a = cornu.Input((4,), name="left")
    b = cornu.Input((4,), name="right")
    shared = Dense(3, name="shared")
    inner = cornu.Sequential([cornu.Input((3,)), Dense(2, name="inner_dense")], name="inner")
    out = Dense(1, name="head")(inner(shared(a) + shared(b)))
    return cornu.Model([a, b], [out, shared(a)], name="fn")


def _architecture(model):
    """What must survive a config round trip: classes, names, weight shapes, sharing."""
    return [(type(layer).__name__, layer.name, [tuple(w.shape) for w in layer.weights],
             len(layer._inbound_nodes)) for layer in model.layers]


def test_sequential_json_round_trip():
    model = small_sequential()
    text = model.to_json()
    config = json.loads(text)
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    rebuilt = saving.model_from_json(text)
    assert _architecture(rebuilt) == _architecture(model)
    assert json.loads(rebuilt.to_json()) == config
    assert any(not np.array_equal(a, b) for a, b in zip(rebuilt.get_weights(), model.get_weights()))


def test_functional_json_round_trip_keeps_sharing_nesting_and_outputs():
    model = _functional()
    rebuilt = saving.model_from_json(model.to_json())
    assert _architecture(rebuilt) == _architecture(model)
    assert rebuilt.get_layer("shared") is rebuilt.layers[2]
    rebuilt.set_weights(model.get_weights())
    xs = [X, X[::-1].copy()]
    for got, want in zip(predict(rebuilt, xs), predict(model, xs)):
        np.testing.assert_allclose(got, want, rtol=0, atol=0)


def test_get_config_from_config_round_trips():
    model = _functional()
    config = model.get_config()
    rebuilt = cornu.models.Functional.from_config(config)
    assert rebuilt.get_config() == config
    seq = small_sequential()
    assert cornu.Sequential.from_config(seq.get_config()).get_config() == seq.get_config()
    wrapped = {"class_name": "Functional", "config": config}
    assert _architecture(saving.model_from_config(wrapped)) == _architecture(model)


def test_yaml_round_trip_is_plain_data():
    model = small_sequential()
    text = saving.model_to_yaml(model)
    assert "!!python" not in text
    rebuilt = saving.model_from_yaml(text)
    assert _architecture(rebuilt) == _architecture(model)


def test_keras2_yaml_with_python_tuples_loads_with_a_safe_loader():
    text = """
backend: tensorflow
class_name: Sequential
config:
  layers:
  - class_name: Dense
    config:
      activation: relu
      batch_input_shape: !!python/tuple [null, 4]
      dtype: float32
      name: dense_k2
      trainable: true
      units: 3
      use_bias: true
  name: sequential_k2
keras_version: 2.2.4
"""
    model = saving.model_from_yaml(text)
    assert [layer.name for layer in model.layers] == ["dense_k2"]
    assert model.layers[0].units == 3 and tuple(model.input_shape) == (None, 4)
    with pytest.raises(ValueError):
        saving.model_from_yaml(text.replace("!!python/tuple [null, 4]", "!!python/name:os.system ''"))


def test_keras2_json_strings_are_translated():
    text = json.dumps({"class_name": "Sequential", "keras_version": "2.4.0", "backend": "tensorflow", "config": {
        "name": "s", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
                                                    "sparse": False, "ragged": False, "name": "in"}},
            {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "linear",
                                               "dtype": "float32", "trainable": True, "use_bias": True}}]}})
    model = saving.model_from_json(text)
    assert model.layers[0].units == 2 and tuple(model.output_shape) == (None, 2)


def test_model_from_config_rejects_a_list():
    with pytest.raises(TypeError, match="Sequential.from_config"):
        saving.model_from_config([{"class_name": "Dense", "config": {"units": 1}}])


def test_clone_sequential_has_same_config_and_new_weights():
    model = small_sequential()
    clone = saving.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    assert any(not np.array_equal(a, b) for a, b in zip(clone.get_weights(), model.get_weights()))
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(predict(clone, X), predict(model, X))


def test_clone_functional_keeps_shared_layers_shared():
    model = _functional()
    clone = saving.clone_model(model)
    assert _architecture(clone) == _architecture(model)
    assert clone.get_config() == model.get_config()
    assert not set(map(id, clone.layers)) & set(map(id, model.layers))
    clone.set_weights(model.get_weights())
    xs = [X, X * 2]
    for got, want in zip(predict(clone, xs), predict(model, xs)):
        np.testing.assert_array_equal(got, want)


def test_clone_function_and_input_tensors():
    model = small_sequential()
    seen = []

    def swap(layer):
        seen.append(layer.name)
        config = layer.get_config()
        if isinstance(layer, layers.Dense):
            config["activation"] = "sigmoid"
        return layer.__class__.from_config(config)

    clone = saving.clone_model(model, clone_function=swap)
    assert seen == [layer.name for layer in model.layers]
    assert all(layer.get_config()["activation"] == "sigmoid" for layer in clone.layers)
    shared = saving.clone_model(_functional(), clone_function=lambda layer: layer)
    assert shared.get_layer("shared") is not None
    new_input = cornu.Input((4,), name="fresh")
    rebased = saving.clone_model(model, input_tensors=new_input)
    assert rebased.inputs[0] is new_input


def test_clone_subclassed_model_through_its_config():
    @saving.register_keras_serializable(package="ConfigTests")
    class Sub(cornu.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Sub(units=3)
    model.build((None, 4))
    clone = saving.clone_model(model)
    assert isinstance(clone, Sub) and clone.units == 3 and clone.built
    with pytest.raises(ValueError, match="Sequential or Functional"):
        saving.clone_model(model, clone_function=lambda layer: layer)
