"""Convolution layers: the harness, and outputs and gradients against NumPy references."""
import numpy as np
import pytest

from cornu import backend, layers
from cornu.testing import run_layer_test

import conv_np_reference as R

TOL = dict(rtol=2e-4, atol=2e-4)


def _causal(x, k, dilation):
    left = dilation * (k.shape[0] - 1)
    return R.conv(np.pad(x, ((0, 0), (left, 0), (0, 0))), k, 1, "valid", dilation)


# layer class, kwargs, input shape (channels last), reference(x, weights without bias)
CASES = [
    (layers.Conv1D, dict(filters=3, kernel_size=3, padding="causal", dilation_rate=2), (2, 7, 2),
     lambda x, k: _causal(x, k, 2)),
    (layers.Conv1D, dict(filters=3, kernel_size=2, strides=2, padding="same"), (2, 7, 2),
     lambda x, k: R.conv(x, k, 2, "same")),
    (layers.Conv2D, dict(filters=4, kernel_size=(3, 2), strides=(2, 1), padding="same", groups=2), (2, 6, 5, 4),
     lambda x, k: R.conv(x, k, (2, 1), "same")),
    (layers.Conv2D, dict(filters=2, kernel_size=3, dilation_rate=(1, 2)), (2, 6, 7, 3),
     lambda x, k: R.conv(x, k, 1, "valid", (1, 2))),
    (layers.Conv3D, dict(filters=2, kernel_size=2, padding="same"), (1, 3, 4, 3, 2),
     lambda x, k: R.conv(x, k, 1, "same")),
    (layers.Conv1DTranspose, dict(filters=2, kernel_size=3, strides=2, padding="same"), (2, 4, 3),
     lambda x, k: R.conv_transpose(x, k, 2, "same")),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2, output_padding=1), (2, 3, 3, 2),
     lambda x, k: R.conv_transpose(x, k, 2, "valid", 1)),
    (layers.Conv3DTranspose, dict(filters=2, kernel_size=2, strides=(1, 2, 1), padding="same"), (1, 2, 3, 2, 2),
     lambda x, k: R.conv_transpose(x, k, (1, 2, 1), "same")),
    (layers.DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2, padding="same"), (2, 6, 3),
     lambda x, k: R.depthwise_conv(x, k, 1, "same")),
    (layers.DepthwiseConv2D, dict(kernel_size=3, strides=2, depth_multiplier=2), (2, 7, 7, 2),
     lambda x, k: R.depthwise_conv(x, k, 2, "valid")),
    (layers.SeparableConv1D, dict(filters=3, kernel_size=3, depth_multiplier=2), (2, 6, 2),
     lambda x, dk, pk: R.separable_conv(x, dk, pk)),
    (layers.SeparableConv2D, dict(filters=3, kernel_size=2, padding="same", dilation_rate=2), (2, 5, 5, 2),
     lambda x, dk, pk: R.separable_conv(x, dk, pk, 1, "same", 2)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


def _cheap_init(cls):
    """Constant initializers: the JAX engine compiles a random kernel per weight shape, slowly."""
    names = {layers.DepthwiseConv1D: ["depthwise"], layers.DepthwiseConv2D: ["depthwise"],
             layers.SeparableConv1D: ["depthwise", "pointwise"],
             layers.SeparableConv2D: ["depthwise", "pointwise"]}.get(cls, ["kernel"])
    return {f"{n}_initializer": "ones" for n in names}


def _build(cls, kwargs, shape, data_format="channels_last", seed=0):
    """The layer built, with random weights set from NumPy (bias included)."""
    layer = cls(**kwargs, data_format=data_format, **_cheap_init(cls))
    if data_format == "channels_first":
        shape = (shape[0], shape[-1]) + tuple(shape[1:-1])
    layer.build(shape)
    r = np.random.default_rng(seed)
    layer.set_weights([r.standard_normal(w.shape).astype("float32") for w in layer.weights])
    return layer


@pytest.mark.parametrize("cls, kwargs, shape, ref", CASES, ids=IDS)
def test_forward_and_gradients_match_numpy(cls, kwargs, shape, ref):
    layer = _build(cls, kwargs, shape)
    r = np.random.default_rng(0)
    x = r.standard_normal(shape).astype("float32")
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    kernels, bias = weights[:-1], weights[-1]
    expected = ref(x, *kernels) + bias  # bias broadcasts over the channel axis
    g = r.standard_normal(expected.shape)
    out, gx, gws = R.layer_vjp(layer, x, g)
    np.testing.assert_allclose(out, expected, **TOL)
    np.testing.assert_allclose(gx, R.batched_vjp(lambda v: ref(v, *kernels), x, g), **TOL)
    for i, gw in enumerate(gws[:-1]):
        def as_fn(v, i=i):
            ks = list(kernels)
            ks[i] = v
            return ref(x, *ks)
        np.testing.assert_allclose(gw, R.linear_vjp(as_fn, kernels[i], g), **TOL)
    np.testing.assert_allclose(gws[-1], g.reshape(-1, g.shape[-1]).sum(0), **TOL)


@pytest.mark.parametrize("index", [0, 2, 4, 6, 9, 11])
def test_channels_first_matches_channels_last(index):
    cls, kwargs, shape, ref = CASES[index]
    layer = _build(cls, kwargs, shape, "channels_first")
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    expected = ref(x, *weights[:-1]) + weights[-1]
    out = backend.convert_to_numpy(layer(np.moveaxis(x, -1, 1)))  # (b, ..., c) -> (b, c, ...)
    np.testing.assert_allclose(np.moveaxis(out, 1, -1), expected, **TOL)


def test_activation_and_no_bias():
    layer = layers.Conv2D(3, 2, activation="relu", use_bias=False, kernel_initializer="ones")
    x = np.random.default_rng(2).standard_normal((2, 4, 4, 2)).astype("float32")
    layer.build(x.shape)
    layer.set_weights([np.random.default_rng(3).standard_normal((2, 2, 2, 3)).astype("float32")])
    out = backend.convert_to_numpy(layer(x))
    assert len(layer.weights) == 1
    np.testing.assert_allclose(out, np.maximum(R.conv(x, layer.get_weights()[0]), 0), **TOL)


HARNESS = [
    (layers.Conv1D, dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 8, 3), (2, 8, 4),
     [("kernel", (3, 3, 4)), ("bias", (4,))]),
    (layers.Conv2D, dict(filters=4, kernel_size=3, strides=2, padding="same", groups=2), (2, 7, 7, 2), (2, 4, 4, 4),
     [("kernel", (3, 3, 1, 4)), ("bias", (4,))]),
    (layers.Conv2D, dict(filters=3, kernel_size=(2, 3), data_format="channels_first", activation="relu",
                         kernel_regularizer="l2"), (2, 2, 5, 6), (2, 3, 4, 4),
     [("kernel", (2, 3, 2, 3)), ("bias", (3,))]),
    (layers.Conv3D, dict(filters=2, kernel_size=2, use_bias=False), (1, 3, 3, 3, 2), (1, 2, 2, 2, 2),
     [("kernel", (2, 2, 2, 2, 2))]),
    (layers.Conv1DTranspose, dict(filters=2, kernel_size=3, strides=2), (2, 4, 3), (2, 9, 2),
     [("kernel", (3, 2, 3)), ("bias", (2,))]),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2, padding="same", output_padding=1),
     (2, 3, 3, 3), (2, 6, 6, 2), [("kernel", (3, 3, 2, 3)), ("bias", (2,))]),
    (layers.Conv3DTranspose, dict(filters=2, kernel_size=2, strides=2, data_format="channels_first"),
     (1, 3, 2, 2, 2), (1, 2, 4, 4, 4), [("kernel", (2, 2, 2, 2, 3)), ("bias", (2,))]),
    (layers.DepthwiseConv1D, dict(kernel_size=3, depth_multiplier=2), (2, 6, 3), (2, 4, 6),
     [("kernel", (3, 3, 2)), ("bias", (6,))]),
    (layers.DepthwiseConv2D, dict(kernel_size=3, padding="same", strides=2), (2, 5, 5, 3), (2, 3, 3, 3),
     [("kernel", (3, 3, 3, 1)), ("bias", (3,))]),
    (layers.SeparableConv1D, dict(filters=4, kernel_size=3, depth_multiplier=2, padding="same"), (2, 6, 3),
     (2, 6, 4), [("depthwise_kernel", (3, 3, 2)), ("pointwise_kernel", (1, 6, 4)), ("bias", (4,))]),
    (layers.SeparableConv2D, dict(filters=4, kernel_size=3, strides=2), (2, 7, 7, 2), (2, 3, 3, 4),
     [("depthwise_kernel", (3, 3, 2, 1)), ("pointwise_kernel", (1, 1, 2, 4)), ("bias", (4,))]),
]


