"""cornu.ops.image (colour, crop/pad, patches, filters, resampling) against NumPy/SciPy references:
values eagerly in both layouts, dtypes, symbolic shapes, gradients and argument errors."""
import colorsys
import itertools

import numpy as np
import pytest
import scipy.ndimage as ndi

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

I = ops.image
rng = np.random.default_rng(0)
X = rng.random((2, 9, 10, 3)).astype("float32")  # channels-last batch


def cf(x):
    """Channels-last -> channels-first (batched or not)."""
    return np.moveaxis(x, -1, -3).copy()


def check(actual, expected, atol=1e-5):
    actual = ops.convert_to_numpy(actual)
    assert actual.shape == np.shape(expected)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=atol)


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def grad_of(fn, x):
    """Gradient of ``sum(fn(v))`` with respect to the variable ``v = x``."""
    var = cornu.Variable(x)
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(fn(var)), None), [var])
    return ops.convert_to_numpy(grads[0])


# -- NumPy references ---------------------------------------------------------------------------


def np_filter(x, kernel, padding="same"):
    """Correlate every channel of (b, h, w, c) with a 2D kernel; 'same' zero-pads as TensorFlow."""
    kh, kw = kernel.shape
    if padding == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        x = np.pad(x, [(0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)])
    h, w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return sum(kernel[i, j] * x[:, i:i + h, j:j + w] for i in range(kh) for j in range(kw))


def np_gauss(size, sigma):
    g = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    return g / g.sum()


