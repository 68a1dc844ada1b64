"""``cornu.ops.image``: resize and affine_transform against NumPy/SciPy references."""
import numpy as np
import pytest
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F

from cornu import backend, ops
from cornu.backend import KerasTensor

RNG = np.random.default_rng(5)
N = backend.convert_to_numpy


def np_resize_bilinear(img, out_h, out_w):
    """Half-pixel-center bilinear resize of (b, h, w, c), written from the definition."""
    b, h, w, c = img.shape
    out = np.zeros((b, out_h, out_w, c), "float64")
    for i in range(out_h):
        sy = min(max((i + 0.5) * h / out_h - 0.5, 0.0), h - 1)
        y0 = int(np.floor(sy))
        y1, wy = min(y0 + 1, h - 1), sy - y0
        for j in range(out_w):
            sx = min(max((j + 0.5) * w / out_w - 0.5, 0.0), w - 1)
            x0 = int(np.floor(sx))
            x1, wx = min(x0 + 1, w - 1), sx - x0
            out[:, i, j] = ((1 - wy) * ((1 - wx) * img[:, y0, x0] + wx * img[:, y0, x1])
                            + wy * ((1 - wx) * img[:, y1, x0] + wx * img[:, y1, x1]))
    return out


def np_resize_nearest(img, out_h, out_w):
    b, h, w, c = img.shape
    ys = np.minimum(np.floor((np.arange(out_h) + 0.5) * h / out_h).astype(int), h - 1)
    xs = np.minimum(np.floor((np.arange(out_w) + 0.5) * w / out_w).astype(int), w - 1)
    return img[:, ys][:, :, xs]


@pytest.mark.parametrize("size", [(3, 5), (9, 11), (6, 7), (1, 2)])
def test_resize_bilinear_and_nearest_match_half_pixel_references(size):
    img = RNG.standard_normal((2, 6, 7, 3)).astype("float32")
    out = N(ops.image.resize(img, size))
    np.testing.assert_allclose(out, np_resize_bilinear(img, *size), rtol=1e-5, atol=1e-5)
    torch_ref = F.interpolate(torch.tensor(img).permute(0, 3, 1, 2), size=size, mode="bilinear",
                              align_corners=False).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(out, torch_ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(N(ops.image.resize(img, size, interpolation="nearest")),
                                  np_resize_nearest(img, *size))


def test_resize_channels_first_unbatched_and_aspect_ratio_options():
    img = RNG.standard_normal((6, 8, 2)).astype("float32")
    out = N(ops.image.resize(np.transpose(img, (2, 0, 1)), (3, 4), data_format="channels_first"))
    np.testing.assert_allclose(np.transpose(out, (1, 2, 0)), np_resize_bilinear(img[None], 3, 4)[0],
                               rtol=1e-5, atol=1e-5)
    # crop to the 1:1 aspect ratio: the central 6x6 window of the 6x8 image
    out = N(ops.image.resize(img, (3, 3), crop_to_aspect_ratio=True))
    np.testing.assert_allclose(out, np_resize_bilinear(img[None, :, 1:7], 3, 3)[0], rtol=1e-5, atol=1e-5)
    # pad to 1:1: one row of fill on top and bottom of the 6x8 image -> 8x8
    out = N(ops.image.resize(img, (4, 4), pad_to_aspect_ratio=True, fill_value=2.0))
    padded = np.pad(img, [(1, 1), (0, 0), (0, 0)], constant_values=2.0)
    np.testing.assert_allclose(out, np_resize_bilinear(padded[None], 4, 4)[0], rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(img, (2, 2), interpolation="cubic-ish")
    with pytest.raises(ValueError, match="rank"):
        ops.image.resize(img[0], (2, 2))


def test_resize_symbolic_shape():
    out = ops.image.resize(KerasTensor((None, 6, 7, 3)), (4, 5))
    assert tuple(out.shape) == (None, 4, 5, 3)


_SCIPY_MODES = {"constant": "grid-constant", "nearest": "nearest", "wrap": "grid-wrap", "reflect": "reflect",
                "mirror": "mirror"}


def _scipy_affine(img, transforms, order, mode, cval):
    b, h, w, c = img.shape
    out = np.zeros(img.shape, "float64")
    yy, xx = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    for i in range(b):
        a0, a1, a2, b0, b1, b2, c0, c1 = transforms[i]
        k = c0 * xx + c1 * yy + 1.0
        coords = [(b0 * xx + b1 * yy + b2) / k, (a0 * xx + a1 * yy + a2) / k]
        for ch in range(c):
            out[i, :, :, ch] = ndi.map_coordinates(img[i, :, :, ch].astype("float64"), coords, order=order,
                                                   mode=_SCIPY_MODES[mode], cval=cval)
    return out


@pytest.mark.parametrize("mode", list(_SCIPY_MODES))
@pytest.mark.parametrize("interpolation, order", [("bilinear", 1), ("nearest", 0)])
def test_affine_transform_matches_scipy_map_coordinates(mode, interpolation, order):
    img = RNG.standard_normal((2, 5, 6, 2)).astype("float32")
    angle = 0.4
    transforms = np.array([
        [np.cos(angle), -np.sin(angle), 1.3, np.sin(angle), np.cos(angle), -0.7, 0.0, 0.0],
        [1.3, 0.0, -1.1, 0.0, 0.8, 0.45, 0.0, 0.0],
    ], "float32")
    out = N(ops.image.affine_transform(img, transforms, interpolation=interpolation, fill_mode=mode,
                                       fill_value=0.5))
    np.testing.assert_allclose(out, _scipy_affine(img, transforms, order, mode, 0.5), rtol=1e-5, atol=1e-5)


def test_affine_transform_identity_single_image_channels_first_and_projective():
    img = RNG.standard_normal((4, 5, 3)).astype("float32")
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32")
    np.testing.assert_allclose(N(ops.image.affine_transform(img, identity)), img, rtol=1e-6)
    chw = np.transpose(img, (2, 0, 1))
    shift = np.array([1, 0, 1, 0, 1, 0, 0, 0], "float32")  # output x samples input x + 1
    out = N(ops.image.affine_transform(chw, shift, fill_mode="constant", data_format="channels_first"))
    np.testing.assert_allclose(out[:, :, :-1], chw[:, :, 1:], rtol=1e-6)
    np.testing.assert_array_equal(out[:, :, -1], 0.0)
    projective = np.array([[1.0, 0.1, 0.2, 0.05, 0.9, 0.3, 0.01, 0.02]], "float32")
    out = N(ops.image.affine_transform(img[None], projective, fill_mode="nearest"))
    np.testing.assert_allclose(out, _scipy_affine(img[None], projective, 1, "nearest", 0.0), rtol=1e-5,
                               atol=1e-5)
    with pytest.raises(ValueError, match="fill_mode"):
        ops.image.affine_transform(img, identity, fill_mode="bogus")
    with pytest.raises(ValueError, match="transform"):
        ops.image.affine_transform(img, np.zeros(6, "float32"))
