"""Preprocessing layers: harness runs, NumPy references, adapt(), training-only augmentation."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test

from test_preprocessing_image_ops import _scipy_affine, np_resize_bilinear, np_resize_nearest

RNG = np.random.default_rng(6)
T = backend.convert_to_tensor
N = backend.convert_to_numpy


def _images(shape=(2, 6, 8, 3)):
    return RNG.uniform(0, 255, shape).astype("float32")


# -- harness -------------------------------------------------------------------------------
@pytest.mark.parametrize("cls, kwargs, shape, out_shape, seeds", [
    (layers.Rescaling, {"scale": 1 / 255.0, "offset": -0.5}, (2, 4, 4, 3), (2, 4, 4, 3), 0),
    (layers.Resizing, {"height": 3, "width": 5}, (2, 6, 8, 3), (2, 3, 5, 3), 0),
    (layers.Resizing, {"height": 4, "width": 4, "crop_to_aspect_ratio": True,
                       "data_format": "channels_first"}, (2, 3, 6, 8), (2, 3, 4, 4), 0),
    (layers.CenterCrop, {"height": 4, "width": 6}, (2, 6, 8, 3), (2, 4, 6, 3), 0),
    (layers.RandomFlip, {"mode": "horizontal", "seed": 1}, (2, 4, 4, 3), (2, 4, 4, 3), 1),
    (layers.RandomRotation, {"factor": 0.2, "seed": 1}, (2, 5, 5, 2), (2, 5, 5, 2), 1),
    (layers.RandomZoom, {"height_factor": 0.2, "width_factor": (-0.1, 0.3), "seed": 1}, (2, 5, 5, 2),
     (2, 5, 5, 2), 1),
    (layers.RandomTranslation, {"height_factor": 0.2, "width_factor": 0.1, "fill_mode": "constant",
                                "seed": 1}, (2, 5, 5, 2), (2, 5, 5, 2), 1),
    (layers.RandomContrast, {"factor": 0.3, "seed": 1}, (2, 5, 5, 2), (2, 5, 5, 2), 1),
])
def test_image_layers_harness(cls, kwargs, shape, out_shape, seeds):
    run_layer_test(cls, kwargs, input_data=_images(shape), expected_output_shape=out_shape,
                   expected_num_trainable_weights=0, expected_num_seed_generators=seeds,
                   call_kwargs={"training": False} if seeds else None, run_training_check=False,
                   rtol=1e-4, atol=1e-4)


def test_normalization_harness():
    x = RNG.standard_normal((4, 3)).astype("float32")
    run_layer_test(layers.Normalization, {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]}, input_data=x,
                   expected_output=(x - [1.0, 2.0, 3.0]) / np.array([1.0, 2.0, 3.0]),
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   run_training_check=False)
    run_layer_test(layers.Normalization, {"axis": -1}, input_data=x,
                   expected_weights=[("mean", (3,)), ("variance", (3,)), ("count", ())],
                   expected_num_non_trainable_weights=3, run_training_check=False)


# -- Rescaling / Normalization ---------------------------------------------------------------
def test_rescaling_values_ints_and_per_channel():
    x = RNG.integers(0, 256, (2, 3, 3, 3)).astype("uint8")
    out = layers.Rescaling(1 / 127.5, offset=-1)(T(x))
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(N(out), x / 127.5 - 1, rtol=1e-5, atol=1e-6)
    scale = np.array([1.0, 0.5, 0.25], "float32")
    layer = layers.Rescaling(scale)
    np.testing.assert_allclose(N(layer(T(x))), x * scale, rtol=1e-6)
    revived = layers.Rescaling.from_config(layer.get_config())
    np.testing.assert_allclose(N(revived(T(x))), x * scale, rtol=1e-6)


@pytest.mark.parametrize("axis, shape", [(-1, (40, 3)), (None, (40, 3)), ((1, 2), (20, 2, 3)), (1, (20, 2, 3))])
def test_normalization_adapt_array_matches_numpy(axis, shape):
    data = (RNG.standard_normal(shape) * 3 + 5).astype("float32")
    layer = layers.Normalization(axis=axis)
    layer.adapt(data)
    keep = () if axis is None else tuple(a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis))
    reduce = tuple(a for a in range(len(shape)) if a not in keep)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(axis=reduce), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(axis=reduce), rtol=1e-5, atol=1e-5)
    out = N(layer(T(data)))
    ref = (data - data.mean(axis=reduce, keepdims=True)) / np.sqrt(data.var(axis=reduce, keepdims=True))
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)


def test_normalization_adapt_batches_generator_and_tensors():
    data = (RNG.standard_normal((50, 4)) * 2 - 1).astype("float32")
    batches = [data[:7], data[7:30], data[30:]]
    for source in (batches, iter(batches), ((b, None) for b in batches), T(data)):
        layer = layers.Normalization()
        layer.adapt(source)
        np.testing.assert_allclose(layer.adapt_mean.numpy(), data.mean(0), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), data.var(0), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="empty"):
        layers.Normalization().adapt([])
    with pytest.raises(ValueError, match="incompatible"):
        layer.adapt(np.ones((3, 5), "float32"))


def test_normalization_invert_and_epsilon_floor():
    layer = layers.Normalization(mean=2.0, variance=0.0, invert=False)
    out = N(layer(T(np.array([[2.0], [3.0]], "float32"))))
    np.testing.assert_allclose(out, [[0.0], [1.0 / backend.epsilon()]], rtol=1e-5)
    data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0]] * 2, "float32")
    inv = layers.Normalization(axis=-1, invert=True)
    inv.adapt(data)
    np.testing.assert_allclose(N(inv(T(np.array([[1.0, 2.0, 3.0]], "float32")))), [[2.0, 10.0, 8.0]], rtol=1e-5)
    with pytest.raises(ValueError, match="both"):
        layers.Normalization(mean=1.0)


def test_normalization_in_a_model_trains():
    x = (RNG.standard_normal((16, 3)) * 10 + 4).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    model = keras.Sequential([keras.Input((3,)), norm, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, RNG.standard_normal((16, 1)).astype("float32"), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    np.testing.assert_allclose(norm.adapt_mean.numpy(), x.mean(0), rtol=1e-5)  # not trained


# -- Resizing / CenterCrop ---------------------------------------------------------------------
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_resizing_layer_matches_numpy(interpolation):
    img = _images()
    out = N(layers.Resizing(4, 11, interpolation=interpolation)(T(img)))
    ref = np_resize_bilinear(img, 4, 11) if interpolation == "bilinear" else np_resize_nearest(img, 4, 11)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-3)


def test_resizing_keeps_integer_dtype_and_single_images():
    img = RNG.integers(0, 256, (6, 8, 3)).astype("uint8")
    out = layers.Resizing(3, 4)(T(img))
    assert backend.standardize_dtype(out.dtype) == "uint8"
    ref = np.clip(np.round(np_resize_bilinear(img[None].astype("float32"), 3, 4)[0]), 0, 255)
    np.testing.assert_allclose(N(out).astype("float32"), ref, atol=1.0)


def test_center_crop_slices_or_resizes():
    img = _images((2, 7, 9, 3))
    np.testing.assert_array_equal(N(layers.CenterCrop(4, 5)(T(img))), img[:, 1:5, 2:7])
    chw = np.transpose(img, (0, 3, 1, 2))
    np.testing.assert_array_equal(N(layers.CenterCrop(4, 5, data_format="channels_first")(T(chw))),
                                  chw[:, :, 1:5, 2:7])
    # target taller than the input: crop to the aspect ratio then resize up
    out = N(layers.CenterCrop(10, 5)(T(img)))
    crop_w = int(7 * 5 / 10)
    left = int((9 - crop_w) / 2)
    np.testing.assert_allclose(out, np_resize_bilinear(img[:, :, left:left + crop_w], 10, 5), rtol=1e-5,
                               atol=1e-3)


# -- random augmentations -----------------------------------------------------------------------
AUGMENTATIONS = [
    layers.RandomFlip("horizontal_and_vertical", seed=3),
    layers.RandomRotation(0.3, seed=3),
    layers.RandomZoom(0.3, seed=3),
    layers.RandomTranslation(0.3, 0.3, seed=3),
    layers.RandomContrast(0.5, seed=3),
]


@pytest.mark.parametrize("layer", AUGMENTATIONS, ids=lambda layer: type(layer).__name__)
def test_augmentations_only_in_training(layer):
    img = _images((4, 6, 6, 3))
    np.testing.assert_array_equal(N(layer(T(img), training=False)), img)
    changed = N(layer(T(img), training=True))
    assert changed.shape == img.shape and not np.allclose(changed, img)
    model = keras.Sequential([keras.Input((6, 6, 3)), layer])
    np.testing.assert_array_equal(N(model.predict(img, verbose=0)), img)


def test_random_flip_flips_whole_images():
    img = _images((32, 4, 5, 2))
    out = N(layers.RandomFlip("horizontal", seed=1)(T(img), training=True))
    flipped = np.all(np.isclose(out, img[:, :, ::-1]), axis=(1, 2, 3))
    same = np.all(np.isclose(out, img), axis=(1, 2, 3))
    assert np.all(flipped | same) and 4 < flipped.sum() < 28
    out = N(layers.RandomFlip("vertical", seed=2)(T(img), training=True))
    assert np.all(np.all(np.isclose(out, img[:, ::-1]), axis=(1, 2, 3)) | np.all(np.isclose(out, img), axis=(1, 2, 3)))
    out = N(layers.RandomFlip(seed=2)(T(img[0]), training=True))  # single image
    assert np.allclose(out, img[0]) or np.allclose(out, img[0, ::-1, ::-1])
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")


def _recover_uniform_draws(layer):
    """Replay the layer's seed stream: the uniform draws it will make for a batch of ``n``."""
    from cornu import random

    state = layer.seed_generator.state.numpy().copy()
    replay = random.SeedGenerator(0)
    replay.state.assign(state)
    return replay