def np_patches(x, size, strides, dilation, padding):
    """Patches of channels-last (b, *spatial, c), feature order (patch offset, channel)."""
    spatial = x.shape[1:-1]
    spans = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    if padding == "same":
        outs = [-(-s // st) for s, st in zip(spatial, strides)]
        totals = [max((o - 1) * st + sp - s, 0) for o, st, sp, s in zip(outs, strides, spans, spatial)]
        x = np.pad(x, [(0, 0)] + [(t // 2, t - t // 2) for t in totals] + [(0, 0)])
    else:
        outs = [(s - sp) // st + 1 for s, sp, st in zip(spatial, spans, strides)]
    out = np.zeros((x.shape[0], *outs, int(np.prod(size)) * x.shape[-1]), x.dtype)
    for pos in np.ndindex(*outs):
        feats = [x[(slice(None),) + tuple(p * st + o * d for p, o, st, d in zip(pos, off, strides, dilation))]
                 for off in np.ndindex(*size)]
        out[(slice(None),) + pos] = np.concatenate(feats, -1)
    return out


SCIPY_MODES = {"constant": "grid-constant", "nearest": "nearest", "wrap": "grid-wrap", "mirror": "mirror",
               "reflect": "reflect"}


def np_sample(x, ys, xs, order, mode, cval=0.0):
    """(b, h, w, c) images read at (b, H, W) points with scipy.ndimage.map_coordinates."""
    return np.stack([np.stack([ndi.map_coordinates(x[b, ..., c].astype("float64"), [ys[b], xs[b]], order=order,
                                                   mode=SCIPY_MODES[mode], cval=cval)
                               for c in range(x.shape[-1])], -1) for b in range(x.shape[0])])


# -- colour ---------------------------------------------------------------------------------------


def test_rgb_to_grayscale_weights_layouts_and_dtypes():
    expected = (X @ np.array([0.2989, 0.5870, 0.1140]))[..., None]
    check(I.rgb_to_grayscale(X), expected)
    check(I.rgb_to_grayscale(cf(X[0]), data_format="channels_first"), cf(expected[0]))
    backend.set_image_data_format("channels_first")
    check(I.rgb_to_grayscale(cf(X)), cf(expected))
    u8 = (X * 255).astype("uint8")
    out = I.rgb_to_grayscale(u8, data_format="channels_last")
    assert dtype_of(out) == "uint8"  # computed in float32, truncated back, as Keras
    np.testing.assert_array_equal(ops.convert_to_numpy(out),
                                  (u8.astype("float32") @ np.float32([0.2989, 0.5870, 0.1140]))[..., None]
                                  .astype("uint8"))
    single = X[..., :1]
    check(I.rgb_to_grayscale(single, data_format="channels_last"), single)  # one channel: unchanged


def test_hsv_conversions_match_colorsys_and_round_trip():
    special = np.array([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0.5, 0.5, 0.2],
                        [0.2, 0.5, 0.5], [0.5, 0.2, 0.5], [0.3, 0.1, 0.4]], "float32")
    rgb = X.copy()
    rgb[0, 0] = special  # ties between channels and greys included
    expected = np.array([colorsys.rgb_to_hsv(*p) for p in rgb.reshape(-1, 3).astype("float64")]).reshape(X.shape)
    check(I.rgb_to_hsv(rgb), expected)
    check(I.rgb_to_hsv(cf(rgb), data_format="channels_first"), cf(expected))
    back = np.array([colorsys.hsv_to_rgb(*p) for p in X.reshape(-1, 3).astype("float64")]).reshape(X.shape)
    check(I.hsv_to_rgb(X), back)
    check(I.hsv_to_rgb(I.rgb_to_hsv(X)), X)
    for fn in (I.rgb_to_hsv, I.hsv_to_rgb):
        out = fn(KerasTensor((None, 3, 9, 10), "float16"), data_format="channels_first")
        assert out.shape == (None, 3, 9, 10) and out.dtype == "float16"
        with pytest.raises(ValueError, match="float dtype"):
            fn((X * 255).astype("uint8"))
        with pytest.raises(ValueError, match="channel size"):
            fn(X[..., :2])


# -- crop / pad -----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["channels_last", "channels_first"])
def test_crop_and_pad_images(layout):
    x = X if layout == "channels_last" else cf(X)
    def to(a):
        return a if layout == "channels_last" else cf(a)
    check(I.crop_images(x, 1, 2, bottom_cropping=3, target_width=5, data_format=layout), to(X[:, 1:6, 2:7]))
    check(I.crop_images(x, target_height=4, target_width=3, bottom_cropping=0, right_cropping=1,
                        data_format=layout), to(X[:, 5:9, 6:9]))
    expected = np.pad(X, [(0, 0), (2, 1), (0, 4), (0, 0)])
    check(I.pad_images(x, 2, 0, target_height=12, right_padding=4, data_format=layout), to(expected))
    check(I.pad_images(x[0], bottom_padding=1, left_padding=0, target_height=12, target_width=14,
                       data_format=layout), to(expected[0]))
    u8 = (x * 255).astype("uint8")
    assert dtype_of(I.pad_images(u8, 1, 1, 1, 1, data_format=layout)) == "uint8"
    g = grad_of(lambda v: I.crop_images(v, 1, 1, 1, 1, data_format=layout), x)
    np.testing.assert_array_equal(g, to(np.pad(np.ones((2, 7, 8, 3), "float32"), [(0, 0), (1, 1), (1, 1), (0, 0)])))


def test_crop_and_pad_symbolic_shapes():
    k = KerasTensor((None, 9, 10, 3))
    assert I.crop_images(k, 1, 2, target_height=4, target_width=5).shape == (None, 4, 5, 3)
    assert I.pad_images(k, 1, 2, 3, 4).shape == (None, 13, 16, 3)
    unknown = KerasTensor((None, None, None, 3))
    assert I.crop_images(unknown, 1, 2, target_height=4, target_width=5).shape == (None, 4, 5, 3)
    assert I.pad_images(unknown, 1, 2, target_height=20, right_padding=3).shape == (None, 20, None, 3)
    assert I.pad_images(KerasTensor((3, 8, 8)), 1, 1, 1, 1, data_format="channels_first").shape == (3, 10, 10)
    with pytest.raises(ValueError, match="target_height"):
        I.crop_images(unknown, 1, 2, bottom_cropping=1, target_width=5)


@pytest.mark.parametrize("call, match", [
    (lambda: I.crop_images(X, 1, 1, 1, 1, target_height=3), "exactly two of top_cropping"),
    (lambda: I.crop_images(X, 1, None, 1, None), "exactly two of left_cropping"),
    (lambda: I.crop_images(X, -1, 0, 0, 0), "top_cropping must be >= 0"),
    (lambda: I.crop_images(X, 5, 0, target_height=5, right_cropping=0), "bottom_cropping must be >= 0"),
    (lambda: I.pad_images(X, 1, 1, target_height=5, target_width=20), "bottom_padding must be >= 0"),
    (lambda: I.pad_images(X[0, 0], 1, 1, 1, 1), "invalid images rank"),
])
def test_crop_and_pad_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_crop_and_pad_amounts_must_be_ints():
    with pytest.raises(TypeError, match="`top_padding` must be an int"):
        I.pad_images(X, 1.5, 1, 1, 1)


# -- patches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size, strides, dilation, padding", [
    (2, None, 1, "valid"), ((3, 2), (2, 3), 1, "same"), (3, 1, 2, "valid"), ((2, 3), (1, 2), 1, "same"),
    ((4, 5), None, 1, "same"),
])
def test_extract_patches_2d(size, strides, dilation, padding):
    pair = (size, size) if isinstance(size, int) else size
    st = pair if strides is None else ((strides,) * 2 if isinstance(strides, int) else strides)
    expected = np_patches(X, pair, st, (dilation,) * 2, padding)
    out = I.extract_patches(X, size, strides=strides, dilation_rate=dilation, padding=padding,
                            data_format="channels_last")
    check(out, expected, atol=0)
    check(I.extract_patches(cf(X[0]), size, strides, dilation, padding, data_format="channels_first"),
          cf(expected[0]), atol=0)
    sym = I.extract_patches(KerasTensor((None,) + X.shape[1:]), size, strides, dilation, padding,
                            data_format="channels_last")
    assert sym.shape == (None,) + expected.shape[1:]


def test_extract_patches_3d_dtypes_and_gradient():
    vol = rng.random((2, 5, 6, 7, 2)).astype("float32")
    check(I.extract_patches_3d(vol, 2, 1, data_format="channels_last"),
          np_patches(vol, (2, 2, 2), (1, 1, 1), (1, 1, 1), "valid"), 0)
    expected = np_patches(vol, (2, 3, 2), (2, 2, 3), (1, 1, 1), "same")
    check(I.extract_patches(vol, (2, 3, 2), (2, 2, 3), padding="same", data_format="channels_last"), expected, 0)
    check(I.extract_patches_3d(np.moveaxis(vol[1], -1, 0), (2, 3, 2), (2, 2, 3), padding="same",
                               data_format="channels_first"), np.moveaxis(expected[1], -1, 0), 0)
    sym = I.extract_patches_3d(KerasTensor((None, 5, 6, 7, 2), "int32"), (1, 2, 3))
    assert sym.shape == (None, 5, 3, 2, 12) and sym.dtype == "int32"
    ints = (X * 100).astype("int32")
    out = I.extract_patches(ints, 2, strides=1, data_format="channels_last")
    assert dtype_of(out) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np_patches(ints, (2, 2), (1, 1), (1, 1), "valid"))
    # Each pixel's gradient counts the 2x2 patches that contain it.
    g = grad_of(lambda v: I.extract_patches(v, 2, strides=1, data_format="channels_last"), X)
    rows = np.array([min(i, 9 - 2) - max(0, i - 1) + 1 for i in range(9)], "float32")
    cols = np.array([min(j, 10 - 2) - max(0, j - 1) + 1 for j in range(10)], "float32")
    np.testing.assert_array_equal(g, np.broadcast_to(np.outer(rows, cols)[None, :, :, None], X.shape))


@pytest.mark.parametrize("call, error, match", [
    (lambda: I.extract_patches(X, 2.5), TypeError, "`size` must be an int or a tuple"),
    (lambda: I.extract_patches(X, (2, 2, 2, 2)), ValueError, "length 2 or 3"),
    (lambda: I.extract_patches(X, 2, padding="full"), ValueError, "`padding`"),
    (lambda: I.extract_patches(X, (20, 2)), ValueError, "do not fit"),
    (lambda: I.extract_patches(X, 2, strides=0), ValueError, "`strides`"),
    (lambda: I.extract_patches_3d(X[0], 2), ValueError, "invalid images rank"),
])
def test_extract_patches_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- filters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel_size, sigma", [((3, 3), (1.0, 1.0)), ((3, 5), (0.8, 2.0)), ((4, 4), (1.5, 1.5))])
def test_gaussian_blur(kernel_size, sigma):
    # kernel_size[0] / sigma[0] act along the width, [1] along the height (as Keras's engines compute).
    kernel = np.outer(np_gauss(kernel_size[1], sigma[1]), np_gauss(kernel_size[0], sigma[0]))
    expected = np_filter(X, kernel)
    check(I.gaussian_blur(X, kernel_size, sigma, data_format="channels_last"), expected)
    check(I.gaussian_blur(cf(X[0]), kernel_size, np.float32(sigma), data_format="channels_first"), cf(expected[0]))
    assert dtype_of(I.gaussian_blur(X.astype("float16"), kernel_size, sigma)) == "float16"
    assert I.gaussian_blur(KerasTensor((None, 9, 10, 3)), kernel_size, sigma).shape == (None, 9, 10, 3)


def test_gaussian_blur_gradient_is_the_blur_of_the_cotangent():
    # An odd symmetric kernel with zero padding is self-adjoint: d sum(blur(x) * c) / dx = blur(c).
    c = rng.random(X.shape).astype("float32")
    g = grad_of(lambda v: ops.multiply(I.gaussian_blur(v, (5, 3), (1.3, 0.7), data_format="channels_last"), c), X)
    check(g, np_filter(c, np.outer(np_gauss(3, 0.7), np_gauss(5, 1.3))))


@pytest.mark.parametrize("shifted_sums", [True, False])
def test_both_filter_strategies_match_numpy(monkeypatch, shifted_sums):
    from cornu.ops.image_base import depthwise

    monkeypatch.setattr(backend.image, "SHIFTED_SUM_FILTERS", shifted_sums)
    kernel = rng.standard_normal((2, 3, 2)).astype("float32")  # two (2, 3) filters per channel
    out = np.stack([np_filter(X, kernel[..., f]) for f in range(2)], -1).reshape(X.shape[:3] + (6,))
    check(depthwise(ops.convert_to_tensor(X), kernel), out)
    check(depthwise(ops.convert_to_tensor(X), kernel[..., 0], "valid"), np_filter(X, kernel[..., 0], "valid"))


def test_sobel_edges():
    sobel_y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], "float64")
    expected = np.stack([np_filter(X, sobel_y), np_filter(X, sobel_y.T)], axis=-1)  # [d/dy, d/dx]
    check(I.sobel_edges(X, data_format="channels_last"), expected, atol=1e-5)
    check(I.sobel_edges(cf(X), data_format="channels_first"), np.moveaxis(expected, 3, 1), atol=1e-5)
    ints = (X * 50).astype("int32")
    out = I.sobel_edges(ints, data_format="channels_last")
    assert dtype_of(out) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out),
                                  np.stack([np_filter(ints, sobel_y), np_filter(ints, sobel_y.T)], -1))
    assert I.sobel_edges(KerasTensor((None, 9, 10, 3))).shape == (None, 9, 10, 3, 2)
    with pytest.raises(ValueError, match="expected rank 4"):
        I.sobel_edges(X[0])


