"""``get_build_config``/``build_from_config`` as in Keras 3, for layers built from several shapes.

Keras 3 records the arguments of the outermost ``build`` call, whether ``build``
was called directly or by the first call: one argument gives
``{"input_shape": shape}`` (a list of shapes for merges and ``Attention``),
several give ``{"shapes_dict": {"query_shape": ..., "value_shape": ...}}``, none
gives ``{"shapes_dict": {}}``.  (Checked against Keras 3.15.1.)
"""
import json

import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.layers.deserialize import deserialize_layer
from cornu.serialization import serialize_keras_object

Q, V = (None, 4, 3), (None, 5, 3)
SECOND = (None, 4, 5)  # _TwoShapes adds its projections: same steps, other features


class _TwoShapes(layers.Layer):
    """A custom layer whose ``build`` takes one shape per call argument."""

    def build(self, first_shape, second_shape):
        self.a = self.add_weight(shape=(first_shape[-1], 2), initializer="glorot_uniform", name="a")
        self.b = self.add_weight(shape=(second_shape[-1], 2), initializer="glorot_uniform", name="b")

    def call(self, first, second):
        return keras.ops.matmul(first, self.a) + keras.ops.matmul(second, self.b)


class _NoShape(layers.Layer):
    def build(self):
        self.w = self.add_weight(shape=(3,), initializer="ones", name="w")

    def call(self, x):
        return x * self.w


class _OuterShape(layers.Dense):
    def build(self, input_shape):
        super().build((None, 7))


def _json(config):
    return json.loads(json.dumps(config))  # as stored in a file


@pytest.mark.parametrize("make,build,expected", [
    (lambda: layers.MultiHeadAttention(2, 2), lambda l: l.build(Q, V),
     {"shapes_dict": {"query_shape": [None, 4, 3], "value_shape": [None, 5, 3]}}),
    (lambda: layers.MultiHeadAttention(2, 2), lambda l: l.build(query_shape=Q, value_shape=V, key_shape=V),
     {"shapes_dict": {"query_shape": [None, 4, 3], "value_shape": [None, 5, 3], "key_shape": [None, 5, 3]}}),
    (lambda: layers.Add(), lambda l: l.build([Q, Q]), {"input_shape": [[None, 4, 3], [None, 4, 3]]}),
    (lambda: layers.Attention(), lambda l: l.build([Q, V]), {"input_shape": [[None, 4, 3], [None, 5, 3]]}),
    (lambda: layers.Concatenate(axis=1), lambda l: l.build([Q, V]), {"input_shape": [[None, 4, 3], [None, 5, 3]]}),
    (lambda: layers.Dense(2), lambda l: l.build((None, 3)), {"input_shape": [None, 3]}),
    (_TwoShapes, lambda l: l.build(Q, SECOND),
     {"shapes_dict": {"first_shape": [None, 4, 3], "second_shape": [None, 4, 5]}}),
    (_NoShape, lambda l: l.build(), {"shapes_dict": {}}),
    (lambda: _OuterShape(2), lambda l: l.build((None, 5)), {"input_shape": [None, 5]}),
])
def test_direct_build_records_the_build_config(make, build, expected):
    layer = make()
    assert layer.get_build_config() is None
    build(layer)
    assert layer.built
    assert _json(layer.get_build_config()) == expected


def test_calls_record_the_same_build_configs():
    q, s = keras.Input(Q[1:]), keras.Input(SECOND[1:])
    two, none = _TwoShapes(), _NoShape()
    two(q, s)
    none(q)
    assert _json(two.get_build_config()) == {"shapes_dict": {"first_shape": [None, 4, 3], "second_shape": [None, 4, 5]}}
    assert none.get_build_config() == {"shapes_dict": {}}


@pytest.mark.parametrize("make,build,inputs", [
    (lambda: layers.MultiHeadAttention(2, 2), lambda l: l.build(Q, V), lambda q, v: ((q, v), {})),
    (_TwoShapes, lambda l: l.build(Q, SECOND), lambda q, v: ((q, keras.ops.concatenate([v[:, :4], v[:, :4, :2]], -1)), {})),
    (lambda: layers.Attention(use_scale=True), lambda l: l.build([Q, V]), lambda q, v: (([q, v[:, :, :3]],), {})),
    (_NoShape, lambda l: l.build(), lambda q, v: ((q,), {})),
])
def test_layers_rebuild_from_a_stored_build_config_before_their_weights_arrive(make, build, inputs):
    layer = make()
    build(layer)
    stored = _json({"class_name": type(layer).__name__, "config": layer.get_config(),
                    "build_config": layer.get_build_config()})
    objects = {"_TwoShapes": _TwoShapes, "_NoShape": _NoShape}
    restored = deserialize_layer(stored, custom_objects=objects)
    assert restored.built
    assert [tuple(w.shape) for w in restored.weights] == [tuple(w.shape) for w in layer.weights]
    restored.set_weights(layer.get_weights())  # what loading a weights file does next
    rng = np.random.default_rng(0)
    q = backend.convert_to_tensor(rng.standard_normal((2, 4, 3)).astype("float32"))
    v = backend.convert_to_tensor(rng.standard_normal((2, 5, 3)).astype("float32"))
    args, kwargs = inputs(q, v)
    np.testing.assert_allclose(backend.convert_to_numpy(restored(*args, **kwargs)),
                               backend.convert_to_numpy(layer(*args, **kwargs)), rtol=1e-6)


def test_a_keras_shapes_dict_for_an_rnn_with_initial_state_builds_it():
    """Keras writes ``shapes_dict`` for an RNN called with ``initial_state``."""
    lstm = layers.LSTM(2)
    config = {"class_name": "LSTM", "config": lstm.get_config(),
              "build_config": {"shapes_dict": {"sequences_shape": [None, 4, 3],
                                               "initial_state_shape": [[None, 2], [None, 2]]}}}
    restored = deserialize_layer(config)
    assert restored.built
    assert [tuple(w.shape) for w in restored.weights] == [(3, 8), (2, 8), (8,)]


def test_functional_config_stores_the_build_config_of_multi_shape_layers():
    q, s = keras.Input(Q[1:]), keras.Input(SECOND[1:])
    model = keras.Model([q, s], _TwoShapes(name="two")(q, s))
    entry = next(c for c in model.get_config()["layers"] if c["config"]["name"] == "two")
    assert _json(entry["build_config"]) == {"shapes_dict": {"first_shape": [None, 4, 3],
                                                            "second_shape": [None, 4, 5]}}
    assert serialize_keras_object(model)["class_name"] == "Functional"
