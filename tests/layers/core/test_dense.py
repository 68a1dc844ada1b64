"""Dense against NumPy: values and gradients on 2D and 3D inputs, with and without bias,
through the engine's fused affine kernel where it has one (torch's addmm)."""
import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops

rng = np.random.default_rng(3)


def _dense(units, x, use_bias=True, activation=None):
    layer = layers.Dense(units, use_bias=use_bias, activation=activation, bias_initializer="random_normal")
    layer.build(x.shape)
    return layer


@pytest.mark.parametrize("shape", [(5, 7), (2, 3, 7), (2, 2, 3, 7)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_values_and_gradients_match_numpy(shape, use_bias):
    x = rng.standard_normal(shape).astype("float32")
    layer = _dense(4, x, use_bias=use_bias, activation="tanh")
    k = layer.kernel.numpy()
    b = layer.bias.numpy() if use_bias else np.zeros(4, "float32")
    z = x.astype("float64") @ k + b
    expected = np.tanh(z)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), expected, rtol=1e-5, atol=1e-6)

    xv = cornu.Variable(x)
    weights = [layer.kernel] + ([layer.bias] if use_bias else [])
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(layer(xv)), None), [xv] + weights)
    dz = 1 - expected ** 2  # d tanh
    dz2 = dz.reshape(-1, 4)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), dz @ k.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[1]), x.reshape(-1, 7).T @ dz2, rtol=1e-5, atol=1e-5)
    if use_bias:
        np.testing.assert_allclose(ops.convert_to_numpy(grads[2]), dz2.sum(0), rtol=1e-5, atol=1e-5)


def test_the_engine_fused_kernel_equals_the_composed_ops():
    x = rng.standard_normal((6, 5)).astype("float32")
    k = rng.standard_normal((5, 3)).astype("float32")
    b = rng.standard_normal((3,)).astype("float32")
    fused = backend.fused_dense(x, k, b)
    if backend.backend() == "torch":
        assert fused is not None
        np.testing.assert_allclose(ops.convert_to_numpy(fused), ops.convert_to_numpy(ops.add(ops.matmul(x, k), b)),
                                   rtol=1e-6, atol=1e-6)
    else:
        assert fused is None  # XLA fuses the composed ops itself
    # Mixed or integer dtypes are left to the composed ops and their type promotion.
    assert backend.fused_dense(x.astype("int32"), k.astype("int32"), b.astype("int32")) is None
    assert backend.fused_dense(x, k.astype("float64"), b) is None


def test_mixed_precision_policy_computes_in_bfloat16():
    x = rng.standard_normal((4, 6)).astype("float32")
    layer = layers.Dense(3, dtype="mixed_bfloat16")
    out = layer(x)
    assert backend.standardize_dtype(out.dtype) == "bfloat16"
    expected = x @ layer.kernel.numpy() + layer.bias.numpy()
    np.testing.assert_allclose(ops.convert_to_numpy(ops.cast(out, "float32")), expected, rtol=2e-2, atol=2e-2)


def test_integer_inputs_are_cast_to_the_layer_dtype():
    x = np.arange(12, dtype="int32").reshape(3, 4)
    layer = layers.Dense(2)
    out = ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, x @ layer.kernel.numpy() + layer.bias.numpy(), rtol=1e-5)


def test_dense_asks_the_engine_for_its_fused_kernel(monkeypatch):
    calls = []
    original = backend.fused_dense

    def recording(x, kernel, bias):
        calls.append(tuple(x.shape))
        return original(x, kernel, bias)

    monkeypatch.setattr(backend, "fused_dense", recording)
    x = rng.standard_normal((3, 5)).astype("float32")
    layer = _dense(2, x)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(x)), x @ layer.kernel.numpy() + layer.bias.numpy(),
                               rtol=1e-5, atol=1e-6)
    assert calls == [(3, 5)]
    calls.clear()
    layers.Dense(2, use_bias=False)(x)
    assert calls == []  # no bias: nothing to fuse
