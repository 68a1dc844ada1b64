"""Adaptive pooling layers: the harness, outputs and gradients against a NumPy reference, config,
errors and .keras round trips."""
import itertools
import math
import pathlib
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.testing import run_layer_test

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "convolutional"))
import conv_np_reference as R  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


def _bins(n, m):
    """Start/stop of each of the ``m`` adaptive bins of an axis of length ``n``."""
    return [(math.floor(i * n / m), math.ceil((i + 1) * n / m)) for i in range(m)]


def adaptive_pool_np(x, output_size, mode):
    """Channels-last adaptive pooling written from the bin definition."""
    spatial = x.shape[1:-1]
    out = np.zeros((x.shape[0],) + tuple(output_size) + (x.shape[-1],), np.float64)
    bins = [_bins(n, m) for n, m in zip(spatial, output_size)]
    for idx in itertools.product(*[range(m) for m in output_size]):
        window = tuple(slice(*bins[d][i]) for d, i in enumerate(idx))
        block = x[(slice(None),) + window + (slice(None),)]
        axes = tuple(range(1, 1 + len(spatial)))
        out[(slice(None),) + idx + (slice(None),)] = block.max(axes) if mode == "max" else block.mean(axes)
    return out


def adaptive_pool_vjp_np(x, g, output_size, mode):
    """Gradient of ``sum(pool(x) * g)`` with respect to ``x``."""
    spatial = x.shape[1:-1]
    gx = np.zeros(x.shape, np.float64)
    bins = [_bins(n, m) for n, m in zip(spatial, output_size)]
    for idx in itertools.product(*[range(m) for m in output_size]):
        window = tuple(slice(*bins[d][i]) for d, i in enumerate(idx))
        sel = (slice(None),) + window + (slice(None),)
        gout = g[(slice(None),) + idx + (slice(None),)]  # (batch, channels)
        block = x[sel]
        bshape = (block.shape[0],) + (1,) * len(spatial) + (block.shape[-1],)
        if mode == "max":
            flat = block.reshape(block.shape[0], -1, block.shape[-1])
            hit = (flat == flat.max(1, keepdims=True))
            first = np.cumsum(hit, axis=1) == 1  # the first maximum takes the gradient
            gx[sel] += ((hit & first).reshape(block.shape) * gout.reshape(bshape))
        else:
            gx[sel] += np.broadcast_to(gout.reshape(bshape) / np.prod(block.shape[1:-1]), block.shape)
    return gx