def np_ssim(a, b, max_val, size, sigma, k1, k2):
    window = np.outer(np_gauss(size, sigma), np_gauss(size, sigma))
    mu1, mu2 = np_filter(a, window, "valid"), np_filter(b, window, "valid")
    var1 = np_filter(a * a, window, "valid") - mu1 ** 2
    var2 = np_filter(b * b, window, "valid") - mu2 ** 2
    cov = np_filter(a * b, window, "valid") - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    smap = (2 * mu1 * mu2 + c1) * (2 * cov + c2) / ((mu1 ** 2 + mu2 ** 2 + c1) * (var1 + var2 + c2))
    return smap.mean(axis=(1, 2, 3))


def test_ssim():
    noisy = np.clip(X + 0.2 * rng.standard_normal(X.shape), 0, 1).astype("float32")
    expected = np_ssim(X.astype("float64"), noisy.astype("float64"), 1.0, 5, 1.5, 0.01, 0.03)
    check(I.ssim(X, noisy, filter_size=5), expected)
    check(I.ssim(cf(X[1]), cf(noisy[1]), 2.0, 7, 1.0, 0.02, 0.05, data_format="channels_first"),
          np_ssim(X[1:].astype("float64"), noisy[1:].astype("float64"), 2.0, 7, 1.0, 0.02, 0.05)[0])
    check(I.ssim(X, X, filter_size=3), np.ones(2))
    sym = I.ssim(KerasTensor((None, 9, 10, 3), "float16"), KerasTensor((None, 9, 10, 3), "float16"), filter_size=3)
    assert sym.shape == (None,) and sym.dtype == "float16"
    # Gradient against a central difference along a random direction.
    d = rng.standard_normal(X.shape).astype("float32")
    g = grad_of(lambda v: I.ssim(v, noisy, filter_size=5), X)
    eps, x64, n64 = 1e-3, X.astype("float64"), noisy.astype("float64")
    numeric = (np_ssim(x64 + eps * d, n64, 1.0, 5, 1.5, 0.01, 0.03).sum()
               - np_ssim(x64 - eps * d, n64, 1.0, 5, 1.5, 0.01, 0.03).sum()) / (2 * eps)
    np.testing.assert_allclose(np.sum(g * d), numeric, rtol=1e-3)
    with pytest.raises(ValueError, match="same shape"):
        I.ssim(X, X[:1])
    with pytest.raises(ValueError, match="smaller than the filter"):
        I.ssim(X, X)  # default filter_size=11 > 9