def test_random_rotation_matches_affine_reference():
    img = _images((3, 5, 7, 2))
    layer = layers.RandomRotation((-0.2, 0.3), fill_mode="constant", fill_value=1.0, seed=9)
    replay = _recover_uniform_draws(layer)
    out = N(layer(T(img), training=True))
    from cornu import random

    angles = N(random.uniform((3, 1), minval=-0.2 * 2 * np.pi, maxval=0.3 * 2 * np.pi, dtype="float32",
                              seed=replay))[:, 0]
    h, w = 4.0, 6.0
    c, s = np.cos(angles), np.sin(angles)
    transforms = np.stack([c, -s, (w - (c * w - s * h)) / 2, s, c, (h - (s * w + c * h)) / 2,
                           np.zeros(3), np.zeros(3)], axis=1)
    np.testing.assert_allclose(out, _scipy_affine(img, transforms, 1, "constant", 1.0), rtol=1e-4, atol=1e-3)


def test_random_zoom_and_translation_match_affine_reference():
    from cornu import random

    img = _images((3, 6, 5, 2))
    zoom = layers.RandomZoom((-0.3, 0.4), width_factor=(0.1, 0.2), fill_mode="wrap", seed=4)
    replay = _recover_uniform_draws(zoom)
    out = N(zoom(T(img), training=True))
    zy = N(random.uniform((3, 1), minval=0.7, maxval=1.4, dtype="float32", seed=replay))[:, 0]
    zx = N(random.uniform((3, 1), minval=1.1, maxval=1.2, dtype="float32", seed=replay))[:, 0]
    z0 = np.zeros(3)
    transforms = np.stack([zx, z0, 2.0 * (1 - zx), z0, zy, 2.5 * (1 - zy), z0, z0], axis=1)
    np.testing.assert_allclose(out, _scipy_affine(img, transforms, 1, "wrap", 0.0), rtol=1e-4, atol=1e-3)

    shift = layers.RandomTranslation(0.5, (-0.2, 0.0), fill_mode="reflect", interpolation="nearest", seed=5)
    replay = _recover_uniform_draws(shift)
    out = N(shift(T(img), training=True))
    dy = N(random.uniform((3, 1), minval=-0.5, maxval=0.5, dtype="float32", seed=replay))[:, 0] * 6
    dx = N(random.uniform((3, 1), minval=-0.2, maxval=0.0, dtype="float32", seed=replay))[:, 0] * 5
    o = np.ones(3)
    transforms = np.stack([o, z0, -dx, z0, o, -dy, z0, z0], axis=1)
    np.testing.assert_allclose(out, _scipy_affine(img, transforms, 0, "reflect", 0.0), rtol=1e-4, atol=1e-3)