CASES = [
    (layers.AdaptiveAveragePooling1D, 3, (2, 7, 3), (3,)),
    (layers.AdaptiveAveragePooling1D, (5,), (2, 5, 2), (5,)),
    (layers.AdaptiveAveragePooling2D, (3, 2), (2, 7, 5, 2), (3, 2)),
    (layers.AdaptiveAveragePooling3D, 2, (1, 5, 3, 4, 2), (2, 2, 2)),
    (layers.AdaptiveMaxPooling1D, 4, (2, 9, 3), (4,)),
    (layers.AdaptiveMaxPooling2D, 3, (2, 6, 7, 2), (3, 3)),
    (layers.AdaptiveMaxPooling3D, (2, 3, 1), (1, 4, 5, 3, 2), (2, 3, 1)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("cls, output_size, shape, size", CASES, ids=IDS)
def test_matches_numpy_with_gradients(cls, output_size, shape, size):
    mode = "max" if "Max" in cls.__name__ else "average"
    r = np.random.default_rng(0)
    x = r.standard_normal(shape).astype("float32")
    expected = adaptive_pool_np(x.astype(np.float64), size, mode)
    g = r.standard_normal(expected.shape)
    out, gx, _ = R.layer_vjp(cls(output_size), x, g)
    np.testing.assert_allclose(out, expected, **TOL)
    np.testing.assert_allclose(gx, adaptive_pool_vjp_np(x, g, size, mode), **TOL)
    # channels_first moves the channel axis only.
    out_cf = backend.convert_to_numpy(cls(output_size, data_format="channels_first")(np.moveaxis(x, -1, 1)))
    np.testing.assert_allclose(np.moveaxis(out_cf, 1, -1), expected, **TOL)


@pytest.mark.parametrize("cls, output_size, shape, size", [CASES[0], CASES[2], CASES[3], CASES[4], CASES[5],
                                                           CASES[6]], ids=lambda v: getattr(v, "__name__", ""))
def test_harness(cls, output_size, shape, size):
    out_shape = (shape[0],) + size + (shape[-1],)
    run_layer_test(cls, dict(output_size=output_size), input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   expected_num_seed_generators=0)


def test_config_and_output_shape():
    layer = layers.AdaptiveMaxPooling2D(4)
    assert layer.output_size == (4, 4)
    config = layer.get_config()
    assert (config["output_size"], config["data_format"]) == ((4, 4), "channels_last")
    again = layers.AdaptiveMaxPooling2D.from_config(dict(config, output_size=[4, 4]))
    assert again.output_size == (4, 4)
    assert layers.AdaptiveAveragePooling1D(6).get_config()["output_size"] == (6,)
    assert layers.AdaptiveAveragePooling3D((1, 2, 3), data_format="channels_first").compute_output_shape(
        (None, 5, 7, 8, 9)) == (None, 5, 1, 2, 3)
    assert layers.AdaptiveMaxPooling1D(2).compute_output_shape((None, None, 3)) == (None, 2, 3)
    from cornu.serialization import builtin_objects

    registry = builtin_objects("keras.layers")
    for name in ("AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
                 "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"):
        assert registry[name] is getattr(layers, name) is getattr(cornu.layers, name)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.AdaptiveAveragePooling1D((2, 2)), r"AdaptiveAveragePooling1D.*output_size.*\(2, 2\)"),
    (lambda: layers.AdaptiveMaxPooling2D((2, 2, 2)), r"AdaptiveMaxPooling2D.*output_size.*2 ints"),
    (lambda: layers.AdaptiveMaxPooling3D(0), r"AdaptiveMaxPooling3D.*output_size.*positive"),
    (lambda: layers.AdaptiveAveragePooling2D(2.5), r"output_size.*2\.5"),
    (lambda: layers.AdaptiveAveragePooling2D(2, data_format="NHWC"), r"AdaptiveAveragePooling2D.*data_format"),
])
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_rank_input():
    with pytest.raises(ValueError, match="ndim|rank"):
        layers.AdaptiveMaxPooling2D(2)(np.zeros((2, 5, 3), "float32"))


def test_model_fit_and_keras_round_trip(tmp_path):
    inputs = cornu.Input((8, 6, 2))
    x = layers.Conv2D(3, 3, padding="same")(inputs)
    x = layers.AdaptiveAveragePooling2D((2, 3))(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1)(x)
    model = cornu.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    r = np.random.default_rng(0)
    xs, ys = r.standard_normal((8, 8, 6, 2)).astype("float32"), r.standard_normal((8, 1)).astype("float32")
    history = model.fit(xs, ys, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    path = str(tmp_path / "adaptive.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.layers[2]) is layers.AdaptiveAveragePooling2D
    assert loaded.layers[2].output_size == (2, 3)
    np.testing.assert_allclose(backend.convert_to_numpy(loaded(xs)), backend.convert_to_numpy(model(xs)), **TOL)
    seq = cornu.Sequential([cornu.Input((9, 2)), layers.AdaptiveMaxPooling1D(3)])
    seq.save(str(tmp_path / "seq.keras"))
    again = cornu.saving.load_model(str(tmp_path / "seq.keras"))
    x1 = r.standard_normal((2, 9, 2)).astype("float32")
    np.testing.assert_allclose(backend.convert_to_numpy(again(x1)), adaptive_pool_np(x1, (3,), "max"), **TOL)
