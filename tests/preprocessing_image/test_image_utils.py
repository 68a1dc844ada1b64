"""Image files and arrays, and the affine transforms, against NumPy/SciPy/Pillow references."""
import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from cornu.preprocessing import image

rng = np.random.default_rng(0)


def test_array_to_img_scales_to_0_255_and_back():
    x = rng.normal(size=(5, 6, 3)).astype("float32")
    img = image.array_to_img(x)
    ref = (x - x.min()) / (x - x.min()).max() * 255
    np.testing.assert_array_equal(np.asarray(img), ref.astype("uint8"))
    back = image.img_to_array(img)
    assert back.shape == (5, 6, 3) and back.dtype == np.float32
    first = image.img_to_array(img, data_format="channels_first")
    np.testing.assert_array_equal(first, back.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(image.array_to_img(first, data_format="channels_first")), np.asarray(img))


@pytest.mark.parametrize("channels, mode", [(1, "L"), (3, "RGB"), (4, "RGBA")])
def test_modes_and_unscaled_values(channels, mode):
    x = rng.integers(0, 256, size=(4, 3, channels)).astype("float32")
    img = image.array_to_img(x, scale=False)
    assert img.mode == mode
    np.testing.assert_array_equal(image.img_to_array(img), x)
    big = np.full((2, 2, 1), 1000.0)
    assert image.array_to_img(big, scale=False).mode == "I"
    with pytest.raises(ValueError, match="rank 3"):
        image.array_to_img(np.zeros((2, 2)))


def test_save_and_load_round_trip(tmp_path):
    x = rng.integers(0, 256, size=(8, 4, 3)).astype("float32")
    path = tmp_path / "a.png"
    image.save_img(path, x, scale=False)
    np.testing.assert_array_equal(image.img_to_array(image.load_img(path)), x)
    gray = image.img_to_array(image.load_img(str(path), color_mode="grayscale"))
    luma = x @ np.array([299, 587, 114]) / 1000  # ITU-R 601-2, Pillow's "L"
    np.testing.assert_allclose(gray[..., 0], luma, atol=1.0)
    assert image.img_to_array(image.load_img(path, color_mode="rgba")).shape == (8, 4, 4)
    # Nearest downscaling by 2 samples the centre-right pixel of each 2x2 block: floor((i + 0.5) * 2).
    small = image.img_to_array(image.load_img(path, target_size=(4, 2)))
    np.testing.assert_array_equal(small, x[1::2, 1::2])
    # keep_aspect_ratio crops the centred 4x4 block first, then resizes it.
    square = image.img_to_array(image.load_img(path, target_size=(2, 2), keep_aspect_ratio=True))
    np.testing.assert_array_equal(square, x[2:6][1::2, 1::2])
    with pytest.raises(ValueError, match="interpolation"):
        image.load_img(path, target_size=(2, 2), interpolation="cubic-ish")


def test_smart_resize_crops_then_resizes_like_scipy():
    x = rng.random((12, 8, 2)).astype("float32")
    out = image.smart_resize(x, (4, 4))
    crop = x[2:10]  # the centred 8x8 region
    ref = ndimage.zoom(crop, (0.5, 0.5, 1), order=1, grid_mode=True, mode="nearest")
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    batch = image.smart_resize(np.stack([x, x]), (4, 4))
    np.testing.assert_allclose(batch[1], ref, rtol=1e-5, atol=1e-5)


def _reference_affine(x, matrix, fill_mode="nearest", cval=0.0):
    """Sample ``x`` (h, w, c) at input (x=col, y=row) = centred ``matrix`` @ (col, row, 1)."""
    h, w = x.shape[:2]
    o_x, o_y = h / 2 - 0.5, w / 2 - 0.5  # Keras offsets by (rows, cols) in the (x, y) slots
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    m = offset @ matrix @ reset
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    # The matrix speaks (x, y) in Keras's array convention: first coordinate is the row after the swap.
    src = np.einsum("ij,jhw->ihw", m, np.stack([cols, rows, np.ones_like(rows)]))
    coords = np.stack([src[1], src[0]])  # (row, col)
    return np.stack([ndimage.map_coordinates(x[..., k], coords, order=1, mode=fill_mode, cval=cval)
                     for k in range(x.shape[2])], axis=-1)


