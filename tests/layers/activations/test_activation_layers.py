"""Activation layers: harness runs and NumPy references for values and gradients."""
import numpy as np
import pytest
import torch

from cornu import backend, layers
from cornu.testing import run_layer_test

RNG = np.random.default_rng(3)
T = backend.convert_to_tensor
N = backend.convert_to_numpy


def _grads(layer, x, cotangent, **call_kwargs):
    """(output, d<out*cot>/dx, grads of trainable weights) on the current engine."""
    layer(T(x), **call_kwargs)
    weights = layer.trainable_weights
    if backend.backend() == "torch":
        xt = torch.tensor(x, requires_grad=True)
        out = layer(xt, **call_kwargs)
        g = torch.autograd.grad((out * torch.tensor(cotangent)).sum(), [xt] + [w.value for w in weights])
        return out.detach().numpy(), g[0].numpy(), [gi.numpy() for gi in g[1:]]
    import jax
    import jax.numpy as jnp

    def f(xv, values):
        with backend.StatelessScope(zip(weights, values)):
            out = layer(xv, **call_kwargs)
        return jnp.sum(out * cotangent), out

    (_, out), (gx, gw) = jax.jit(jax.value_and_grad(f, argnums=(0, 1), has_aux=True))(
        jnp.asarray(x), [w.value for w in weights])
    return np.asarray(out), np.asarray(gx), [np.asarray(g) for g in gw]


def _x(shape=(4, 6)):
    # keep values away from the kinks (0, thresholds) so gradients are well defined
    x = RNG.uniform(-3, 3, shape).astype("float32")
    return np.where(np.abs(x - np.round(x)) < 0.05, x + 0.1, x).astype("float32")


