"""Pooling layers: the harness, and outputs and gradients against NumPy references."""
import pathlib
import sys

import numpy as np
import pytest

from cornu import backend, layers
from cornu.testing import run_layer_test

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "convolutional"))
import conv_np_reference as R  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


def _cf(x):
    return np.moveaxis(x, -1, 1)  # (b, ..., c) -> (b, c, ...)


# class, kwargs, input shape (channels last), reference pool arguments (pool, strides, padding)
WINDOWED = [
    (layers.MaxPooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 8, 3), (3, 2, "same")),
    (layers.MaxPooling2D, dict(), (2, 5, 6, 2), ((2, 2), None, "valid")),
    (layers.MaxPooling2D, dict(pool_size=(3, 2), padding="same"), (2, 5, 5, 2), ((3, 2), None, "same")),
    (layers.MaxPooling3D, dict(pool_size=2, strides=1, padding="same"), (1, 3, 4, 3, 2), (2, 1, "same")),
    (layers.AveragePooling1D, dict(pool_size=2, padding="same"), (2, 7, 3), (2, None, "same")),
    (layers.AveragePooling2D, dict(pool_size=3, strides=2, padding="same"), (2, 6, 6, 2), (3, 2, "same")),
    (layers.AveragePooling2D, dict(pool_size=(2, 3), strides=(1, 2)), (2, 5, 7, 2), ((2, 3), (1, 2), "valid")),
    (layers.AveragePooling3D, dict(pool_size=2, padding="same"), (1, 3, 3, 5, 2), (2, None, "same")),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(WINDOWED)]


@pytest.mark.parametrize("cls, kwargs, shape, args", WINDOWED, ids=IDS)
def test_windowed_pooling_matches_numpy(cls, kwargs, shape, args):
    layer = cls(**kwargs)
    r = np.random.default_rng(0)
    x = r.standard_normal(shape).astype("float32")
    kind = "max" if "Max" in cls.__name__ else "avg"
    expected = R.pool(x, *args, kind=kind)
    g = r.standard_normal(expected.shape)
    out, gx, _ = R.layer_vjp(layer, x, g)
    np.testing.assert_allclose(out, expected, **TOL)
    if kind == "max":
        np.testing.assert_allclose(gx, R.max_pool_vjp(x, g, *args), **TOL)
    else:
        np.testing.assert_allclose(gx, R.batched_vjp(lambda v: R.pool(v, *args, kind="avg"), x, g), **TOL)


@pytest.mark.parametrize("index", [0, 2, 5, 7])
def test_channels_first(index):
    cls, kwargs, shape, args = WINDOWED[index]
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    out = backend.convert_to_numpy(cls(**kwargs, data_format="channels_first")(_cf(x)))
    kind = "max" if "Max" in cls.__name__ else "avg"
    np.testing.assert_allclose(np.moveaxis(out, 1, -1), R.pool(x, *args, kind=kind), **TOL)


GLOBAL = [
    (layers.GlobalMaxPooling1D, (2, 5, 3)),
    (layers.GlobalMaxPooling2D, (2, 4, 3, 2)),
    (layers.GlobalMaxPooling3D, (1, 3, 2, 3, 2)),
    (layers.GlobalAveragePooling1D, (2, 5, 3)),
    (layers.GlobalAveragePooling2D, (2, 4, 3, 2)),
    (layers.GlobalAveragePooling3D, (1, 3, 2, 3, 2)),
]


@pytest.mark.parametrize("cls, shape", GLOBAL, ids=[g[0].__name__ for g in GLOBAL])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_numpy(cls, shape, keepdims):
    r = np.random.default_rng(2)
    x = r.standard_normal(shape).astype("float32")
    axes = tuple(range(1, len(shape) - 1))
    is_max = "Max" in cls.__name__
    expected = x.max(axis=axes, keepdims=keepdims) if is_max else x.mean(axis=axes, keepdims=keepdims)
    g = r.standard_normal(expected.shape)
    out, gx, _ = R.layer_vjp(cls(keepdims=keepdims), x, g)
    np.testing.assert_allclose(out, expected, **TOL)
    g_full = g.reshape((shape[0],) + (1,) * len(axes) + (shape[-1],))
    if is_max:
        # Global max pooling is max pooling with one window covering all positions.
        expected_gx = R.max_pool_vjp(x, g_full, shape[1:-1])
    else:
        expected_gx = np.broadcast_to(g_full / np.prod(shape[1:-1]), shape)
    np.testing.assert_allclose(gx, expected_gx, **TOL)
    # channels_first reduces the trailing axes instead.
    out_cf = backend.convert_to_numpy(cls(keepdims=keepdims, data_format="channels_first")(_cf(x)))
    np.testing.assert_allclose(out_cf, _cf(expected) if keepdims else expected, **TOL)


