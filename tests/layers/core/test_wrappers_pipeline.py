"""Wrapper (the base of TimeDistributed and SpectralNormalization) and Pipeline: values,
training flags and masks passed along, configs as Keras writes them, .keras round trips."""
import numpy as np
import pytest

import cornu
from cornu import layers, ops

rng = np.random.default_rng(9)


class Doubler(layers.Wrapper):
    """A minimal wrapper: twice the wrapped layer's output."""

    def call(self, inputs):
        return ops.multiply(self.layer(inputs), 2.0)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)


def test_wrapper_builds_serializes_and_revives_the_wrapped_layer():
    wrapped = Doubler(layers.Dense(3, bias_initializer="random_normal"), name="twice")
    x = rng.standard_normal((2, 4)).astype("float32")
    out = ops.convert_to_numpy(wrapped(x))
    dense = wrapped.layer
    assert dense.built and wrapped.built
    np.testing.assert_allclose(out, 2 * (x @ dense.kernel.numpy() + dense.bias.numpy()), rtol=1e-5, atol=1e-6)
    config = wrapped.get_config()
    assert config["name"] == "twice" and config["layer"]["class_name"] == "Dense"
    assert config["layer"]["config"]["units"] == 3
    again = Doubler.from_config(config)
    assert isinstance(again.layer, layers.Dense) and again.get_config() == config
    assert isinstance(layers.TimeDistributed(layers.Dense(2)), layers.Wrapper)
    assert isinstance(layers.SpectralNormalization(layers.Dense(2)), layers.Wrapper)


def test_wrapper_rejects_non_layers():
    with pytest.raises(ValueError, match="Doubler must wrap a `Layer` instance; received layer=3"):
        Doubler(3)


def test_pipeline_applies_layers_in_order():
    pipe = layers.Pipeline([layers.Dense(4, activation="relu"), layers.Dense(2)], name="pipe")
    x = rng.standard_normal((3, 5)).astype("float32")
    out = ops.convert_to_numpy(pipe(x))
    d1, d2 = pipe.layers
    want = np.maximum(x @ d1.kernel.numpy() + d1.bias.numpy(), 0) @ d2.kernel.numpy() + d2.bias.numpy()
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
    assert len(pipe.weights) == 4 and len(pipe.trainable_weights) == 4
    sym = pipe(cornu.Input((5,)))
    assert tuple(sym.shape) == (None, 2)


def test_pipeline_training_flag_defaults_to_true_and_follows_the_caller():
    pipe = layers.Pipeline([layers.Dropout(0.5, seed=1)])
    x = np.ones((4, 50), "float32")
    assert np.any(ops.convert_to_numpy(pipe(x)) == 0)  # standalone: training=True, as in Keras
    np.testing.assert_array_equal(ops.convert_to_numpy(pipe(x, training=False)), x)
    inp = cornu.Input((50,))
    model = cornu.Model(inp, pipe(inp))
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)  # inference inside a model


def test_pipeline_passes_masks_along():
    pipe = layers.Pipeline([layers.Embedding(10, 3, mask_zero=True), layers.GlobalAveragePooling1D()])
    ids = np.array([[1, 2, 0, 0], [3, 4, 5, 6]], "int32")
    out = ops.convert_to_numpy(pipe(ids))
    table = pipe.layers[0].embeddings.numpy()
    np.testing.assert_allclose(out[0], table[[1, 2]].mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[1], table[[3, 4, 5, 6]].mean(0), rtol=1e-5, atol=1e-6)


def test_pipeline_config_gradients_and_keras_file(tmp_path):
    pipe = layers.Pipeline([layers.Dense(3), layers.Dense(2)], name="pipe")
    config = pipe.get_config()
    assert set(config) == {"layers", "name"} and [c["class_name"] for c in config["layers"]] == ["Dense", "Dense"]
    again = layers.Pipeline.from_config(config)
    assert again.name == "pipe" and [type(x) for x in again.layers] == [layers.Dense, layers.Dense]
    inp = cornu.Input((5,))
    model = cornu.Model(inp, pipe(inp))
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.standard_normal((8, 5)).astype("float32"), rng.standard_normal((8, 2)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    path = str(tmp_path / "pipe.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.layers[1]) is layers.Pipeline
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
    # Keras's weight-file layout: <pipeline>/layers/dense, <pipeline>/layers/dense_1.
    from cornu.saving import object_tree

    paths = [p for p, _ in object_tree.walk(pipe)]
    assert paths == ["", "layers/dense", "layers/dense_1"]


def test_pipeline_rejects_bad_layers():
    with pytest.raises(ValueError, match="Pipeline expects `layers` to be a list of `Layer` instances"):
        layers.Pipeline([layers.Dense(2), "relu"])
    with pytest.raises(ValueError, match="must hold a `layers` list"):
        layers.Pipeline.from_config({"name": "p"})