# -- map_coordinates -------------------------------------------------------------------------------


@pytest.mark.parametrize("fill_mode", sorted(SCIPY_MODES))
@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_matches_scipy(fill_mode, order):
    img = rng.random((6, 7)).astype("float32")
    coords = rng.uniform(-4, 12, size=(2, 5, 8)).astype("float32")
    expected = ndi.map_coordinates(img.astype("float64"), coords, order=order, mode=SCIPY_MODES[fill_mode],
                                   cval=0.4)
    check(I.map_coordinates(img, coords, order, fill_mode=fill_mode, fill_value=0.4), expected)
    check(I.map_coordinates(img, [coords[0], coords[1]], order, fill_mode), ndi.map_coordinates(
        img.astype("float64"), coords, order=order, mode=SCIPY_MODES[fill_mode], cval=0.0))
    if fill_mode == "mirror":
        vol = rng.random((3, 4, 5)).astype("float32")
        c3 = rng.uniform(-2, 6, size=(3, 11)).astype("float32")
        check(I.map_coordinates(vol, c3, order, fill_mode), ndi.map_coordinates(
            vol.astype("float64"), c3, order=order, mode=SCIPY_MODES[fill_mode]))


def test_map_coordinates_dtypes_symbolic_and_gradient():
    img = rng.random((6, 7)).astype("float32")
    coords = rng.uniform(-1, 7, size=(2, 4, 3)).astype("float32")
    ints = (img * 100).astype("int32")
    out = I.map_coordinates(ints, coords, 1)
    assert dtype_of(out) == "int32"  # rounded halves away from zero, as jax.scipy
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np.round(ndi.map_coordinates(
        ints.astype("float64"), coords, order=1, mode="grid-constant")).astype("int32"))
    assert I.map_coordinates(KerasTensor((6, 7), "float16"), coords, 0).dtype == "float16"
    out = I.map_coordinates(KerasTensor((6, 7)), KerasTensor((2, None, 3)), 1)
    assert out.shape == (None, 3) and out.dtype == "float32"
    # d sum(out) / d img: each point adds its bilinear weights to its in-range taps.
    g = grad_of(lambda v: I.map_coordinates(v, coords, 1), img)
    expected = np.zeros((6, 7))
    for y, x in zip(coords[0].ravel(), coords[1].ravel()):
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        for yy, xx in itertools.product((y0, y0 + 1), (x0, x0 + 1)):
            if 0 <= yy < 6 and 0 <= xx < 7:
                expected[yy, xx] += (1 - abs(y - yy)) * (1 - abs(x - xx))
    check(g, expected)