@pytest.mark.parametrize("index", range(len(HARNESS)),
                         ids=[f"{h[0].__name__}-{i}" for i, h in enumerate(HARNESS)])
def test_harness(index):
    cls, kwargs, shape, out_shape, weights = HARNESS[index]
    if index != 1:  # one case keeps the default (random) initializers
        kwargs = {**kwargs, **_cheap_init(cls)}
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape, expected_weights=weights,
                   expected_num_trainable_weights=len(weights), expected_num_non_trainable_weights=0,
                   expected_num_seed_generators=0, expected_num_losses=1 if "kernel_regularizer" in kwargs else 0)


def test_aliases_and_registration():
    from cornu.serialization import builtin_objects

    registry = builtin_objects("keras.layers")
    for alias, cls in [("Convolution1D", layers.Conv1D), ("Convolution2D", layers.Conv2D),
                       ("Convolution3D", layers.Conv3D), ("Convolution2DTranspose", layers.Conv2DTranspose),
                       ("Convolution3DTranspose", layers.Conv3DTranspose),
                       ("SeparableConvolution2D", layers.SeparableConv2D)]:
        assert getattr(layers, alias) is cls
        assert registry[alias] is cls


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "strides > 1"),
    (lambda: layers.Conv2D(5, 3, groups=2), "divisible by `groups`"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.SeparableConv1D(4, 3, data_format="channels_middle"), "data_format"),
])
def test_invalid_arguments_name_the_problem(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_build_checks_channels_and_groups():
    with pytest.raises(ValueError, match="divisible by `groups`"):
        layers.Conv2D(4, 3, groups=2).build((None, 5, 5, 3))
    with pytest.raises(ValueError, match="rank 4"):
        layers.Conv2D(4, 3).build((None, 5, 3))
    with pytest.raises(ValueError, match="channel dimension"):
        layers.Conv1D(4, 3).build((None, 5, None))


def test_compute_output_shape_keeps_unknown_dims():
    assert layers.Conv2D(4, 3, strides=2).compute_output_shape((None, None, 9, 3)) == (None, None, 4, 4)
    assert layers.Conv1D(4, 3, padding="causal", strides=2).compute_output_shape((None, 9, 3)) == (None, 5, 4)
    assert layers.Conv2DTranspose(4, 3, strides=2).compute_output_shape((None, 5, None, 3)) == (None, 11, None, 4)
    assert layers.DepthwiseConv2D(3, depth_multiplier=3).compute_output_shape((None, 5, 5, 2)) == (None, 3, 3, 6)