@pytest.mark.parametrize("params", [dict(theta=30), dict(tx=2, ty=-1), dict(shear=20), dict(zx=0.8, zy=1.3),
                                    dict(theta=-15, tx=1, shear=10, zx=1.1, zy=0.9)])
def test_apply_affine_transform_against_map_coordinates(params):
    x = rng.random((7, 5, 2)).astype("float64")  # not square: Keras centres with (h, w) in the (x, y) slots
    t = np.deg2rad(params.get("theta", 0))
    s = np.deg2rad(params.get("shear", 0))
    matrix = (np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
              @ np.array([[1, 0, params.get("tx", 0)], [0, 1, params.get("ty", 0)], [0, 0, 1]])
              @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
              @ np.diag([params.get("zx", 1), params.get("zy", 1), 1]))
    out = image.apply_affine_transform(x, **params, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(out, _reference_affine(x, matrix), rtol=1e-7, atol=1e-7)
    first = image.apply_affine_transform(x.transpose(2, 0, 1), **params, row_axis=1, col_axis=2, channel_axis=0)
    np.testing.assert_allclose(first, out.transpose(2, 0, 1), atol=1e-12)


def test_exact_geometry():
    x = rng.random((6, 6, 1))
    np.testing.assert_allclose(image.apply_affine_transform(x, theta=90, row_axis=0, col_axis=1, channel_axis=2),
                               np.rot90(x, 1), atol=1e-12)
    shifted = image.apply_affine_transform(x, tx=2, row_axis=0, col_axis=1, channel_axis=2, fill_mode="constant")
    np.testing.assert_allclose(shifted[:, :4], x[:, 2:], atol=1e-12)
    np.testing.assert_array_equal(shifted[:, 4:], 0)
    np.testing.assert_array_equal(image.flip_axis(x, 1), x[:, ::-1])
    np.testing.assert_array_equal(image.apply_affine_transform(x), x)  # identity: no work


def test_channel_and_brightness_shifts():
    x = rng.random((4, 4, 3)) * 100
    np.testing.assert_allclose(image.apply_channel_shift(x, 30, 2), np.clip(x + 30, x.min(), x.max()))
    np.random.seed(5)
    u = np.random.uniform(-10, 10)
    np.random.seed(5)
    np.testing.assert_allclose(image.random_channel_shift(x, 10, 2), np.clip(x + u, x.min(), x.max()))
    pixels = rng.integers(0, 256, size=(4, 4, 3)).astype("float32")
    brighter = image.apply_brightness_shift(pixels, 1.5, scale=False)
    np.testing.assert_allclose(brighter, np.clip(pixels * 1.5, 0, 255), atol=1.0)
    with pytest.raises(ValueError, match="brightness_range"):
        image.random_brightness(pixels, (0.5,))


@pytest.mark.parametrize("fn, args, key", [
    (image.random_rotation, (20,), "theta"), (image.random_shear, (15,), "shear"),
])
def test_random_transforms_draw_like_keras(fn, args, key):
    x = rng.random((5, 5, 1))
    np.random.seed(3)
    value = np.random.uniform(-args[0], args[0])
    np.random.seed(3)
    out = fn(x, *args, row_axis=0, col_axis=1, channel_axis=2)
    np.testing.assert_allclose(out, image.apply_affine_transform(x, **{key: value}, row_axis=0, col_axis=1,
                                                                 channel_axis=2))
    np.random.seed(4)
    zx, zy = np.random.uniform(0.5, 1.5, 2)
    np.random.seed(4)
    np.testing.assert_allclose(image.random_zoom(x, (0.5, 1.5), 0, 1, 2),
                               image.apply_affine_transform(x, zx=zx, zy=zy, row_axis=0, col_axis=1, channel_axis=2))
    np.random.seed(6)
    tx, ty = np.random.uniform(-0.2, 0.2) * 5, np.random.uniform(-0.1, 0.1) * 5
    np.random.seed(6)
    np.testing.assert_allclose(image.random_shift(x, 0.1, 0.2, 0, 1, 2),
                               image.apply_affine_transform(x, tx=tx, ty=ty, row_axis=0, col_axis=1, channel_axis=2))


def test_pillow_is_the_image_type():
    assert isinstance(image.array_to_img(np.zeros((2, 2, 3))), Image.Image)
