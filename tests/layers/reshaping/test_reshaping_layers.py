"""Reshaping layers: the harness, and outputs and gradients against NumPy references."""
import numpy as np
import pytest

from cornu import backend, layers
from cornu.testing import run_layer_test

TOL = dict(rtol=1e-5, atol=1e-5)


def _cf(x):
    return np.moveaxis(x, -1, 1)  # (b, ..., c) -> (b, c, ...)


def bilinear_np(x, fy, fx):
    """TensorFlow's half-pixel bilinear resize of (b, h, w, c) by integer factors, pixel by pixel."""
    b, h, w, c = x.shape
    out = np.zeros((b, h * fy, w * fx, c))
    for oy in range(h * fy):
        sy = (oy + 0.5) / fy - 0.5
        y0 = int(np.floor(sy))
        ylo, yhi, dy = max(y0, 0), min(int(np.ceil(sy)), h - 1), sy - y0
        for ox in range(w * fx):
            sx = (ox + 0.5) / fx - 0.5
            x0 = int(np.floor(sx))
            xlo, xhi, dx = max(x0, 0), min(int(np.ceil(sx)), w - 1), sx - x0
            top = x[:, ylo, xlo] + (x[:, ylo, xhi] - x[:, ylo, xlo]) * dx
            bottom = x[:, yhi, xlo] + (x[:, yhi, xhi] - x[:, yhi, xlo]) * dx
            out[:, oy, ox] = top + (bottom - top) * dy
    return out


def _pad(x, pairs, first=1):
    widths = [(0, 0)] * x.ndim
    for i, p in enumerate(pairs):
        widths[first + i] = p
    return np.pad(x, widths)


def _crop(x, pairs, first=1):
    key = [slice(None)] * x.ndim
    for i, (a, b) in enumerate(pairs):
        key[first + i] = slice(a, x.shape[first + i] - b)
    return x[tuple(key)]


# class, kwargs, input shape, NumPy reference (all linear in x: gradients are checked by basis evaluation)
CASES = [
    (layers.Reshape, dict(target_shape=(3, -1)), (2, 4, 3), lambda x: x.reshape(2, 3, 4)),
    (layers.Permute, dict(dims=(3, 1, 2)), (2, 4, 3, 2), lambda x: x.transpose(0, 3, 1, 2)),
    (layers.RepeatVector, dict(n=3), (2, 4), lambda x: np.repeat(x[:, None], 3, axis=1)),
    (layers.Cropping1D, dict(cropping=(1, 2)), (2, 6, 3), lambda x: x[:, 1:4]),
    (layers.Cropping2D, dict(cropping=((1, 0), (2, 1))), (2, 5, 6, 2), lambda x: _crop(x, ((1, 0), (2, 1)))),
    (layers.Cropping2D, dict(cropping=1, data_format="channels_first"), (2, 2, 4, 5), lambda x: x[:, :, 1:3, 1:4]),
    (layers.Cropping3D, dict(cropping=(1, 0, 1)), (1, 4, 3, 4, 2), lambda x: _crop(x, ((1, 1), (0, 0), (1, 1)))),
    (layers.ZeroPadding1D, dict(padding=(2, 1)), (2, 4, 3), lambda x: _pad(x, ((2, 1),))),
    (layers.ZeroPadding1D, dict(padding=1, data_format="channels_first"), (2, 3, 4),
     lambda x: _pad(x, ((1, 1),), first=2)),
    (layers.ZeroPadding2D, dict(padding=((1, 0), (0, 2))), (2, 3, 3, 2), lambda x: _pad(x, ((1, 0), (0, 2)))),
    (layers.ZeroPadding3D, dict(padding=(1, 0, 2), data_format="channels_first"), (1, 2, 2, 3, 2),
     lambda x: _pad(x, ((1, 1), (0, 0), (2, 2)), first=2)),
    (layers.UpSampling1D, dict(size=3), (2, 4, 2), lambda x: np.repeat(x, 3, axis=1)),
    (layers.UpSampling2D, dict(size=(2, 3)), (2, 3, 2, 2), lambda x: np.repeat(np.repeat(x, 2, 1), 3, 2)),
    (layers.UpSampling2D, dict(size=(2, 3), interpolation="bilinear"), (2, 3, 4, 2), lambda x: bilinear_np(x, 2, 3)),
    (layers.UpSampling2D, dict(size=3, interpolation="bilinear", data_format="channels_first"), (1, 2, 3, 3),
     lambda x: _cf(bilinear_np(np.moveaxis(x, 1, -1), 3, 3))),
    (layers.UpSampling3D, dict(size=(1, 2, 2)), (1, 2, 2, 3, 2),
     lambda x: np.repeat(np.repeat(x, 2, 2), 2, 3)),
    (layers.UpSampling3D, dict(size=2, data_format="channels_first"), (1, 2, 2, 2, 2),
     lambda x: np.repeat(np.repeat(np.repeat(x, 2, 2), 2, 3), 2, 4)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


def _engine_grad(layer, x, g):
    if backend.backend() == "torch":
        import torch

        xt = backend.convert_to_tensor(x).requires_grad_(True)
        out = layer(xt)
        (out * backend.convert_to_tensor(g.astype("float32"))).sum().backward()
        return backend.convert_to_numpy(out.detach()), backend.convert_to_numpy(xt.grad)
    import jax

    out, pullback = jax.vjp(lambda v: layer(v), x)
    return np.asarray(out), np.asarray(pullback(g.astype("float32"))[0])


@pytest.mark.parametrize("cls, kwargs, shape, ref", CASES, ids=IDS)
def test_forward_and_gradients_match_numpy(cls, kwargs, shape, ref):
    r = np.random.default_rng(0)
    x = r.standard_normal(shape).astype("float32")
    expected = ref(x.astype(np.float64))
    g = r.standard_normal(expected.shape)
    out, gx = _engine_grad(cls(**kwargs), x, g)
    np.testing.assert_allclose(out, expected, **TOL)
    # Each layer is linear: its gradient is J^T g, J read off the reference one basis vector at a time.
    basis = np.eye(x.size).reshape((x.size,) + x.shape)
    expected_gx = np.array([np.sum(ref(e) * g) for e in basis]).reshape(x.shape)
    np.testing.assert_allclose(gx, expected_gx, **TOL)


def test_bilinear_matches_engine_resizer():
    """Cross-check the NumPy bilinear reference with the engine's own half-pixel resizer."""
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 2)).astype("float32")
    expected = bilinear_np(x, 2, 3)
    if backend.backend() == "torch":
        import torch

        t = torch.nn.functional.interpolate(torch.tensor(_cf(x)), size=(6, 12), mode="bilinear",
                                            align_corners=False)
        np.testing.assert_allclose(np.moveaxis(t.numpy(), 1, -1), expected, **TOL)
    else:
        import jax

        j = jax.image.resize(x, (2, 6, 12, 2), method="bilinear", antialias=False)
        np.testing.assert_allclose(np.asarray(j), expected, **TOL)
    got = backend.convert_to_numpy(layers.UpSampling2D((2, 3), interpolation="bilinear")(x))
    np.testing.assert_allclose(got, expected, **TOL)


