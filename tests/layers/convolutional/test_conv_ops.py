"""``ops.conv`` and friends against NumPy references written from the definitions, gradients included."""
import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend import KerasTensor

import conv_np_reference as R

RTOL = ATOL = 2e-4


def _rng(seed=0):
    return np.random.default_rng(seed)


def _cf(x):
    return np.moveaxis(x, -1, 1)  # (b, ..., c) -> (b, c, ...)


def _cl(x):
    return np.moveaxis(x, 1, -1)  # (b, c, ...) -> (b, ..., c)


def _with_formats(cases, channels_first):
    """Every case channels-last, the ones at ``channels_first`` indices also channels-first."""
    return [c + ("channels_last",) for c in cases] + [cases[i] + ("channels_first",) for i in channels_first]


CONV_CASES = [
    # x shape, kernel shape, strides, padding, dilation
    ((2, 9, 3), (3, 3, 4), 1, "valid", 1),
    ((2, 9, 3), (3, 3, 4), 2, "same", 1),
    ((2, 10, 2), (4, 2, 3), 3, "same", 1),
    ((2, 9, 2), (3, 2, 3), 1, "same", 2),
    ((2, 7, 6, 3), (3, 2, 3, 4), (2, 1), "same", 1),
    ((2, 7, 6, 3), (3, 3, 3, 2), 1, "valid", (2, 1)),
    ((1, 8, 7, 2), (2, 2, 2, 3), 2, "same", 1),
    ((2, 6, 6, 4), (3, 3, 2, 6), 1, "same", 1),  # grouped: 2 groups
    ((2, 5, 5, 6), (1, 1, 2, 3), 1, "valid", 1),  # grouped: 3 groups
    ((1, 5, 4, 6, 2), (2, 3, 2, 2, 3), 2, "same", 1),
    ((1, 5, 5, 4, 2), (3, 2, 2, 2, 2), 1, "valid", (1, 2, 1)),
]


@pytest.mark.parametrize("xs, ks, strides, padding, dilation, data_format", _with_formats(CONV_CASES, (1, 4, 7, 9)))
def test_conv_forward(xs, ks, strides, padding, dilation, data_format):
    r = _rng()
    x = r.standard_normal(xs).astype("float32")
    k = r.standard_normal(ks).astype("float32")
    expected = R.conv(x, k, strides, padding, dilation)
    inp = x if data_format == "channels_last" else _cf(x)
    got = backend.convert_to_numpy(ops.conv(inp, k, strides, padding, data_format, dilation))
    if data_format == "channels_first":
        got = _cl(got)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("xs, ks, strides, padding, dilation", [CONV_CASES[i] for i in (3, 4, 7, 9)])
