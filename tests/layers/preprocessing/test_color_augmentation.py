"""Colour/intensity augmentation layers: NumPy references for a given draw, draw statistics,
seeds, inference identity, configs, argument errors and .keras round trips."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers, random
from cornu.layers.preprocessing.random_gaussian_blur import blur
from cornu.layers.preprocessing.random_hue import shift_hue
from cornu.layers.preprocessing.random_posterization import posterize
from cornu.layers.preprocessing.random_saturation import saturate
from cornu.layers.preprocessing.random_sharpness import sharpen
from cornu.layers.preprocessing.solarization import solarize
from cornu.testing import run_layer_test

RNG = np.random.default_rng(11)
T = backend.convert_to_tensor
N = backend.convert_to_numpy
GRAY = np.array([0.2989, 0.5870, 0.1140], "float32")


def _images(shape=(3, 5, 6, 3), high=255.0):
    return RNG.uniform(0, high, shape).astype("float32")


def _replay(layer):
    """A generator in the layer's current seed state: it reproduces the layer's next draws."""
    replay = random.SeedGenerator(0)
    replay.state.assign(layer.seed_generator.state.numpy().copy())
    return replay


def _draw(replay, shape, low=0.0, high=1.0):
    return N(random.uniform(shape, minval=float(low), maxval=float(high), dtype="float32", seed=replay))


# -- NumPy references ----------------------------------------------------------------------------
def np_rgb_to_hsv(x):
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = x.max(-1)
    c = v - x.min(-1)
    s = np.where(v > 0, c / np.where(v > 0, v, 1), 0)
    safe = np.where(c > 0, c, 1)
    h = np.where(v == r, ((g - b) / safe) % 6, np.where(v == g, (b - r) / safe + 2, (r - g) / safe + 4)) / 6
    return np.stack([np.where(c > 0, h, 0), s, v], -1)


def np_hsv_to_rgb(x):
    h, s, v = x[..., 0] % 1.0, x[..., 1], x[..., 2]
    i = np.floor(h * 6).astype(int) % 6
    f = h * 6 - np.floor(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros(x.shape, "float64")
    for k, (r, g, b) in enumerate(table):
        out[i == k] = np.stack([r, g, b], -1)[i == k]
    return out


def np_filter(x, kernel):
    """Zero-padded 'same' correlation of every channel of NHWC ``x`` with a 2-D ``kernel``."""
    kh, kw = kernel.shape
    pad = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    out = np.zeros(x.shape, "float64")
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * pad[:, i:i + x.shape[1], j:j + x.shape[2]]
    return out


def np_gauss(size, sigma):
    d = np.arange(size) - (size - 1) / 2
    g = np.exp(-d ** 2 / (2 * sigma ** 2))
    return g / g.sum()


def np_equalize(x, bins):
    out = np.empty_like(x)
    for c in range(x.shape[-1]):
        ch = x[..., c]
        hist = np.bincount(np.clip((ch * (bins - 1) / 255).astype(int), 0, bins - 1).ravel(), minlength=bins)
        if np.count_nonzero(hist) <= 1:
            out[..., c] = ch
            continue
        cdf = np.cumsum(hist)
        cdf_min = cdf[np.nonzero(cdf)[0][0]]
        table = np.clip(np.round((cdf - cdf_min) * 255 / max(cdf[-1] - cdf_min, 1)), 0, 255)
        out[..., c] = table[np.clip(ch / 255 * (bins - 1), 0, bins - 1).astype(int)]
    return out


# -- harness ------------------------------------------------------------------------------------
HARNESS = [
    (layers.RandomBrightness, {"factor": 0.2, "seed": 1}),
    (layers.RandomGrayscale, {"factor": 0.5, "seed": 1}),
    (layers.RandomInvert, {"factor": 0.5, "seed": 1}),
    (layers.Solarization, {"addition_factor": 0.1, "threshold_factor": 0.5, "seed": 1}),
    (layers.RandomPosterization, {"factor": 4, "seed": 1}),
    (layers.RandomSaturation, {"factor": 0.5, "seed": 1}),
    (layers.RandomHue, {"factor": 0.5, "seed": 1}),
    (layers.RandomColorDegeneration, {"factor": 0.5, "seed": 1}),
    (layers.RandomColorJitter, {"brightness_factor": 0.2, "hue_factor": 0.3, "seed": 1}),
    (layers.RandomSharpness, {"factor": 0.5, "seed": 1}),
    (layers.AutoContrast, {"value_range": (0, 255)}),
    (layers.Equalization, {"bins": 64}),
    (layers.RandomGaussianBlur, {"kernel_size": 3, "sigma": 0.8, "seed": 1}),
]


@pytest.mark.parametrize("cls, kwargs", HARNESS, ids=lambda v: getattr(v, "__name__", ""))
def test_harness(cls, kwargs):
    run_layer_test(cls, kwargs, input_data=_images((2, 4, 5, 3)), expected_output_shape=(2, 4, 5, 3),
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   call_kwargs={"training": False}, run_training_check=False, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("cls, kwargs", HARNESS[:10] + HARNESS[11:], ids=lambda v: getattr(v, "__name__", ""))
def test_training_only_and_repeatable(cls, kwargs):
    img = _images((4, 5, 6, 3))
    np.testing.assert_array_equal(N(cls(**kwargs)(T(img), training=False)), img)
    out1 = N(cls(**kwargs)(T(img), training=True))
    out2 = N(cls(**kwargs)(T(img), training=True))
    assert out1.shape == img.shape and out1.dtype == np.float32
    np.testing.assert_allclose(out1, out2, rtol=1e-6, atol=1e-5)  # same seed, same output
    model = keras.Sequential([keras.Input((5, 6, 3)), cls(**kwargs)])
    np.testing.assert_array_equal(N(model.predict(img, verbose=0)), img)


# -- per-layer references -----------------------------------------------------------------------
def test_random_brightness_matches_reference():
    img = _images()
    layer = layers.RandomBrightness((-0.3, 0.5), value_range=(0, 255), seed=3)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    delta = _draw(replay, (3, 1, 1, 1), -0.3, 0.5) * 255
    np.testing.assert_allclose(out, np.clip(img + delta, 0, 255), rtol=1e-5, atol=1e-3)
    assert layers.RandomBrightness(0.2).factor == (-0.2, 0.2)
    big = N(layers.RandomBrightness((0.99, 1.0), value_range=(0, 1), seed=0)(T(img / 255), training=True))
    np.testing.assert_allclose(big, 1.0)  # a shift of ~1 saturates to white


def test_random_grayscale_and_invert_match_reference():
    img = _images((16, 3, 4, 3))
    layer = layers.RandomGrayscale(0.5, seed=4)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    apply = _draw(replay, (16, 1, 1, 1)) < 0.5
    gray = (img @ GRAY)[..., None]
    np.testing.assert_allclose(out, np.where(apply, gray, img), rtol=1e-5, atol=1e-3)
    assert 0 < apply.sum() < 16
    cf = N(layers.RandomGrayscale(1.0, data_format="channels_first")(T(img.transpose(0, 3, 1, 2)), training=True))
    np.testing.assert_allclose(cf, np.broadcast_to(gray, img.shape).transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-3)

    layer = layers.RandomInvert((0.2, 0.8), value_range=(0, 1), seed=5)
    replay = _replay(layer)
    out = N(layer(T(img / 255), training=True))
    p = _draw(replay, (16, 1, 1, 1), 0.2, 0.8)
    apply = _draw(replay, (16, 1, 1, 1)) < p
    np.testing.assert_allclose(out, np.where(apply, 1 - img / 255, img / 255), rtol=1e-5, atol=1e-6)
    assert layers.RandomInvert(0.3).factor == (0, 0.3)


def test_solarization_matches_reference():
    img = _images(high=1.0)
    add = np.array([0, 30, 60], "float32").reshape(3, 1, 1, 1)
    thr = np.array([100, 0, 200], "float32").reshape(3, 1, 1, 1)
    out = N(solarize(T(img), T(add), T(thr), (0, 1)))
    y = np.clip(img * 255 + add, 0, 255)
    np.testing.assert_allclose(out, np.where(y < thr, y, 255 - y) / 255, rtol=1e-5, atol=1e-5)
    default = N(layers.Solarization(value_range=(0, 1))(T(img), training=True))
    np.testing.assert_allclose(default, 1 - img, atol=1e-5)  # threshold 0: every pixel inverted
    layer = layers.Solarization(addition_factor=(0.1, 0.2), threshold_factor=(0.3, 0.4), seed=2)
    replay = _replay(layer)
    out = N(layer(T(img * 255), training=True))
    add, thr = _draw(replay, (3, 1, 1, 1), 0.1, 0.2 * 255), _draw(replay, (3, 1, 1, 1), 0.3, 0.4 * 255)
    y = np.clip(img * 255 + add, 0, 255)
    np.testing.assert_allclose(out, np.where(y < thr, y, 255 - y), rtol=1e-5, atol=1e-3)
    assert layers.Solarization(0.3, (0.5, 0.1)).threshold_factor == (0.1, 0.5)


def test_posterization_matches_reference():
    img = _images()
    bits = np.array([1, 4, 6], "float32").reshape(3, 1, 1, 1)
    step = 2.0 ** (8 - bits)
    out = N(posterize(T(img), T(bits), (0, 255)))
    np.testing.assert_allclose(out, np.floor(np.floor(img) / step) * step)
    out = N(posterize(T(img / 255), T(bits), (0, 1)))
    np.testing.assert_allclose(out, np.floor(np.floor(img) / step) * step / 255, atol=1e-6)
    layer = layers.RandomPosterization((2, 5), seed=3)
    many = N(layer(T(_images((64, 2, 2, 3))), training=True))
    levels = [len(np.unique(np.mod(m, 2.0 ** (8 - 4)))) for m in many]  # 1 when at most 4 bits kept
    assert any(v == 1 for v in levels)
    assert layers.RandomPosterization(4).factor == (1, 4)


def test_saturation_and_hue_match_reference():
    img = _images()
    scale = np.array([0.1, 0.4, 3.0], "float32").reshape(3, 1, 1)
    hsv = np_rgb_to_hsv(img.astype("float64"))
    hsv[..., 1] = np.clip(hsv[..., 1] * scale, 0, 255)
    out = N(saturate(T(img), T(scale), (0, 255), "channels_last"))
    np.testing.assert_allclose(out, np_hsv_to_rgb(hsv), rtol=1e-4, atol=1e-2)
    out_cf = N(saturate(T(img.transpose(0, 3, 1, 2)), T(scale), (0, 255), "channels_first"))
    np.testing.assert_allclose(out_cf, out.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-3)
    gray = N(saturate(T(img), T(np.zeros((3, 1, 1), "float32")), (0, 255), "channels_last"))
    np.testing.assert_allclose(gray, np.broadcast_to(img.max(-1, keepdims=True), img.shape), atol=1e-3)

    shift = np.array([0.1, -0.3, 0.45], "float32").reshape(3, 1, 1)
    hsv = np_rgb_to_hsv(img.astype("float64") / 255)
    hsv[..., 0] = (hsv[..., 0] + shift) % 1.0
    out = N(shift_hue(T(img), T(shift), (0, 255), "channels_last"))
    np.testing.assert_allclose(out, np.clip(np_hsv_to_rgb(hsv), 0, 1) * 255, rtol=1e-4, atol=2e-2)
    layer = layers.RandomSaturation((0.2, 0.6), seed=9)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    f = _draw(replay, (3, 1, 1), 0.2, 0.6)
    np.testing.assert_allclose(out, N(saturate(T(img), T(f / (1 - f + 1e-7)), (0, 255), "channels_last")),
                               rtol=1e-5, atol=1e-3)
    layer = layers.RandomHue((0.2, 0.6), seed=9)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    sign = np.where(_draw(replay, (3, 1, 1)) > 0.5, -1.0, 1.0)
    f = sign * _draw(replay, (3, 1, 1), 0.2, 0.6) * 0.5
    np.testing.assert_allclose(out, N(shift_hue(T(img), T(f.astype("float32")), (0, 255), "channels_last")),
                               rtol=1e-5, atol=1e-3)


def test_color_degeneration_and_sharpness_match_reference():
    img = _images()
    layer = layers.RandomColorDegeneration((0.2, 0.9), seed=6)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    f = _draw(replay, (3, 1, 1, 1), 0.2, 0.9)
    np.testing.assert_allclose(out, np.clip(img + f * ((img @ GRAY)[..., None] - img), 0, 255), rtol=1e-5,
                               atol=1e-3)
    s = np.array([0.2, 1.0, 1.8], "float32").reshape(3, 1, 1, 1)
    kernel = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]]) / 13
    want = np.clip(img + (1 - s) * (np_filter(img, kernel) - img), 0, 255)
    np.testing.assert_allclose(N(sharpen(T(img), T(s), (0, 255), "channels_last", "float32")), want,
                               rtol=1e-5, atol=1e-3)
    cf = N(sharpen(T(img.transpose(0, 3, 1, 2)), T(s), (0, 255), "channels_first", "float32"))
    np.testing.assert_allclose(cf, want.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-3)
    layer = layers.RandomSharpness((0.1, 0.3), seed=7)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    s = _draw(replay, (3, 1, 1, 1), 0.1, 0.3) * 2
    np.testing.assert_allclose(out, np.clip(img + (1 - s) * (np_filter(img, kernel) - img), 0, 255),
                               rtol=1e-5, atol=1e-3)


def test_auto_contrast_and_equalization_match_reference():
    img = _images((2, 6, 7, 3)) * 0.5 + 40
    img[1, ..., 2] = 17.0  # a constant channel stays as it is
    low, high = img.min((1, 2), keepdims=True), img.max((1, 2), keepdims=True)
    want = np.where(high > low, (img - low) / np.where(high > low, high - low, 1) * 255, img)
    np.testing.assert_allclose(N(layers.AutoContrast()(T(img), training=False)), want, rtol=1e-5, atol=1e-3)
    cf = N(layers.AutoContrast(value_range=(0, 255), data_format="channels_first")(T(img.transpose(0, 3, 1, 2))))
    np.testing.assert_allclose(cf, want.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-3)

    out = N(layers.Equalization(bins=16)(T(img), training=True))
    np.testing.assert_allclose(out, np_equalize(img, 16), atol=1e-4)
    out = N(layers.Equalization(value_range=(0, 1), data_format="channels_first")(
        T(img.transpose(0, 3, 1, 2) / 255), training=True))
    np.testing.assert_allclose(out, np_equalize(img, 256).transpose(0, 3, 1, 2) / 255, atol=1e-5)


def test_gaussian_blur_matches_reference():
    img = _images((3, 7, 8, 2))
    apply = np.array([True, False, True]).reshape(3, 1, 1, 1)
    sigma = np.array([0.7, 1.3], "float32")
    out = N(blur(T(img), T(apply), T(sigma), (3, 5), (0, 255), "channels_last"))
    kernel = np.outer(np_gauss(5, 1.3), np_gauss(3, 0.7))  # (height, width): first entries act on the width
    np.testing.assert_allclose(out, np.clip(np.where(apply, np_filter(img, kernel), img), 0, 255), rtol=1e-4,
                               atol=1e-3)
    layer = layers.RandomGaussianBlur(factor=(0.4, 0.6), kernel_size=3, sigma=(0.5, 0.9), seed=4)
    replay = _replay(layer)
    out = N(layer(T(img), training=True))
    p = _draw(replay, (3, 1, 1, 1), 0.4, 0.6)
    apply = _draw(replay, (3, 1, 1, 1)) < p
    sx, sy = _draw(replay, (2,), 0.5, 0.9) + 1e-6
    kernel = np.outer(np_gauss(3, sy), np_gauss(3, sx))
    np.testing.assert_allclose(out, np.where(apply, np_filter(img, kernel), img), rtol=1e-4, atol=1e-3)
    assert layers.RandomGaussianBlur(kernel_size=5).kernel_size == (5, 5)


def test_color_jitter_composes_steps():
    img = _images()
    out = N(layers.RandomColorJitter(value_range=(0, 255), brightness_factor=(0.5, 0.5), seed=1)(
        T(img), training=True))
    np.testing.assert_allclose(out, np.clip(img + 127.5, 0, 255), rtol=1e-5, atol=1e-3)
    jitter = layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.4,
                                      hue_factor=0.2, seed=3)
    out = N(jitter(T(img), training=True))
    assert out.shape == img.shape and not np.allclose(out, img) and out.min() >= 0 and out.max() <= 255
    assert [type(s).__name__ for s in (jitter.random_brightness, jitter.random_contrast, jitter.random_saturation,
                                        jitter.random_hue)] == ["RandomBrightness", "RandomContrast",
                                                                "RandomSaturation", "RandomHue"]


# -- configs, errors, files ---------------------------------------------------------------------
def test_configs_round_trip_with_keras_keys():
    expected = {
        layers.RandomBrightness(0.2): {"factor": (-0.2, 0.2), "value_range": [0, 255]},
        layers.RandomInvert(): {"factor": (0, 1.0), "value_range": (0, 255)},
        layers.Solarization(0.3, (0.1, 0.5)): {"addition_factor": (0, 0.3), "threshold_factor": (0.1, 0.5)},
        layers.RandomPosterization(4): {"factor": (1, 4), "value_range": [0, 255]},
        layers.RandomSaturation(0.5): {"factor": (-0.5, 0.5)},
        layers.RandomHue(0.5): {"factor": (0, 0.5), "value_range": (0, 255)},
        layers.RandomSharpness(0.5): {"factor": (0, 0.5)},
        layers.Equalization(): {"bins": 256, "value_range": [0, 255]},
        layers.RandomGaussianBlur(): {"factor": (0, 1.0), "kernel_size": (3, 3), "sigma": (0, 1.0)},
        layers.RandomColorJitter(brightness_factor=0.2): {"brightness_factor": 0.2, "hue_factor": None},
    }
    for layer, keys in expected.items():
        config = layer.get_config()
        assert config["data_format"] == "channels_last"
        for key, value in keys.items():
            assert config[key] == value, (type(layer).__name__, key)
        clone = type(layer).from_config(config)
        assert clone.get_config() == config


@pytest.mark.parametrize("make, match", [
    (lambda: layers.RandomBrightness(1.5), "factor"),
    (lambda: layers.RandomBrightness(0.2, value_range=(0, 1, 2)), "value_range"),
    (lambda: layers.RandomGrayscale(1.2), "factor"),
    (lambda: layers.RandomInvert("big"), "factor"),
    (lambda: layers.Solarization(threshold_factor=2.0), "threshold_factor"),
    (lambda: layers.RandomPosterization(9), "factor"),
    (lambda: layers.RandomHue(-0.5), "factor"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), "kernel_size"),
    (lambda: layers.RandomGaussianBlur(sigma=3.0), "sigma"),
    (lambda: layers.Equalization(bins=0), "bins"),
    (lambda: layers.AutoContrast(value_range="0-255"), "value_range"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_single_images():
    img = _images((1, 5, 6, 3))
    for layer in (layers.RandomBrightness((0.1, 0.1), seed=1), layers.AutoContrast()):
        np.testing.assert_allclose(N(layer(T(img[0]), training=True)), N(layer(T(img), training=True))[0],
                                   rtol=1e-5, atol=1e-3)


def test_bad_inputs():
    with pytest.raises(ValueError, match="3 channels"):
        layers.RandomColorDegeneration(0.5).compute_output_shape((None, 4, 4, 4))
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomBrightness(0.2)(T(np.zeros((2, 3), "float32")), training=True)
    for layer in (layers.RandomHue(0.2), layers.AutoContrast(), layers.Equalization()):
        with pytest.raises(NotImplementedError, match="dict inputs"):
            layer({"images": T(np.zeros((1, 2, 2, 3), "float32"))})


def test_model_fit_save_and_load(tmp_path):
    img = _images((8, 5, 6, 3), high=1.0)
    y = RNG.standard_normal((8, 2)).astype("float32")
    aug = [layers.RandomBrightness(0.1, value_range=(0, 1), seed=1), layers.RandomGrayscale(seed=2),
           layers.RandomInvert(0.5, value_range=(0, 1), seed=3), layers.Solarization(0.1, 0.8, (0, 1), seed=4),
           layers.RandomPosterization(6, value_range=(0, 1), seed=5),
           layers.RandomSaturation(0.3, value_range=(0, 1), seed=6), layers.RandomHue(0.2, (0, 1), seed=7),
           layers.RandomColorDegeneration(0.3, (0, 1), seed=8),
           layers.RandomColorJitter((0, 1), brightness_factor=0.1, contrast_factor=0.2, seed=9),
           layers.RandomSharpness(0.4, (0, 1), seed=10), layers.AutoContrast((0, 1)),
           layers.Equalization((0, 1), bins=32), layers.RandomGaussianBlur(0.5, 3, 0.6, (0, 1), seed=11)]
    trained = keras.Sequential([keras.Input((5, 6, 3)), aug[0], aug[11], aug[12], layers.Flatten(), layers.Dense(2)])
    trained.compile("sgd", "mse")
    trained.fit(img, y, epochs=1, batch_size=8, verbose=0)  # augmentations inside a compiled train step
    model = keras.Sequential([keras.Input((5, 6, 3))] + aug + [layers.Flatten(), layers.Dense(2)])
    path = str(tmp_path / "color.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(N(loaded.predict(img, verbose=0)), N(model.predict(img, verbose=0)),
                               rtol=1e-5, atol=1e-5)
    for a, b in zip(model.layers, loaded.layers):
        assert type(a) is type(b) and a.get_config() == b.get_config()


def test_real_keras_file_loads():
    # Written by Keras 3.15 (tests/saving/fixtures/make_keras315_color_fixture.py).
    import pathlib

    fixtures = pathlib.Path(__file__).resolve().parents[2] / "saving" / "fixtures" / "keras3"
    model = keras.saving.load_model(fixtures / "color_augment.keras")
    names = [type(layer).__name__ for layer in model.layers]
    assert names[0] == "RandomBrightness" and names[-1] == "AutoContrast" and len(names) == 12
    solarization = model.layers[3]
    assert solarization.threshold_factor == (0.3, 0.6) and solarization.addition_factor == (0, 0.2)
    assert model.layers[10].kernel_size == (3, 5) and model.layers[10].sigma == (0.2, 0.9)
    x = np.load(fixtures / "color_augment.inputs.npz")["x"]
    np.testing.assert_allclose(N(model.predict(x, verbose=0)), np.load(fixtures / "color_augment.expected.npy"),
                               rtol=1e-5, atol=1e-5)