@pytest.mark.parametrize("call, match", [
    (lambda: I.map_coordinates(np.ones((3, 3)), np.ones((3, 4)), 1), "rank of `inputs`"),
    (lambda: I.map_coordinates(np.ones((3,)), np.ones((1,)), 1), "at least rank 2"),
    (lambda: I.map_coordinates(np.ones((3, 3)), np.ones((2, 4)), 3), "`order`"),
    (lambda: I.map_coordinates(np.ones((3, 3)), np.ones((2, 4)), 1, "edge"), "`fill_mode`"),
])
def test_map_coordinates_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- perspective / elastic / scale_and_translate ---------------------------------------------------


def np_homography(start, end):
    """The 8 coefficients sending each end point (x, y) to its start point, from the 8x8 linear system."""
    rows, rhs = [], []
    for (sx, sy), (ex, ey) in zip(start, end):
        rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
        rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
        rhs += [sx, sy]
    return np.linalg.solve(np.array(rows, "float64"), np.array(rhs, "float64"))


def np_perspective(x, start, end, order, fill_value):
    h, w = x.shape[1:3]
    gy, gx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    ys, xs = [], []
    for s, e in zip(start, end):
        a = np_homography(s, e)
        k = a[6] * gx + a[7] * gy + 1
        xs.append((a[0] * gx + a[1] * gy + a[2]) / k)
        ys.append((a[3] * gx + a[4] * gy + a[5]) / k)
    return np_sample(x, np.array(ys), np.array(xs), order, "constant", fill_value)