HARNESS = [
    (layers.Reshape, dict(target_shape=(-1,)), (2, 3, 4), (2, 12)),
    (layers.Permute, dict(dims=(2, 1)), (2, 3, 4), (2, 4, 3)),
    (layers.RepeatVector, dict(n=2), (2, 3), (2, 2, 3)),
    (layers.Cropping1D, dict(), (2, 5, 3), (2, 3, 3)),
    (layers.Cropping2D, dict(cropping=((1, 1), (0, 1))), (2, 4, 4, 2), (2, 2, 3, 2)),
    (layers.Cropping3D, dict(data_format="channels_first"), (1, 2, 4, 4, 3), (1, 2, 2, 2, 1)),
    (layers.ZeroPadding1D, dict(padding=2), (2, 3, 2), (2, 7, 2)),
    (layers.ZeroPadding2D, dict(padding=(1, 2), data_format="channels_first"), (2, 2, 3, 3), (2, 2, 5, 7)),
    (layers.ZeroPadding3D, dict(), (1, 2, 2, 2, 2), (1, 4, 4, 4, 2)),
    (layers.UpSampling1D, dict(), (2, 3, 2), (2, 6, 2)),
    (layers.UpSampling2D, dict(interpolation="bilinear"), (2, 3, 3, 2), (2, 6, 6, 2)),
    (layers.UpSampling3D, dict(), (1, 2, 2, 2, 2), (1, 4, 4, 4, 2)),
]


@pytest.mark.parametrize("cls, kwargs, shape, out_shape", HARNESS, ids=[h[0].__name__ for h in HARNESS])
def test_harness(cls, kwargs, shape, out_shape):
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   expected_num_seed_generators=0)


def test_configs_use_keras_layout():
    assert layers.Cropping1D().get_config()["cropping"] == (1, 1)
    assert layers.Cropping2D(2).get_config()["cropping"] == ((2, 2), (2, 2))
    assert layers.Cropping3D((1, 2, 3)).cropping == ((1, 1), (2, 2), (3, 3))
    assert layers.ZeroPadding1D().get_config()["padding"] == (1, 1)
    assert layers.ZeroPadding2D().get_config()["padding"] == ((1, 1), (1, 1))
    assert layers.ZeroPadding3D(((1, 2), (3, 4), (5, 6))).padding == ((1, 2), (3, 4), (5, 6))
    config = layers.UpSampling2D().get_config()
    assert (config["size"], config["interpolation"], config["data_format"]) == ((2, 2), "nearest", "channels_last")
    assert layers.UpSampling1D().get_config()["size"] == 2
    assert layers.Reshape([2, -1]).get_config()["target_shape"] == (2, -1)
    assert layers.Permute([2, 1]).get_config()["dims"] == (2, 1)


def test_compute_output_shape_with_unknown_dims():
    assert layers.Reshape((-1, 2)).compute_output_shape((None, None, 4)) == (None, None, 2)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layers.Cropping2D(1).compute_output_shape((None, None, 5, 3)) == (None, None, 3, 3)
    assert layers.UpSampling2D(2).compute_output_shape((None, None, 5, 3)) == (None, None, 10, 3)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Reshape((-1, -1)), "target_shape"),
    (lambda: layers.Reshape((0, 2)), "target_shape"),
    (lambda: layers.Permute((1, 3)), "permutation"),
    (lambda: layers.RepeatVector(0), "`n`"),
    (lambda: layers.Cropping2D(((1, 2), (3,))), "cropping"),
    (lambda: layers.ZeroPadding1D(-1), "padding"),
    (lambda: layers.UpSampling2D(interpolation="cubic"), "interpolation"),
    (lambda: layers.UpSampling3D(size=(2, 2)), "size"),
])
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unimplemented_keras_interpolation_says_so():
    with pytest.raises(NotImplementedError, match="bicubic"):
        layers.UpSampling2D(interpolation="bicubic")


def test_shape_errors_name_the_layer():
    with pytest.raises(ValueError, match="cannot be reshaped"):
        layers.Reshape((5, -1)).compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError, match="total size"):
        layers.Reshape((5, 2)).compute_output_shape((None, 3, 4))
    with pytest.raises(ValueError, match="removes"):
        layers.Cropping1D((2, 2)).compute_output_shape((None, 4, 3))