def test_global_average_pooling_1d_mask():
    r = np.random.default_rng(3)
    x = r.standard_normal((3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0]], bool)
    layer = layers.GlobalAveragePooling1D()
    out = backend.convert_to_numpy(layer(x, mask=backend.convert_to_tensor(mask)))
    expected = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(out, expected, **TOL)
    assert layer.supports_masking and layer.compute_mask(x, mask) is None
    out_cf = backend.convert_to_numpy(layers.GlobalAveragePooling1D(data_format="channels_first")(
        _cf(x), mask=backend.convert_to_tensor(mask)))
    np.testing.assert_allclose(out_cf, expected, **TOL)
    if backend.backend() == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        layer(xt, mask=torch.tensor(mask)).sum().backward()
        gx = xt.grad.numpy()
    else:
        import jax

        gx = np.asarray(jax.grad(lambda v: layer(v, mask=mask).sum())(x))
    np.testing.assert_allclose(gx, np.broadcast_to((mask / mask.sum(1, keepdims=True))[..., None], x.shape),
                               **TOL)


def test_global_average_pooling_1d_mask_from_embedding_model():
    import cornu as keras

    if not hasattr(keras.layers, "Embedding"):
        pytest.skip("Embedding not available")
    inputs = keras.Input((4,), dtype="int32")
    x = keras.layers.Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")(inputs)
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(x))
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
    np.testing.assert_allclose(backend.convert_to_numpy(model(tokens)), np.ones((2, 2)), **TOL)


HARNESS = [
    (layers.MaxPooling1D, dict(pool_size=2), (2, 6, 3), (2, 3, 3)),
    (layers.MaxPooling2D, dict(pool_size=2, strides=1, padding="same"), (2, 4, 5, 3), (2, 4, 5, 3)),
    (layers.MaxPooling3D, dict(pool_size=2, data_format="channels_first"), (1, 2, 4, 4, 4), (1, 2, 2, 2, 2)),
    (layers.AveragePooling1D, dict(pool_size=3, strides=2, padding="same"), (2, 7, 3), (2, 4, 3)),
    (layers.AveragePooling2D, dict(pool_size=(2, 3)), (2, 4, 6, 3), (2, 2, 2, 3)),
    (layers.AveragePooling3D, dict(pool_size=2, padding="same"), (1, 3, 3, 3, 2), (1, 2, 2, 2, 2)),
    (layers.GlobalMaxPooling1D, dict(), (2, 5, 3), (2, 3)),
    (layers.GlobalMaxPooling2D, dict(keepdims=True), (2, 4, 4, 3), (2, 1, 1, 3)),
    (layers.GlobalMaxPooling3D, dict(data_format="channels_first"), (1, 2, 3, 3, 3), (1, 2)),
    (layers.GlobalAveragePooling1D, dict(), (2, 5, 3), (2, 3)),
    (layers.GlobalAveragePooling2D, dict(data_format="channels_first", keepdims=True), (2, 3, 4, 4), (2, 3, 1, 1)),
    (layers.GlobalAveragePooling3D, dict(), (1, 3, 3, 3, 2), (1, 2)),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape", HARNESS, ids=[h[0].__name__ for h in HARNESS])
def test_harness(cls, kwargs, shape, out_shape):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   expected_num_seed_generators=0, supports_masking=cls is layers.GlobalAveragePooling1D)


def test_defaults_config_and_aliases():
    layer = layers.MaxPooling2D()
    config = layer.get_config()
    assert (config["pool_size"], config["strides"], config["padding"], config["data_format"]) == \
        ((2, 2), (2, 2), "valid", "channels_last")
    assert layers.AveragePooling1D(3).strides == (3,)
    assert layers.GlobalAveragePooling2D().get_config()["keepdims"] is False
    from cornu.serialization import builtin_objects

    registry = builtin_objects("keras.layers")
    for alias, cls in [("MaxPool1D", layers.MaxPooling1D), ("MaxPool2D", layers.MaxPooling2D),
                       ("MaxPool3D", layers.MaxPooling3D), ("AvgPool1D", layers.AveragePooling1D),
                       ("AvgPool2D", layers.AveragePooling2D), ("AvgPool3D", layers.AveragePooling3D),
                       ("GlobalMaxPool1D", layers.GlobalMaxPooling1D), ("GlobalMaxPool2D", layers.GlobalMaxPooling2D),
                       ("GlobalMaxPool3D", layers.GlobalMaxPooling3D), ("GlobalAvgPool1D", layers.GlobalAveragePooling1D),
                       ("GlobalAvgPool2D", layers.GlobalAveragePooling2D),
                       ("GlobalAvgPool3D", layers.GlobalAveragePooling3D)]:
        assert getattr(layers, alias) is cls and registry[alias] is cls


@pytest.mark.parametrize("make, match", [
    (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
    (lambda: layers.AveragePooling1D(strides=0), "strides"),
    (lambda: layers.MaxPooling1D(padding="causal"), "padding"),
    (lambda: layers.GlobalMaxPooling2D(keepdims="yes"), "keepdims"),
    (lambda: layers.AveragePooling3D(data_format="NHWC"), "data_format"),
])
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_compute_output_shape_keeps_unknown_dims():
    assert layers.MaxPooling2D(2, padding="same").compute_output_shape((None, None, 5, 3)) == (None, None, 3, 3)
    assert layers.GlobalAveragePooling2D(keepdims=True).compute_output_shape((None, None, 4, 3)) == (None, 1, 1, 3)
