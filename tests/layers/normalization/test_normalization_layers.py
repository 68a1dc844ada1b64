"""Normalization layers: harness runs and comparisons with NumPy / torch.nn.functional."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test

RNG = np.random.default_rng(0)


def _grads(layer, x, cotangent, **call_kwargs):
    """(output, d<out*cot>/dx, [d/dw for w in trainable weights]) on the current engine."""
    layer(backend.convert_to_tensor(x), **call_kwargs)  # build
    weights = layer.trainable_weights
    if backend.backend() == "torch":
        device = backend.get_device()  # the layer's weights live there (a GPU when there is one)
        xt = torch.tensor(x, requires_grad=True, device=device)
        out = layer(xt, **call_kwargs)
        loss = (out * torch.tensor(cotangent, device=device)).sum()
        g = torch.autograd.grad(loss, [xt] + [w.value for w in weights])
        return backend.convert_to_numpy(out), backend.convert_to_numpy(g[0]), [backend.convert_to_numpy(gi)
                                                                              for gi in g[1:]]
    import jax
    import jax.numpy as jnp

    def f(xv, values):
        with backend.StatelessScope(zip(weights, values)):
            out = layer(xv, **call_kwargs)
        return jnp.sum(out * cotangent), out

    (_, out), (gx, gw) = jax.jit(jax.value_and_grad(f, argnums=(0, 1), has_aux=True))(
        jnp.asarray(x), [w.value for w in weights])
    return np.asarray(out), np.asarray(gx), [np.asarray(g) for g in gw]


def _torch_grads(fn, x, params, cotangent):
    xt = torch.tensor(x, requires_grad=True)
    pt = [torch.tensor(p, requires_grad=True) for p in params]
    out = fn(xt, *pt)
    g = torch.autograd.grad((out * torch.tensor(cotangent)).sum(), [xt] + pt)
    return out.detach().numpy(), g[0].numpy(), [gi.numpy() for gi in g[1:]]


# -- harness ---------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, shape, call_kwargs", [
    ({}, (4, 3), {}),
    ({"axis": 1, "center": False}, (4, 3, 2, 2), {"training": True}),
    ({"momentum": 0.5, "scale": False, "gamma_regularizer": "l2"}, (4, 5, 3), {"training": True}),
])
def test_batch_normalization_harness(kwargs, shape, call_kwargs):
    n_trainable = int(kwargs.get("scale", True)) + int(kwargs.get("center", True))
    layer = run_layer_test(layers.BatchNormalization, kwargs, input_shape=shape, call_kwargs=call_kwargs,
                           expected_output_shape=shape, expected_num_trainable_weights=n_trainable,
                           expected_num_non_trainable_weights=2, expected_num_seed_generators=0,
                           supports_masking=True)
    names = [w.name for w in layer.weights]
    assert names == (["gamma"] if kwargs.get("scale", True) else []) + \
        (["beta"] if kwargs.get("center", True) else []) + ["moving_mean", "moving_variance"]


def test_batch_normalization_weight_names_order_and_params():
    layer = run_layer_test(layers.BatchNormalization, {}, input_shape=(2, 6), expected_weights=[
        ("gamma", (6,)), ("beta", (6,)), ("moving_mean", (6,)), ("moving_variance", (6,))])
    assert layer.count_params() == 24


@pytest.mark.parametrize("cls, kwargs, shape, n", [
    (layers.LayerNormalization, {}, (3, 5), 2),
    (layers.LayerNormalization, {"axis": [1, 2], "center": False}, (3, 4, 5), 1),
    (layers.LayerNormalization, {"rms_scaling": True}, (3, 5), 1),
    (layers.GroupNormalization, {"groups": 2}, (3, 5, 4), 2),
    (layers.GroupNormalization, {"groups": -1, "axis": 1}, (3, 4, 5), 2),
    (layers.UnitNormalization, {}, (3, 5), 0),
    (layers.UnitNormalization, {"axis": [1, 2]}, (3, 4, 5), 0),
    (layers.RMSNormalization, {}, (3, 5), 1),
    (layers.RMSNormalization, {"axis": [1, 2], "epsilon": 1e-3}, (3, 4, 5), 1),
])
def test_other_normalizations_harness(cls, kwargs, shape, n):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape,
                   expected_num_trainable_weights=n, expected_num_non_trainable_weights=0,
                   supports_masking=True, run_training_check=n > 0)


# -- BatchNormalization numerics --------------------------------------------------------
def _np_bn(x, mean, var, gamma, beta, eps, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    r = lambda v: np.reshape(v, shape)  # noqa: E731
    return r(gamma) * (x - r(mean)) / np.sqrt(r(var) + eps) + r(beta)


@pytest.mark.parametrize("axis, shape", [(-1, (6, 4)), (1, (4, 3, 2, 5))])
def test_batch_normalization_training_inference_and_moving_stats(axis, shape):
    momentum, eps = 0.9, 1e-3
    layer = layers.BatchNormalization(axis=axis, momentum=momentum, epsilon=eps,
                                      gamma_initializer="random_normal", beta_initializer="random_normal")
    batches = [RNG.standard_normal(shape).astype("float32") * 2 + 1 for _ in range(3)]
    c = shape[axis]
    red = tuple(a for a in range(len(shape)) if a != axis % len(shape))
    mm, mv = np.zeros(c), np.ones(c)
    layer(backend.convert_to_tensor(batches[0]))
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    for x in batches:
        out = backend.convert_to_numpy(layer(backend.convert_to_tensor(x), training=True))
        mean, var = x.mean(axis=red), x.var(axis=red)
        np.testing.assert_allclose(out, _np_bn(x, mean, var, gamma, beta, eps, axis % len(shape)),
                                   rtol=1e-4, atol=1e-4)
        mm = mm * momentum + mean * (1 - momentum)
        mv = mv * momentum + var * (1 - momentum)
        np.testing.assert_allclose(layer.moving_mean.numpy(), mm, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(layer.moving_variance.numpy(), mv, rtol=1e-5, atol=1e-5)
    x = batches[0]
    out = backend.convert_to_numpy(layer(backend.convert_to_tensor(x), training=False))
    np.testing.assert_allclose(out, _np_bn(x, mm, mv, gamma, beta, eps, axis % len(shape)), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mm, rtol=1e-5, atol=1e-5)  # unchanged


def test_batch_normalization_frozen_runs_in_inference_mode():
    layer = layers.BatchNormalization(moving_mean_initializer="ones", moving_variance_initializer=
                                      keras.initializers.Constant(4.0))
    x = RNG.standard_normal((8, 3)).astype("float32")
    layer(backend.convert_to_tensor(x))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4
    out = backend.convert_to_numpy(layer(backend.convert_to_tensor(x), training=True))
    np.testing.assert_allclose(out, (x - 1.0) / np.sqrt(4.0 + 1e-3), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.ones(3))
    np.testing.assert_array_equal(layer.moving_variance.numpy(), np.full(3, 4.0))


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_gradients_match_torch(training):
    x = RNG.standard_normal((5, 3, 4)).astype("float32")
    cot = RNG.standard_normal(x.shape).astype("float32")
    layer = layers.BatchNormalization(axis=1, epsilon=1e-3, gamma_initializer="random_normal",
                                      beta_initializer="random_normal",
                                      moving_mean_initializer="random_normal",
                                      moving_variance_initializer="ones")
    layer(backend.convert_to_tensor(x))
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    rm, rv = layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()
    out, gx, (gg, gb) = _grads(layer, x, cot, training=training)

    def ref(xt, g, b):
        return F.batch_norm(xt, torch.tensor(rm), torch.tensor(rv), g, b, training=training, momentum=0.0,
                            eps=1e-3)

    r_out, r_gx, (r_gg, r_gb) = _torch_grads(ref, x, [gamma, beta], cot)
    for a, b in [(out, r_out), (gx, r_gx), (gg, r_gg), (gb, r_gb)]:
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_batch_normalization_masked_moments():
    x = RNG.standard_normal((3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
    layer = layers.BatchNormalization(momentum=0.0)
    layer(backend.convert_to_tensor(x))
    layer(backend.convert_to_tensor(x), training=True, mask=backend.convert_to_tensor(mask))
    w = mask[..., None].astype("float64")
    n = w.sum() + backend.epsilon()
    mean = (w * x).sum(axis=(0, 1)) / n
    var = (w * (w * x - mean) ** 2).sum(axis=(0, 1)) / n
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="one dimension less"):
        layer(backend.convert_to_tensor(x), training=True, mask=backend.convert_to_tensor(mask[..., None]))


def test_batch_normalization_in_a_model_trains_and_updates_stats_only_in_training():
    x = RNG.standard_normal((32, 4)).astype("float32") * 3 + 2
    y = RNG.standard_normal((32, 1)).astype("float32")
    bn = layers.BatchNormalization()
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8), bn, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.numpy().copy() for w in bn.weights]
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    after = [w.numpy().copy() for w in bn.weights]
    for b, a in zip(before, after):
        assert not np.allclose(b, a)  # gamma, beta learned; moving stats moved
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    for w, a in zip(bn.weights, after):
        np.testing.assert_array_equal(w.numpy(), a)
    bn.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    for w, a in zip(bn.weights, after):
        np.testing.assert_array_equal(w.numpy(), a)


def test_batch_normalization_errors_and_keras2_arguments():
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis="x")
    with pytest.raises(NotImplementedError, match="renorm"):
        layers.BatchNormalization(renorm=True)
    layer = layers.BatchNormalization(fused=True, renorm=False, virtual_batch_size=None, synchronized=True)
    assert layer.get_config()["synchronized"] is True and "fused" not in layer.get_config()
    with pytest.raises(ValueError, match="out of range"):
        layers.BatchNormalization(axis=3).build((2, 3))


# -- LayerNormalization / GroupNormalization / Unit / RMS ----------------------------------
@pytest.mark.parametrize("axis, shape", [(-1, (3, 4, 6)), ([1, 2], (3, 4, 6))])
def test_layer_normalization_matches_torch_layer_norm(axis, shape):
    x = RNG.standard_normal(shape).astype("float32")
    cot = RNG.standard_normal(shape).astype("float32")
    layer = layers.LayerNormalization(axis=axis, epsilon=1e-3, gamma_initializer="random_normal",
                                      beta_initializer="random_normal")
    out, gx, (gg, gb) = _grads(layer, x, cot)
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    norm_shape = gamma.shape
    r_out, r_gx, (r_gg, r_gb) = _torch_grads(lambda t, g, b: F.layer_norm(t, norm_shape, g, b, 1e-3),
                                             x, [gamma, beta], cot)
    for a, b in [(out, r_out), (gx, r_gx), (gg, r_gg), (gb, r_gb)]:
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_layer_normalization_non_trailing_axis_and_rms_scaling_vs_numpy():
    x = RNG.standard_normal((3, 4, 5)).astype("float32")
    layer = layers.LayerNormalization(axis=1, gamma_initializer="random_normal", beta_initializer="random_normal")
    out = backend.convert_to_numpy(layer(backend.convert_to_tensor(x)))
    g = layer.gamma.numpy().reshape(1, 4, 1)
    b = layer.beta.numpy().reshape(1, 4, 1)
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3) * g + b, rtol=1e-4, atol=1e-5)
    rms = layers.LayerNormalization(rms_scaling=True, gamma_initializer="random_normal")
    out = backend.convert_to_numpy(rms(backend.convert_to_tensor(x)))
    ref = x / np.sqrt(x.var(-1, keepdims=True) + 1e-3) * rms.gamma.numpy()  # Keras 3: centered variance
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    assert rms.beta is None and len(rms.weights) == 1


@pytest.mark.parametrize("groups, axis, shape", [(2, -1, (3, 5, 4)), (3, 1, (2, 6, 4, 3)), (1, -1, (2, 3, 4))])
def test_group_normalization_matches_torch_group_norm(groups, axis, shape):
    x = RNG.standard_normal(shape).astype("float32")
    cot = RNG.standard_normal(shape).astype("float32")
    layer = layers.GroupNormalization(groups=groups, axis=axis, gamma_initializer="random_normal",
                                      beta_initializer="random_normal")
    out, gx, (gg, gb) = _grads(layer, x, cot)
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()

    def ref(t, g, b):
        t = torch.movedim(t, axis, 1)
        return torch.movedim(F.group_norm(t, groups, g, b, eps=1e-3), 1, axis)

    r_out, r_gx, (r_gg, r_gb) = _torch_grads(ref, x, [gamma, beta], cot)
    for a, b in [(out, r_out), (gx, r_gx), (gg, r_gg), (gb, r_gb)]:
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def _group_norm_numpy(x, groups, axis, gamma, beta, eps):
    """Group normalization from its formula, in float64."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, 1)
    n, c = x.shape[:2]
    g = x.reshape(n, groups, c // groups, -1)
    mean = g.mean(axis=(2, 3), keepdims=True)
    var = g.var(axis=(2, 3), keepdims=True)
    out = ((g - mean) / np.sqrt(var + eps)).reshape(x.shape)
    bshape = (1, c) + (1,) * (x.ndim - 2)
    out = out * gamma.reshape(bshape) + beta.reshape(bshape)
    return np.moveaxis(out, 1, axis)


@pytest.mark.parametrize("groups, axis, shape", [(2, -1, (3, 4, 5, 4)), (3, 1, (2, 6, 4, 3)), (4, -1, (2, 5, 8))])
def test_group_normalization_native_kernels_match_the_formula_and_the_composed_path(groups, axis, shape,
                                                                                      monkeypatch):
    """On torch, F.group_norm serves the layer; values match NumPy and gradients the composed ops."""
    x = RNG.standard_normal(shape).astype("float32")
    cot = RNG.standard_normal(shape).astype("float32")
    layer = layers.GroupNormalization(groups=groups, axis=axis, gamma_initializer="random_normal",
                                      beta_initializer="random_normal")
    calls = []
    real = backend.fused_group_norm
    monkeypatch.setattr(backend, "fused_group_norm", lambda *a: calls.append(1) or real(*a))
    out, gx, gw = _grads(layer, x, cot)
    assert bool(calls)
    if backend.backend() == "torch":
        assert real(x, None, None, groups, axis, 1e-3) is not None  # the native path was taken
    ref = _group_norm_numpy(x, groups, axis % len(shape), layer.gamma.numpy(), layer.beta.numpy(), 1e-3)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    monkeypatch.setattr(backend, "fused_group_norm", lambda *a: None)
    c_out, c_gx, c_gw = _grads(layer, x, cot)
    for a, b in [(out, c_out), (gx, c_gx)] + list(zip(gw, c_gw)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_group_normalization_validation():
    with pytest.raises(ValueError, match="multiple"):
        layers.GroupNormalization(groups=3).build((2, 4))
    with pytest.raises(ValueError, match="cannot be more"):
        layers.GroupNormalization(groups=8).build((2, 4))
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)


def test_unit_normalization_values_and_gradients():
    x = RNG.standard_normal((3, 4, 5)).astype("float32")
    x[0, 0] = 0.0  # the 1e-12 floor keeps zeros finite
    cot = RNG.standard_normal(x.shape).astype("float32")
    layer = layers.UnitNormalization(axis=[1, 2])
    out, gx, _ = _grads(layer, x, cot)

    def ref(t):
        return t * torch.rsqrt(torch.clamp((t * t).sum(dim=(1, 2), keepdim=True), min=1e-12))

    r_out, r_gx, _ = _torch_grads(ref, x, [], cot)
    np.testing.assert_allclose(out, r_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gx, r_gx, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.sqrt((out[1] ** 2).sum()), 1.0, rtol=1e-5)


@pytest.mark.parametrize("axis, shape", [(-1, (3, 6)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4))])
def test_rms_normalization_matches_reference(axis, shape):
    x = RNG.standard_normal(shape).astype("float32")
    cot = RNG.standard_normal(shape).astype("float32")
    layer = layers.RMSNormalization(axis=axis, epsilon=1e-6)
    layer(backend.convert_to_tensor(x))
    layer.scale.assign(RNG.standard_normal(layer.scale.shape).astype("float32"))
    out, gx, (gs,) = _grads(layer, x, cot)
    axes = tuple(sorted([axis] if isinstance(axis, int) else axis))
    bshape = [shape[a] if a in [b % len(shape) for b in axes] else 1 for a in range(len(shape))]

    def ref(t, s):
        return t * torch.rsqrt((t * t).mean(dim=axes, keepdim=True) + 1e-6) * s.reshape(bshape)

    r_out, r_gx, (r_gs,) = _torch_grads(ref, x, [layer.scale.numpy()], cot)
    for a, b in [(out, r_out), (gx, r_gx), (gs, r_gs)]:
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_layer_norm_ops_half_precision_computes_in_float32():
    x = RNG.standard_normal((4, 8)).astype("float16")
    out = keras.ops.layer_normalization(backend.convert_to_tensor(x), axis=-1, epsilon=1e-3)
    assert backend.standardize_dtype(out.dtype) == "float16"
    x32 = x.astype("float32")
    ref = (x32 - x32.mean(-1, keepdims=True)) / np.sqrt(x32.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(backend.convert_to_numpy(out).astype("float32"), ref, atol=1e-2)