START = np.array([[[0, 0], [0, 9], [10, 0], [10, 9]], [[1, 1], [0, 8], [9, 0], [10, 9]]], "float32")
END = np.array([[[1, 0.5], [0, 8], [9, 1], [10, 9]], [[0, 0], [1, 9], [10, 2], [8, 8]]], "float32")


def test_perspective_transform():
    check(I.perspective_transform(X, START, END, data_format="channels_last"),
          np_perspective(X, START, END, 1, 0.0), atol=1e-4)
    check(I.perspective_transform(cf(X), START[:1], END[:1], "nearest", 0.5, data_format="channels_first"),
          cf(np_perspective(X, START[[0, 0]], END[[0, 0]], 0, 0.5)), atol=1e-4)  # one set for the batch
    check(I.perspective_transform(X, START, START, data_format="channels_last"), X)  # identity
    for dtype in ("float16", "uint8"):
        sym = I.perspective_transform(KerasTensor((None, 9, 10, 3), dtype), KerasTensor((None, 4, 2)),
                                      KerasTensor((None, 4, 2)))
        assert sym.shape == (None, 9, 10, 3) and sym.dtype == dtype
    # Linear in the images: the gradient's inner product with d is the transform of d, summed.
    d = rng.random(X.shape).astype("float32")
    g = grad_of(lambda v: I.perspective_transform(v, START, END, data_format="channels_last"), X)
    np.testing.assert_allclose(np.sum(g * d), np_perspective(d, START, END, 1, 0.0).sum(), rtol=1e-4)
    with pytest.raises(ValueError, match="start_points shape"):
        I.perspective_transform(X, START[:, :3], END[:, :3])
    with pytest.raises(ValueError, match="same shape"):
        I.perspective_transform(X, START, END[0])
    with pytest.raises(ValueError, match="`interpolation`"):
        I.perspective_transform(X, START, END, interpolation="cubic")


def test_elastic_transform_is_smoothed_noise_then_resampling():
    alpha, sigma = 3.0, 1.2
    out = I.elastic_transform(X, alpha, sigma, fill_mode="reflect", seed=7, data_format="channels_last")
    # The op draws normal((2 * batch, h, w, 1)) with the seed: (dy, dx) for every image.
    noise = ops.convert_to_numpy(cornu.random.normal((4, 9, 10, 1), seed=7)).astype("float64") * sigma
    size = int(6 * sigma) | 1
    shift = alpha * np_filter(noise, np.outer(np_gauss(size, sigma), np_gauss(size, sigma)))[..., 0]
    gy, gx = np.meshgrid(np.arange(9), np.arange(10), indexing="ij")
    check(out, np_sample(X, gy + shift[:2], gx + shift[2:], 1, "reflect"), atol=1e-4)
    again = I.elastic_transform(cf(X), alpha, sigma, fill_mode="reflect", seed=7, data_format="channels_first")
    check(again, cf(ops.convert_to_numpy(out)), atol=1e-5)
    check(I.elastic_transform(X, 0.0, sigma, seed=1, data_format="channels_last"), X)  # no displacement
    near = ops.convert_to_numpy(I.elastic_transform(X, 10.0, 2.0, "nearest", "constant", 0.25, seed=3,
                                                    data_format="channels_last"))
    assert np.isin(near, np.append(X, np.float32(0.25))).all()  # nearest sampling only copies pixels
    sym = I.elastic_transform(KerasTensor((None, 9, 10, 3), "float16"))
    assert sym.shape == (None, 9, 10, 3) and sym.dtype == "float16"
    with pytest.raises(ValueError, match="`fill_mode`"):
        I.elastic_transform(X, fill_mode="edge")
    with pytest.raises(ValueError, match="`sigma` must be positive"):
        I.elastic_transform(X, sigma=0.0)