@pytest.mark.parametrize("cls, kwargs", [
    (layers.ReLU, {}), (layers.ReLU, {"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.5}),
    (layers.LeakyReLU, {"negative_slope": 0.2}), (layers.ELU, {"alpha": 0.7}), (layers.Softmax, {}),
    (layers.Softmax, {"axis": [1, 2]}), (layers.ThresholdedReLU, {"theta": 0.5}),
])
def test_stateless_activation_harness(cls, kwargs):
    run_layer_test(cls, kwargs, input_shape=(3, 4, 5), expected_output_shape=(3, 4, 5),
                   expected_num_trainable_weights=0, supports_masking=True, run_training_check=False)


@pytest.mark.parametrize("kwargs, shape, alpha_shape", [
    ({}, (3, 4, 5), (4, 5)),
    ({"shared_axes": [1], "alpha_initializer": "random_uniform", "alpha_regularizer": "l2"}, (3, 4, 5), (1, 5)),
    ({"shared_axes": 2}, (3, 4, 5), (4, 1)),
])
def test_prelu_harness(kwargs, shape, alpha_shape):
    run_layer_test(layers.PReLU, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_weights=[("alpha", alpha_shape)], expected_num_trainable_weights=1,
                   supports_masking=True)


def _relu_ref(x, max_value, slope, threshold):
    y = np.where(x >= threshold, x, slope * (x - threshold))
    if max_value is not None:
        y = np.minimum(y, max_value)
    return y


@pytest.mark.parametrize("max_value, slope, threshold", [
    (None, 0.0, 0.0), (6.0, 0.0, 0.0), (2.0, 0.1, 0.5), (None, 0.3, 1.0), (1.5, 0.0, 0.0),
])
def test_relu_values_and_gradients(max_value, slope, threshold):
    x = _x()
    cot = RNG.standard_normal(x.shape).astype("float32")
    out, gx, _ = _grads(layers.ReLU(max_value=max_value, negative_slope=slope, threshold=threshold), x, cot)
    np.testing.assert_allclose(out, _relu_ref(x, max_value, slope, threshold), rtol=1e-6, atol=1e-6)
    d = np.where(x >= threshold, 1.0, slope)
    if max_value is not None:
        d = np.where(x > max_value, 0.0, d)
    np.testing.assert_allclose(gx, d * cot, rtol=1e-6, atol=1e-6)


def test_leaky_relu_values_gradients_and_keras2_alpha():
    x, cot = _x(), RNG.standard_normal((4, 6)).astype("float32")
    out, gx, _ = _grads(layers.LeakyReLU(negative_slope=0.25), x, cot)
    np.testing.assert_allclose(out, np.where(x >= 0, x, 0.25 * x), rtol=1e-6)
    np.testing.assert_allclose(gx, np.where(x >= 0, 1.0, 0.25) * cot, rtol=1e-6)
    assert layers.LeakyReLU().negative_slope == 0.3
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        legacy = layers.LeakyReLU(alpha=0.1)
    assert legacy.negative_slope == 0.1 and legacy.get_config()["negative_slope"] == 0.1


def test_elu_values_and_gradients():
    x, cot = _x(), RNG.standard_normal((4, 6)).astype("float32")
    out, gx, _ = _grads(layers.ELU(alpha=0.5), x, cot)
    np.testing.assert_allclose(out, np.where(x > 0, x, 0.5 * (np.exp(x) - 1)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gx, np.where(x > 0, 1.0, 0.5 * np.exp(x)) * cot, rtol=1e-5, atol=1e-6)


def test_thresholded_relu_values_and_gradients():
    x, cot = _x(), RNG.standard_normal((4, 6)).astype("float32")
    out, gx, _ = _grads(layers.ThresholdedReLU(theta=1.2), x, cot)
    np.testing.assert_allclose(out, np.where(x > 1.2, x, 0.0), rtol=1e-6)
    np.testing.assert_allclose(gx, np.where(x > 1.2, 1.0, 0.0) * cot, rtol=1e-6)
    with pytest.raises(ValueError, match="theta"):
        layers.ThresholdedReLU(theta=-1.0)


def test_prelu_values_and_gradients():
    x = _x((3, 4, 5))
    cot = RNG.standard_normal(x.shape).astype("float32")
    layer = layers.PReLU(shared_axes=[1], alpha_initializer="random_uniform")
    out, gx, (galpha,) = _grads(layer, x, cot)
    alpha = layer.alpha.numpy()  # (1, 5)
    np.testing.assert_allclose(out, np.where(x >= 0, x, alpha * x), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gx, np.where(x >= 0, 1.0, alpha) * cot, rtol=1e-5, atol=1e-6)
    ref_galpha = (np.where(x < 0, x, 0.0) * cot).sum(axis=(0, 1)).reshape(1, 5)
    np.testing.assert_allclose(galpha, ref_galpha, rtol=1e-5, atol=1e-5)


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_softmax_values_and_gradients(axis):
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    cot = RNG.standard_normal(x.shape).astype("float32")
    out, gx, _ = _grads(layers.Softmax(axis=axis), x, cot)
    ax = tuple(axis) if isinstance(axis, list) else axis
    s = _np_softmax(x, ax)
    np.testing.assert_allclose(out, s, rtol=1e-5, atol=1e-6)
    ref_gx = s * (cot - (cot * s).sum(axis=ax, keepdims=True))
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-4, atol=1e-6)


def test_softmax_mask_gets_large_negative():
    x = RNG.standard_normal((2, 5)).astype("float32")
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], bool)
    out = N(layers.Softmax()(T(x), mask=T(mask)))
    np.testing.assert_allclose(out, _np_softmax(x + (1.0 - mask) * -1e9, -1), rtol=1e-5, atol=1e-7)
    assert np.all(out[~mask] < 1e-6)
    # a (batch, time) mask for (batch, time, features) logits broadcasts over the features
    x3 = RNG.standard_normal((2, 5, 3)).astype("float32")
    out3 = N(layers.Softmax(axis=1)(T(x3), mask=T(mask)))
    np.testing.assert_allclose(out3, _np_softmax(x3 + (1.0 - mask[..., None]) * -1e9, 1), rtol=1e-5,
                               atol=1e-7)


def test_validation_errors():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1.0)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.ReLU(negative_slope=None)
    with pytest.raises(ValueError, match="threshold"):
        layers.ReLU(threshold=-0.5)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(TypeError, match="axis"):
        layers.Softmax(axis="x")
