"""SpectralNormalization against a NumPy power iteration: training replaces the kernel by
W / sigma and stores u, inference leaves both alone; weights, gradients, config, files."""
import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops

rng = np.random.default_rng(5)


def _np_normalize(x):
    return x / max(np.sqrt(np.sum(x * x)), 1e-7)


def np_spectral(kernel, u, iterations):
    """``(u, W / sigma)`` after ``iterations`` power-iteration steps (float64)."""
    w = kernel.reshape(-1, kernel.shape[-1]).astype("float64")
    u = u.astype("float64")
    for _ in range(iterations):
        v = _np_normalize(u @ w.T)
        u = _np_normalize(v @ w)
    sigma = (v @ w @ u.T).item()
    return u, (w / sigma).reshape(kernel.shape)


@pytest.mark.parametrize("iterations", [1, 3])
def test_training_call_matches_numpy_and_inference_leaves_weights(iterations):
    layer = layers.SpectralNormalization(layers.Dense(4, bias_initializer="random_normal"),
                                         power_iterations=iterations)
    x = rng.standard_normal((3, 6)).astype("float32")
    layer.build(x.shape)
    kernel, u0 = layer.layer.kernel.numpy().copy(), layer.vector_u.numpy().copy()
    bias = layer.layer.bias.numpy()
    # Inference: no change, plain Dense output.
    out = ops.convert_to_numpy(layer(x, training=False))
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(layer.layer.kernel.numpy(), kernel)
    np.testing.assert_array_equal(layer.vector_u.numpy(), u0)
    # Training: kernel <- W / sigma, u stored, output computed with the new kernel.
    want_u, want_k = np_spectral(kernel, u0, iterations)
    out = ops.convert_to_numpy(layer(x, training=True))
    np.testing.assert_allclose(layer.vector_u.numpy(), want_u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.layer.kernel.numpy(), want_k, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, x @ want_k + bias, rtol=1e-5, atol=1e-5)


def test_repeated_training_calls_converge_to_unit_spectral_norm():
    layer = layers.SpectralNormalization(layers.Dense(5), power_iterations=5)
    x = rng.standard_normal((2, 7)).astype("float32")
    for _ in range(4):
        layer(x, training=True)
    assert abs(np.linalg.svd(layer.layer.kernel.numpy(), compute_uv=False)[0] - 1.0) < 1e-3


def test_weights_as_keras_orders_them_and_conv_embedding_targets():
    layer = layers.SpectralNormalization(layers.Dense(3))
    layer.build((None, 5))
    assert [(v.path.split("/")[-1], tuple(v.shape), v.trainable) for v in layer.weights] == \
        [("kernel", (5, 3), True), ("vector_u", (1, 3), False), ("bias", (3,), True)]
    assert layer.count_params() == 5 * 3 + 3 + 3
    conv = layers.SpectralNormalization(layers.Conv2D(4, 3))
    x = rng.standard_normal((1, 6, 6, 2)).astype("float32")
    assert tuple(conv(x, training=True).shape) == (1, 4, 4, 4)
    assert tuple(conv.vector_u.shape) == (1, 4)
    sv = np.linalg.svd(conv.layer.kernel.numpy().reshape(-1, 4), compute_uv=False)[0]
    assert sv < 1.5  # one step from a random u only estimates sigma; the kernel was scaled by it
    emb = layers.SpectralNormalization(layers.Embedding(10, 3))
    emb.build((None, 4))
    assert tuple(emb.vector_u.shape) == (1, 3) and emb.kernel is emb.layer.embeddings
    looked_up = emb(np.array([[1, 2, 0, 9]], "int32"), training=True)
    assert backend.standardize_dtype(looked_up.dtype) == "float32" and tuple(looked_up.shape) == (1, 4, 3)


def test_gradients_are_the_wrapped_layers_at_the_normalized_kernel():
    layer = layers.SpectralNormalization(layers.Dense(3, activation="tanh"))
    x = rng.standard_normal((4, 5)).astype("float32")
    layer.build(x.shape)
    _, want_k = np_spectral(layer.layer.kernel.numpy(), layer.vector_u.numpy(), 1)
    cot = rng.standard_normal((4, 3)).astype("float32")
    _, _, grads = backend.compute_gradients(
        lambda: (ops.sum(ops.multiply(layer(x, training=True), cot)), None), [layer.layer.kernel, layer.layer.bias])
    z = x @ want_k + layer.layer.bias.numpy()
    dz = cot * (1 - np.tanh(z) ** 2)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), x.T @ dz, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[1]), dz.sum(0), rtol=1e-4, atol=1e-5)


def test_all_zero_kernel_is_left_alone():
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros"))
    x = np.ones((1, 3), "float32")
    layer.build(x.shape)
    u0 = layer.vector_u.numpy().copy()
    layer(x, training=True)
    assert np.all(layer.layer.kernel.numpy() == 0) and np.array_equal(layer.vector_u.numpy(), u0)


def test_config_fit_and_keras_file_round_trip(tmp_path):
    layer = layers.SpectralNormalization(layers.Dense(2), power_iterations=2, name="sn")
    config = layer.get_config()
    assert config["power_iterations"] == 2 and config["layer"]["class_name"] == "Dense"
    again = layers.SpectralNormalization.from_config(config)
    assert again.get_config() == config and again.power_iterations == 2
    inp = cornu.Input((5,))
    model = cornu.Model(inp, layer(inp))
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.standard_normal((8, 5)).astype("float32"), rng.standard_normal((8, 2)).astype("float32")
    u0 = layer.vector_u.numpy().copy()
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert not np.allclose(u0, layer.vector_u.numpy())  # training calls update u
    path = str(tmp_path / "sn.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    np.testing.assert_allclose(loaded.layers[1].vector_u.numpy(), layer.vector_u.numpy())
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`power_iterations` must be a positive integer; received power_iterations=0"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="must wrap a `Layer` instance; received layer='dense'"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="needs a wrapped layer with a `kernel` or `embeddings`.*Flatten"):
        layers.SpectralNormalization(layers.Flatten()).build((None, 4))