def test_conv_gradients(xs, ks, strides, padding, dilation):
    r = _rng(1)
    x = r.standard_normal(xs).astype("float32")
    k = r.standard_normal(ks).astype("float32")
    ref = R.conv(x, k, strides, padding, dilation)
    g = r.standard_normal(ref.shape)
    out, (gx, gk) = R.engine_vjp(lambda a, b: ops.conv(a, b, strides, padding, None, dilation), [x, k], g)
    np.testing.assert_allclose(out, ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(gx, R.batched_vjp(lambda v: R.conv(v, k, strides, padding, dilation), x, g),
                               rtol=RTOL, atol=1e-3)
    np.testing.assert_allclose(gk, R.linear_vjp(lambda v: R.conv(x, v, strides, padding, dilation), k, g),
                               rtol=RTOL, atol=1e-3)


@pytest.mark.parametrize("xs, ks, strides, padding, dilation, data_format", _with_formats([
    ((2, 9, 3), (3, 3, 2), 2, "same", 1),
    ((2, 7, 6, 3), (3, 3, 3, 2), 1, "same", 1),
    ((2, 8, 7, 2), (2, 3, 2, 1), (2, 1), "valid", 1),
    ((2, 7, 7, 2), (3, 3, 2, 3), 1, "valid", 2),
], (1,)))
def test_depthwise_conv(xs, ks, strides, padding, dilation, data_format):
    r = _rng(2)
    x = r.standard_normal(xs).astype("float32")
    k = r.standard_normal(ks).astype("float32")
    expected = R.depthwise_conv(x, k, strides, padding, dilation)
    inp = x if data_format == "channels_last" else _cf(x)
    got = backend.convert_to_numpy(ops.depthwise_conv(inp, k, strides, padding, data_format, dilation))
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    if data_format == "channels_last":
        g = r.standard_normal(expected.shape)
        _, (gx, gk) = R.engine_vjp(lambda a, b: ops.depthwise_conv(a, b, strides, padding, None, dilation),
                                   [x, k], g)
        np.testing.assert_allclose(
            gk, R.linear_vjp(lambda v: R.depthwise_conv(x, v, strides, padding, dilation), k, g), atol=1e-3)
        np.testing.assert_allclose(
            gx, R.batched_vjp(lambda v: R.depthwise_conv(v, k, strides, padding, dilation), x, g), atol=1e-3)


@pytest.mark.parametrize("xs, dks, strides, padding, data_format", _with_formats([
    ((2, 9, 3), (3, 3, 2), 1, "same"),
    ((2, 7, 6, 3), (3, 3, 3, 2), 2, "same"),
    ((2, 7, 6, 3), (2, 2, 3, 1), 1, "valid"),
], (1,)))
def test_separable_conv(xs, dks, strides, padding, data_format):
    r = _rng(3)
    x = r.standard_normal(xs).astype("float32")
    dk = r.standard_normal(dks).astype("float32")
    n = len(xs) - 2
    pk = r.standard_normal((1,) * n + (dks[-2] * dks[-1], 4)).astype("float32")
    expected = R.separable_conv(x, dk, pk, strides, padding)
    inp = x if data_format == "channels_last" else _cf(x)
    got = backend.convert_to_numpy(ops.separable_conv(inp, dk, pk, strides, padding, data_format))
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    if data_format == "channels_last":
        g = r.standard_normal(expected.shape)
        _, (gx, gdk, gpk) = R.engine_vjp(lambda a, b, c: ops.separable_conv(a, b, c, strides, padding),
                                         [x, dk, pk], g)
        np.testing.assert_allclose(
            gpk, R.linear_vjp(lambda v: R.separable_conv(x, dk, v, strides, padding), pk, g), atol=1e-3)
        np.testing.assert_allclose(
            gdk, R.linear_vjp(lambda v: R.separable_conv(x, v, pk, strides, padding), dk, g), atol=1e-3)


TRANSPOSE_CASES = [
    # x shape, kernel shape (spatial, out, in), strides, padding, output_padding, dilation
    ((2, 5, 3), (3, 4, 3), 2, "valid", None, 1),
    ((2, 5, 3), (2, 4, 3), 3, "valid", None, 1),  # kernel smaller than stride: zeros at the end
    ((2, 5, 3), (3, 4, 3), 2, "same", None, 1),
    ((2, 5, 3), (4, 2, 3), 2, "same", None, 1),
    ((2, 5, 3), (3, 2, 3), 2, "same", 1, 1),
    ((2, 5, 3), (4, 2, 3), 2, "same", 1, 1),
    ((2, 5, 3), (3, 2, 3), 3, "valid", 2, 1),
    ((2, 5, 3), (3, 2, 3), 1, "same", None, 2),
    ((2, 4, 5, 3), (3, 3, 2, 3), 2, "same", None, 1),
    ((2, 4, 5, 3), (3, 2, 2, 3), (2, 3), "valid", None, 1),
    ((2, 4, 5, 3), (3, 3, 2, 3), 2, "same", (1, 0), 1),
    ((1, 3, 4, 3, 2), (2, 3, 2, 3, 2), 2, "same", None, 1),
    ((1, 3, 3, 2, 2), (3, 2, 2, 2, 2), (1, 2, 2), "valid", None, 1),
]


@pytest.mark.parametrize("xs, ks, strides, padding, out_pad, dilation, data_format",
                         _with_formats(TRANSPOSE_CASES, (3, 10, 11)))
def test_conv_transpose_forward(xs, ks, strides, padding, out_pad, dilation, data_format):
    r = _rng(4)
    x = r.standard_normal(xs).astype("float32")
    k = r.standard_normal(ks).astype("float32")
    expected = R.conv_transpose(x, k, strides, padding, out_pad, dilation)
    inp = x if data_format == "channels_last" else _cf(x)
    got = backend.convert_to_numpy(ops.conv_transpose(inp, k, strides, padding, out_pad, data_format, dilation))
    got = got if data_format == "channels_last" else _cl(got)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("xs, ks, strides, padding, out_pad, dilation", [TRANSPOSE_CASES[i] for i in (1, 5, 8)])
def test_conv_transpose_gradients(xs, ks, strides, padding, out_pad, dilation):
    r = _rng(5)
    x = r.standard_normal(xs).astype("float32")
    k = r.standard_normal(ks).astype("float32")
    ref = R.conv_transpose(x, k, strides, padding, out_pad, dilation)
    g = r.standard_normal(ref.shape)
    out, (gx, gk) = R.engine_vjp(
        lambda a, b: ops.conv_transpose(a, b, strides, padding, out_pad, None, dilation), [x, k], g)
    np.testing.assert_allclose(out, ref, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        gx, R.batched_vjp(lambda v: R.conv_transpose(v, k, strides, padding, out_pad, dilation), x, g), atol=1e-3)
    np.testing.assert_allclose(
        gk, R.linear_vjp(lambda v: R.conv_transpose(x, v, strides, padding, out_pad, dilation), k, g), atol=1e-3)


POOL_CASES = [
    # x shape, pool, strides, padding
    ((2, 9, 3), 2, None, "valid"),
    ((2, 9, 3), 3, 2, "same"),
    ((2, 8, 2), 2, 1, "same"),
    ((2, 7, 6, 3), 2, None, "same"),  # odd length: pad at the end only
    ((2, 7, 6, 3), (3, 2), (2, 1), "valid"),
    ((2, 7, 6, 2), 3, 1, "same"),  # symmetric pads: torch's own padding path
    ((2, 6, 6, 2), 4, 1, "same"),  # pads (1, 2): explicit padding path
    ((1, 5, 4, 6, 2), 2, None, "same"),
    ((1, 5, 4, 6, 2), (3, 2, 2), (1, 2, 3), "valid"),
]


@pytest.mark.parametrize("xs, pool_size, strides, padding, data_format", _with_formats(POOL_CASES, (1, 3, 7)))
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_forward(xs, pool_size, strides, padding, kind, data_format):
    x = _rng(6).standard_normal(xs).astype("float32")
    expected = R.pool(x, pool_size, strides, padding, kind)
    op = ops.max_pool if kind == "max" else ops.average_pool
    inp = x if data_format == "channels_last" else _cf(x)
    got = backend.convert_to_numpy(op(inp, pool_size, strides, padding, data_format))
    got = got if data_format == "channels_last" else _cl(got)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("xs, pool_size, strides, padding", [POOL_CASES[i] for i in (1, 6, 7)])
def test_pooling_gradients(xs, pool_size, strides, padding):
    r = _rng(7)
    x = r.standard_normal(xs).astype("float32")
    ref_max = R.pool(x, pool_size, strides, padding, "max")
    g = r.standard_normal(ref_max.shape)
    _, (gx,) = R.engine_vjp(lambda a: ops.max_pool(a, pool_size, strides, padding), [x], g)
    np.testing.assert_allclose(gx, R.max_pool_vjp(x, g, pool_size, strides, padding), atol=1e-5)
    _, (gx,) = R.engine_vjp(lambda a: ops.average_pool(a, pool_size, strides, padding), [x], g)
    np.testing.assert_allclose(
        gx, R.batched_vjp(lambda v: R.pool(v, pool_size, strides, padding, "avg"), x, g), atol=1e-5)


def test_same_average_pool_excludes_padding_by_hand():
    # Length 3, pool 2, stride 2, "same": windows [x0, x1] and [x2, <pad>] -> x2 alone.
    x = np.array([1.0, 3.0, 8.0], "float32").reshape(1, 3, 1)
    got = backend.convert_to_numpy(ops.average_pool(x, 2, 2, "same"))
    np.testing.assert_allclose(got.ravel(), [2.0, 8.0])
    got = backend.convert_to_numpy(ops.max_pool(-x, 2, 2, "same"))
    np.testing.assert_allclose(got.ravel(), [-1.0, -8.0])


def test_symbolic_shapes():
    x = KerasTensor((None, 9, 8, 3))
    assert ops.conv(x, np.zeros((3, 3, 3, 5), "float32"), 2, "same").shape == (None, 5, 4, 5)
    assert ops.depthwise_conv(x, np.zeros((3, 3, 3, 2), "float32")).shape == (None, 7, 6, 6)
    assert ops.conv_transpose(x, np.zeros((3, 3, 4, 3), "float32"), 2, "valid").shape == (None, 19, 17, 4)
    assert ops.max_pool(x, 2, padding="same").shape == (None, 5, 4, 3)
    assert ops.average_pool(x, 3, 1).shape == (None, 7, 6, 3)


def test_ops_and_their_gradients_under_the_engine_compiler():
    """Forward and gradients inside ``jax.jit`` (traced values) / ``torch.compile``-free eager torch."""
    r = _rng(8)
    x = r.standard_normal((2, 6, 6, 2)).astype("float32")
    k = r.standard_normal((3, 3, 2, 3)).astype("float32")
    kt = r.standard_normal((2, 2, 2, 3)).astype("float32")

    def ref(a, b, c):
        h = R.conv(a, b, 2, "same")  # (2, 3, 3, 3)
        h = R.pool(h, 2, 1, "same", "max") + R.pool(h, 2, 1, "same", "avg")
        return R.conv_transpose(h, c, 2, "same")  # (2, 6, 6, 2)

    def fn(a, b, c):
        h = ops.conv(a, b, 2, "same")
        h = ops.add(ops.max_pool(h, 2, 1, "same"), ops.average_pool(h, 2, 1, "same"))
        return ops.conv_transpose(h, c, 2, "same")

    expected = ref(x, k, kt)
    g = r.standard_normal(expected.shape)
    if backend.backend() == "jax":
        import jax

        def loss(a, b, c):
            return (fn(a, b, c) * g).sum()

        out = np.asarray(jax.jit(fn)(x, k, kt))
        grads = [np.asarray(v) for v in jax.jit(jax.grad(loss, argnums=(0, 1, 2)))(x, k, kt)]
    else:
        out, grads = R.engine_vjp(fn, [x, k, kt], g)
    np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
    _, eager_grads = R.engine_vjp(fn, [x, k, kt], g)
    for a, b in zip(grads, eager_grads):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=1e-3)
    # The input gradient against NumPy (the pooled map is piecewise linear: exact away from ties).
    np.testing.assert_allclose(grads[2], R.linear_vjp(lambda v: ref(x, k, v), kt, g), rtol=RTOL, atol=1e-3)


@pytest.mark.parametrize("call, match", [
    (lambda: ops.conv(np.zeros((2, 5, 5, 3), "float32"), np.zeros((3, 3, 2, 4), "float32")), "multiple"),
    (lambda: ops.conv(np.zeros((2, 5, 3), "float32"), np.zeros((3, 3, 4), "float32"), padding="full"), "padding"),
    (lambda: ops.conv(np.zeros((2, 5, 3), "float32"), np.zeros((3, 3, 4), "float32"), strides=(1, 2)), "strides"),
    (lambda: ops.max_pool(np.zeros((2, 5), "float32"), 2), "3D, 4D or 5D"),
    (lambda: ops.depthwise_conv(np.zeros((2, 5, 3), "float32"), np.zeros((3, 2, 1), "float32")), "depthwise_conv"),
])
def test_invalid_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