def test_random_contrast_matches_formula():
    from cornu import random

    img = _images((3, 4, 5, 2))
    layer = layers.RandomContrast((0.2, 0.6), value_range=(0, 255), seed=8)
    replay = _recover_uniform_draws(layer)
    out = N(layer(T(img), training=True))
    factor = N(random.uniform((3, 1, 1, 1), minval=0.8, maxval=1.6, dtype="float32", seed=replay))
    mean = img.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, np.clip((img - mean) * factor + mean, 0, 255), rtol=1e-4, atol=1e-3)
    assert layers.RandomContrast(0.3).factor == (0.3, 0.3)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomContrast(1.5)


def test_factor_validation_and_configs():
    assert layers.RandomRotation(0.25).factor == (-0.25, 0.25)
    assert layers.RandomRotation((0.3, -0.1)).factor == (-0.1, 0.3)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(2.0)
    with pytest.raises(ValueError, match="fill_mode"):
        layers.RandomZoom(0.1, fill_mode="mirror-ish")
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomTranslation((0.1, 0.2, 0.3), 0.1)
    config = layers.RandomZoom(0.2, seed=4).get_config()
    assert config["height_factor"] == 0.2 and config["width_factor"] is None and config["seed"] == 4
    with pytest.raises(ValueError, match="height"):
        layers.Resizing(0, 3)


def test_augmentation_pipeline_trains_on_both_engines():
    x = _images((8, 6, 6, 3))
    y = RNG.standard_normal((8, 1)).astype("float32")
    model = keras.Sequential([
        keras.Input((6, 6, 3)), layers.Rescaling(1 / 255.0), layers.RandomFlip(seed=1),
        layers.RandomRotation(0.1, seed=2), layers.RandomZoom(0.1, seed=3),
        layers.RandomTranslation(0.1, 0.1, seed=4), layers.RandomContrast(0.1, value_range=(0, 1), seed=5),
        layers.Resizing(4, 4), layers.Flatten(), layers.Dense(1),
    ])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    p1, p2 = model.predict(x, verbose=0), model.predict(x, verbose=0)
    np.testing.assert_array_equal(N(p1), N(p2))  # inference is deterministic