def np_resample_weights(in_size, out_size, scale, translation, method, antialias):
    kernels = {
        "linear": lambda x: np.maximum(0.0, 1.0 - x),
        "cubic": lambda x: np.where(x < 1, (1.5 * x - 2.5) * x * x + 1,
                                    np.where(x < 2, ((-0.5 * x + 2.5) * x - 4) * x + 2, 0.0)),
        "lanczos3": lambda x: np.where(x < 3, np.sinc(x) * np.sinc(x / 3), 0.0),
        "lanczos5": lambda x: np.where(x < 5, np.sinc(x) * np.sinc(x / 5), 0.0),
    }
    src = (np.arange(out_size) + 0.5 - translation) / scale - 0.5
    widen = max(1.0 / scale, 1.0) if antialias else 1.0
    w = kernels[method](np.abs(src[None, :] - np.arange(in_size)[:, None]) / widen)
    total = w.sum(0, keepdims=True)
    w = np.where(np.abs(total) > 1000 * np.finfo("float32").eps, w / np.where(total != 0, total, 1), 0)
    return np.where(((src >= -0.5) & (src <= in_size - 0.5))[None, :], w, 0.0)


@pytest.mark.parametrize("method, antialias", [("linear", True), ("bicubic", True), ("lanczos3", True),
                                               ("lanczos5", False), ("triangle", False)])
def test_scale_and_translate(method, antialias):
    kernel = {"bicubic": "cubic", "triangle": "linear"}.get(method, method)
    scale, translation = np.float32([0.6, 1.7]), np.float32([0.5, -1.0])
    wy = np_resample_weights(9, 5, 0.6, 0.5, kernel, antialias)
    wx = np_resample_weights(10, 17, 1.7, -1.0, kernel, antialias)
    expected = np.einsum("bhwc,hH,wW->bHWc", X.astype("float64"), wy, wx)
    out = I.scale_and_translate(X, (2, 5, 17, 3), scale, translation, (1, 2), method, antialias)
    check(out, expected, atol=1e-5)
    sym = I.scale_and_translate(KerasTensor((None, 9, 10, 3)), (None, 5, 17, 3), KerasTensor((2,)),
                                KerasTensor((2,)), (1, 2), method, antialias)
    assert sym.shape == (None, 5, 17, 3) and sym.dtype == "float32"


def test_scale_and_translate_identity_dtypes_gradient_and_errors():
    check(I.scale_and_translate(X, X.shape, [1.0, 1.0], [0.0, 0.0], (1, 2), "linear"), X)
    sym = I.scale_and_translate(KerasTensor((2, 9, 10, 3), "uint8"), (2, 5, 17, 3), KerasTensor((2,)),
                                KerasTensor((2,)), (-3, -2), "linear")
    assert sym.shape == (2, 5, 17, 3) and sym.dtype == "float32"  # integer images give float32, as jax.image
    d = rng.random(X.shape).astype("float32")
    g = grad_of(lambda v: I.scale_and_translate(v, (2, 5, 17, 3), [0.6, 1.7], [0.5, -1.0], (1, 2), "cubic"), X)
    wy = np_resample_weights(9, 5, 0.6, 0.5, "cubic", True)
    wx = np_resample_weights(10, 17, 1.7, -1.0, "cubic", True)
    np.testing.assert_allclose(np.sum(g * d), np.einsum("bhwc,hH,wW->", d, wy, wx), rtol=1e-4)
    img = X[0, :, :, 0]
    with pytest.raises(ValueError, match="`method`"):
        I.scale_and_translate(img, (3, 3), [1.0, 1.0], [0.0, 0.0], (0, 1), "area")
    with pytest.raises(ValueError, match="one entry per spatial dim"):
        I.scale_and_translate(img, (3, 3), [1.0], [0.0], (0, 1), "linear")
    with pytest.raises(ValueError, match="output_shape"):
        I.scale_and_translate(img, (3, 5), [1.0], [0.0], (0,), "linear")


def test_compile_composite_reads_variables_and_falls_back_for_unhashable_static_arguments():
    def fn(x, shape, scale=1.0):
        return ops.multiply(ops.reshape(x, tuple(int(s) for s in shape)), scale)

    run = backend.image.compile_composite(fn, ("shape",))
    x = np.arange(6, dtype="float32")
    check(run(x, [2, 3], scale=2.0), 2 * x.reshape(2, 3))
    check(run(cornu.Variable(x), (3, 2), [0.5]), 0.5 * x.reshape(3, 2))  # a list of numbers is one array
    check(run(x, np.array([1, 6])), x.reshape(1, 6))  # an array is unhashable: runs fn as it is
