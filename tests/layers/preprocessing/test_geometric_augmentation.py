"""Geometric and mixing augmentations: RandomCrop, RandomErasing, RandomShear, RandomPerspective,
MixUp, CutMix, RandomElasticTransform against NumPy references for fixed draws, plus statistics,
seeds, configs, errors, fit and .keras round trips."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers, ops
from cornu.layers.preprocessing.random_erasing import box_mask
from cornu.testing import run_layer_test

from test_preprocessing_image_ops import np_resize_bilinear

RNG = np.random.default_rng(11)
T = backend.convert_to_tensor
N = backend.convert_to_numpy


def _images(shape=(2, 6, 8, 3)):
    return RNG.uniform(0, 255, shape).astype("float32")


# -- harness ---------------------------------------------------------------------------------
@pytest.mark.parametrize("cls, kwargs", [
    (layers.RandomErasing, {"fill_value": 3.0, "seed": 1}),
    (layers.RandomShear, {"x_factor": 0.2, "y_factor": (0.1, 0.3), "seed": 1}),
    (layers.RandomPerspective, {"factor": 0.5, "scale": 0.4, "seed": 1}),
    (layers.MixUp, {"alpha": 0.4, "seed": 1}),
    (layers.CutMix, {"factor": 0.7, "seed": 1}),
    (layers.RandomElasticTransform, {"factor": 0.5, "scale": 0.3, "seed": 1}),
])
def test_harness_inference(cls, kwargs):  # the random draws are checked below
    run_layer_test(cls, kwargs, input_data=_images((2, 6, 6, 2)), expected_output_shape=(2, 6, 6, 2),
                   expected_num_trainable_weights=0, expected_num_seed_generators=1,
                   call_kwargs={"training": False}, run_training_check=False)


def test_random_crop_harness_inference():
    # As in Keras 3.15, inference leaves the images uncropped while compute_output_shape gives the crop.
    run_layer_test(layers.RandomCrop, {"height": 3, "width": 4, "seed": 2}, input_data=_images((2, 6, 8, 3)),
                   expected_output_shape=(2, 6, 8, 3), expected_num_seed_generators=1,
                   call_kwargs={"training": False}, run_training_check=False, run_symbolic_check=False)


# -- RandomCrop ------------------------------------------------------------------------------
def test_random_crop_windows_are_shared_uniform_slices():
    x = _images((3, 5, 6, 2))
    layer = layers.RandomCrop(3, 4, seed=3)
    seen = set()
    for _ in range(40):
        out = N(layer(T(x)))
        assert out.shape == (3, 3, 4, 2)
        hits = [(i, j) for i in range(3) for j in range(3) if np.array_equal(out, x[:, i:i + 3, j:j + 4])]
        assert len(hits) == 1  # one window, shared by the whole batch
        seen.add(hits[0])
    assert seen == {(i, j) for i in range(3) for j in range(3)}


def test_random_crop_small_inputs_center_slice_and_resize():
    layer = layers.RandomCrop(4, 4)
    x = _images((2, 6, 3, 1))  # height larger, width smaller: centered 3x3 window starts at (1, 0)
    np.testing.assert_allclose(N(layer(T(x))), np_resize_bilinear(x[:, 1:5, 0:4], 4, 4), rtol=1e-5, atol=1e-3)
    x = _images((2, 3, 3, 1))
    np.testing.assert_allclose(N(layer(T(x))), np_resize_bilinear(x, 4, 4), rtol=1e-5, atol=1e-3)
    x = _images((4, 4, 2))  # equal size, unbatched: unchanged
    np.testing.assert_allclose(N(layer(T(x))), x)


def test_random_crop_inference_identity_and_channels_first():
    x = RNG.integers(0, 255, (2, 6, 8, 3)).astype("uint8")
    out = layers.RandomCrop(4, 4)(T(x), training=False)
    assert backend.standardize_dtype(out.dtype) == "uint8" and tuple(out.shape) == (2, 6, 8, 3)
    xf = _images((2, 3, 6, 8))
    out = N(layers.RandomCrop(4, 5, seed=1, data_format="channels_first")(T(xf)))
    assert out.shape == (2, 3, 4, 5)
    assert any(np.array_equal(out, xf[:, :, i:i + 4, j:j + 5]) for i in range(3) for j in range(4))
    assert layers.RandomCrop(4, 5, data_format="channels_first").compute_output_shape((None, 3, 9, 9)) == \
        (None, 3, 4, 5)


# -- RandomErasing ---------------------------------------------------------------------------
def test_box_mask_matches_numpy():
    x0, x1, y0, y1 = (np.array(v, "float32") for v in ([0.5, 2.0], [3.0, 7.9], [1.0, 0.0], [4.2, 2.0]))
    mask = N(box_mask(5, 8, T(x0), T(x1), T(y0), T(y1), "channels_last", "float32"))
    rows, cols = np.arange(5)[:, None], np.arange(8)[None]
    for b in range(2):
        ref = (cols >= x0[b]) & (cols < x1[b]) & (rows >= y0[b]) & (rows < y1[b])
        np.testing.assert_array_equal(mask[b, :, :, 0], ref)


def test_random_erasing_erases_one_rectangle_with_fill():
    x = _images((6, 20, 20, 3))
    layer = layers.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.3), fill_value=[10.0, 300.0, -5.0], seed=4)
    out = N(layer(T(x)))
    for b in range(6):
        changed = np.any(out[b] != x[b], axis=-1)
        ys, xs = np.nonzero(changed)
        assert ys.size > 0
        box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
        assert changed[box].all()  # a full rectangle
        np.testing.assert_array_equal(out[b][box], np.broadcast_to([10.0, 255.0, 0.0], out[b][box].shape))
        frac_h, frac_w = changed[box].shape[0] / 20, changed[box].shape[1] / 20
        assert np.sqrt(0.1) - 0.1 <= frac_h <= np.sqrt(0.3) + 0.1 and np.sqrt(0.1) - 0.1 <= frac_w <= 0.65


def test_random_erasing_noise_probability_and_inference():
    x = _images((100, 4, 4, 1))
    out = N(layers.RandomErasing(value_range=(0, 255), seed=5)(T(x)))
    assert out.min() >= 0 and out.max() <= 255
    erased = np.mean([np.any(out[b] != x[b]) for b in range(100)])
    assert 0.35 < erased < 0.65  # probability ~ U(0, 1), so P(erase) = 1/2
    never = N(layers.RandomErasing(factor=(0.0, 0.0), seed=5)(T(x)))
    np.testing.assert_array_equal(never, x)
    np.testing.assert_array_equal(N(layers.RandomErasing()(T(x), training=False)), x)


# -- RandomShear -----------------------------------------------------------------------------
def _np_shear(x, sx, sy):
    """Nearest-neighbour shear of (h, w, c) reading output (r, c) from (r + sy * c, c + sx * r), zeros outside."""
    h, w, _ = x.shape
    out = np.zeros_like(x)
    for r in range(h):
        for c in range(w):
            rr, cc = int(round(r + sy * c)), int(round(c + sx * r))
            if 0 <= rr < h and 0 <= cc < w:
                out[r, c] = x[rr, cc]
    return out


@pytest.mark.parametrize("axis", ["x", "y"])
def test_random_shear_matches_numpy_for_unit_shear(axis):
    x = _images((8, 5, 6, 2))
    kwargs = {"x_factor": (1.0, 1.0)} if axis == "x" else {"y_factor": (1.0, 1.0)}
    out = N(layers.RandomShear(interpolation="nearest", fill_mode="constant", seed=6, **kwargs)(T(x)))
    signs = []
    for b in range(8):
        refs = {s: _np_shear(x[b], s if axis == "x" else 0, s if axis == "y" else 0) for s in (1, -1)}
        match = [s for s, ref in refs.items() if np.allclose(out[b], ref, atol=1e-4)]
        assert match, b
        signs.append(match[0])
    assert len(set(signs)) == 2  # both directions drawn


def test_random_shear_transforms_and_factor_parsing():
    layer = layers.RandomShear(x_factor=(0.1, 0.3), y_factor=0.2, seed=1)
    assert layer.x_factor == (0.1, 0.3) and layer.y_factor == (-0.2, 0.2)
    t = N(layer._transforms(500, 4, 4))
    np.testing.assert_array_equal(t[:, [0, 4]], 1.0)
    np.testing.assert_array_equal(t[:, [2, 5, 6, 7]], 0.0)
    assert np.all((np.abs(t[:, 1]) >= 0.1 - 1e-6) & (np.abs(t[:, 1]) <= 0.3 + 1e-6))
    assert np.all(np.abs(t[:, 3]) <= 0.2 + 1e-6)
    assert 0.4 < np.mean(t[:, 1] > 0) < 0.6
    x = _images((2, 4, 4, 1))
    np.testing.assert_array_equal(N(layer(T(x), training=False)), x)


# -- RandomPerspective -----------------------------------------------------------------------
def _np_bilinear_at(x, ys, xs):
    """Bilinear samples of (h, w, c) at float coordinates, zeros outside."""
    h, w, _ = x.shape
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    out = 0.0
    for dy in (0, 1):
        for dx in (0, 1):
            yy, xx = y0 + dy, x0 + dx
            weight = (1 - np.abs(ys - yy)) * (1 - np.abs(xs - xx))
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            out = out + np.where(inside[..., None], x[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)], 0.0) * \
                weight[..., None]
    return out


def test_random_perspective_warp_matches_numpy_scaling():
    x = _images((2, 5, 7, 2))
    layer = layers.RandomPerspective(seed=1)
    # Every corner p moves to p + p * 1 = 2p: the homography is a 2x zoom about the origin.
    out = N(layer.warp(T(x), np.ones((2, 4, 2), "float32")))
    rows, cols = np.meshgrid(np.arange(5.0), np.arange(7.0), indexing="ij")
    for b in range(2):
        np.testing.assert_allclose(out[b], _np_bilinear_at(x[b], rows / 2, cols / 2), rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(N(layer.warp(T(x), np.zeros((2, 4, 2), "float32"))), x, atol=1e-3)


def test_random_perspective_probability_and_bounds():
    x = _images((100, 6, 6, 1))
    never = N(layers.RandomPerspective(factor=(0.0, 0.0), seed=2)(T(x)))
    np.testing.assert_array_equal(never, x)
    out = N(layers.RandomPerspective(factor=1.0, scale=0.5, seed=2)(T(x)))
    warped = np.mean([not np.allclose(out[b], x[b]) for b in range(100)])
    assert 0.35 < warped < 0.65
    always = N(layers.RandomPerspective(factor=(1.0, 1.0), seed=2)(T(x)))
    assert all(not np.allclose(always[b], x[b]) for b in range(100))
    np.testing.assert_array_equal(N(layers.RandomPerspective()(T(x[0]), training=False)), x[0])


# -- MixUp / CutMix --------------------------------------------------------------------------
def _partners(labels):
    """(perm, weight) from mixed one-hot labels of an identity label matrix."""
    b = labels.shape[0]
    weight = np.diag(labels).copy()
    off = labels - np.diag(weight)
    perm = np.where(off.max(axis=1) > 1e-6, off.argmax(axis=1), np.arange(b))
    return perm, weight


def test_mixup_images_and_labels_match_numpy():
    x = _images((8, 4, 5, 3))
    out = layers.MixUp(alpha=0.5, seed=7)({"images": T(x), "labels": T(np.eye(8, dtype="float32"))})
    images, labels = N(out["images"]), N(out["labels"])
    perm, weight = _partners(labels)
    mixed = np.isclose(labels[np.arange(8), perm] + labels[np.arange(8), np.arange(8)], 1.0, atol=1e-5) | \
        (perm == np.arange(8))
    assert mixed.all()
    w = np.where(perm == np.arange(8), 1.0, weight)[:, None, None, None]
    np.testing.assert_allclose(images, w * x + (1 - w) * x[perm], rtol=1e-4, atol=1e-2)
    assert sorted(perm[perm != np.arange(8)].tolist()) == sorted(set(perm[perm != np.arange(8)].tolist()))


def test_mixup_weights_follow_beta_and_inference_identity():
    layer = layers.MixUp(alpha=0.2, seed=8)
    data = {"images": T(_images((8, 1, 1, 1))), "labels": T(np.eye(8, dtype="float32"))}  # batch 8: one compile
    weight = np.concatenate([_partners(N(layer(data)["labels"]))[1] for _ in range(50)])
    # Beta(0.2, 0.2) is U-shaped: most mass near 0 and 1, mean 1/2.
    assert abs(weight.mean() - 0.5) < 0.08 and np.mean((weight < 0.1) | (weight > 0.9)) > 0.5
    x = RNG.integers(0, 255, (2, 3, 3, 1)).astype("uint8")
    out = layer(T(x), training=False)
    assert backend.standardize_dtype(out.dtype) == "uint8"
    d = {"images": T(x), "labels": T(np.eye(2, dtype="float32"))}
    assert layer(d, training=False)["images"] is d["images"]


def test_cutmix_pastes_partner_box_and_mixes_labels_by_area():
    x = _images((8, 10, 12, 3))
    out = layers.CutMix(seed=9)({"images": T(x), "labels": T(np.eye(8, dtype="float32"))})
    images, labels = N(out["images"]), N(out["labels"])
    perm, keep = _partners(labels)
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-5)
    for b in range(8):
        from_partner = np.all(images[b] == x[perm[b]], axis=-1) & ~np.all(x[b] == x[perm[b]], axis=-1)
        from_self = np.all(images[b] == x[b], axis=-1)
        assert np.all(from_partner | from_self)
        if perm[b] != b and from_partner.any():
            ys, xs = np.nonzero(from_partner)
            assert from_partner[ys.min():ys.max() + 1, xs.min():xs.max() + 1].all()  # a rectangle
            # The label weight is 1 - box area / image area (continuous box, so within a pixel row/col).
            assert abs((1 - keep[b]) - from_partner.mean()) < 0.25


def test_cutmix_unbatched_and_inference_unchanged():
    x = _images((5, 6, 2))
    layer = layers.CutMix(seed=1)  # a single image is left alone
    np.testing.assert_array_equal(N(layer(T(x))), x)
    np.testing.assert_array_equal(N(layer(T(x[None]), training=False)), x[None])


def test_mixing_layers_reject_unknown_dict_entries():
    d = {"images": T(_images((2, 3, 3, 1))), "bounding_boxes": T(np.zeros((2, 1, 4), "float32"))}
    for layer in (layers.MixUp(), layers.CutMix()):
        with pytest.raises(NotImplementedError, match="bounding_boxes"):
            layer(d)


# -- RandomElasticTransform ------------------------------------------------------------------
def test_elastic_transform_probability_clip_and_seed():
    x = _images((40, 12, 12, 1))
    out = N(layers.RandomElasticTransform(factor=(1.0, 1.0), scale=(0.5, 1.0), seed=3)(T(x)))
    assert out.min() >= 0 and out.max() <= 255
    assert all(not np.allclose(out[b], x[b]) for b in range(40))
    never = N(layers.RandomElasticTransform(factor=(0.0, 0.0), seed=3)(T(x)))
    np.testing.assert_array_equal(never, x)
    half = N(layers.RandomElasticTransform(factor=1.0, scale=(0.5, 1.0), seed=3)(T(x)))
    assert 0.2 < np.mean([not np.allclose(half[b], x[b]) for b in range(40)]) < 0.8
    a = layers.RandomElasticTransform(scale=(0.5, 1.0), value_range=(0, 100), seed=4)
    b = layers.RandomElasticTransform(scale=(0.5, 1.0), value_range=(0, 100), seed=4)
    np.testing.assert_array_equal(N(a(T(x))), N(b(T(x))))
    assert N(a(T(x))).max() <= 100
    assert a.supports_jit is False


# -- seeds, configs, errors ------------------------------------------------------------------
ALL = [
    (layers.RandomCrop, {"height": 3, "width": 3}),
    (layers.RandomErasing, {}),
    (layers.RandomShear, {"x_factor": 0.3, "y_factor": 0.3}),
    (layers.RandomPerspective, {}),
    (layers.MixUp, {}),
    (layers.CutMix, {}),
    (layers.RandomElasticTransform, {"scale": (0.5, 1.0)}),
]


@pytest.mark.parametrize("cls, kwargs", ALL)
def test_same_seed_same_output_and_config_round_trip(cls, kwargs):
    x = _images((8, 8, 8, 3))
    a, b = cls(seed=12, **kwargs), cls(seed=12, **kwargs)
    np.testing.assert_array_equal(N(a(T(x))), N(b(T(x))))
    config = a.get_config()
    assert config["seed"] == 12 and config["data_format"] == "channels_last"
    revived = cls.from_config(config)
    assert revived.get_config() == config


def test_configs_match_keras_keys_and_defaults():
    assert layers.RandomErasing().get_config()["factor"] == (0.0, 1.0)
    cfg = layers.RandomErasing().get_config()
    assert (cfg["scale"], cfg["fill_value"], cfg["value_range"]) == ((0.02, 0.33), None, (0, 255))
    cfg = layers.RandomShear(0.2).get_config()
    assert (cfg["x_factor"], cfg["y_factor"], cfg["fill_mode"], cfg["interpolation"], cfg["fill_value"]) == \
        ((-0.2, 0.2), (-0.0, 0.0), "reflect", "bilinear", 0.0)
    cfg = layers.RandomPerspective().get_config()
    assert {k: cfg[k] for k in ("factor", "scale", "interpolation", "fill_value")} == \
        {"factor": (0.0, 1.0), "scale": 1.0, "interpolation": "bilinear", "fill_value": 0.0}
    assert layers.MixUp().get_config()["alpha"] == 0.2
    assert layers.CutMix().get_config()["factor"] == (0.0, 1.0)
    cfg = layers.RandomElasticTransform().get_config()
    assert (cfg["factor"], cfg["scale"], cfg["fill_mode"], cfg["value_range"]) == \
        ((0.0, 1.0), (0.0, 1.0), "reflect", (0, 255))
    assert {"height", "width", "seed"} <= set(layers.RandomCrop(2, 3).get_config())


@pytest.mark.parametrize("make, match", [
    (lambda: layers.RandomCrop(0, 3), "RandomCrop.*height"),
    (lambda: layers.RandomCrop(3, 2.5), "RandomCrop.*width"),
    (lambda: layers.RandomErasing(factor=1.5), "RandomErasing.*factor"),
    (lambda: layers.RandomErasing(scale=(0.1, 2.0)), "RandomErasing.*scale"),
    (lambda: layers.RandomErasing(fill_value=[1, 2]), "RandomErasing.*fill_value"),
    (lambda: layers.RandomErasing(value_range=(5, 1)), "RandomErasing.*value_range"),
    (lambda: layers.RandomShear(x_factor=1.5), "RandomShear.*x_factor"),
    (lambda: layers.RandomShear(y_factor=(-1.1, 0.2)), "RandomShear.*y_factor"),
    (lambda: layers.RandomShear(fill_mode="mirror"), "RandomShear.*fill_mode"),
    (lambda: layers.RandomPerspective(scale=1.5), "RandomPerspective.*scale"),
    (lambda: layers.RandomPerspective(interpolation="cubic"), "RandomPerspective.*interpolation"),
    (lambda: layers.MixUp(alpha=0), "MixUp.*alpha"),
    (lambda: layers.CutMix(factor=-0.5), "CutMix.*factor"),
    (lambda: layers.RandomElasticTransform(fill_mode="mirror"), "RandomElasticTransform.*fill_mode"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_rank_errors():
    with pytest.raises(ValueError, match="rank 3.*or 4"):
        layers.RandomErasing()(T(np.zeros((2, 3), "float32")))


# -- models: fit and .keras round trip -------------------------------------------------------
def test_fit_and_keras_round_trip(tmp_path):
    x = _images((16, 10, 10, 3)) / 255.0
    y = np.eye(2, dtype="float32")[RNG.integers(0, 2, 16)]
    model = keras.Sequential([
        keras.Input((10, 10, 3)),
        layers.RandomErasing(value_range=(0, 1), seed=1),
        layers.RandomShear(0.2, 0.1, seed=2),
        layers.RandomPerspective(scale=0.3, seed=3),
        layers.RandomElasticTransform(factor=0.5, scale=0.5, value_range=(0, 1), seed=4),
        layers.MixUp(seed=5),
        layers.CutMix(seed=6),
        layers.RandomCrop(8, 8, seed=7),
        layers.Conv2D(2, 3),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    assert model.output_shape == (None, 2)
    eager = keras.Sequential([keras.Input((10, 10, 3)), layers.RandomElasticTransform(value_range=(0, 1), seed=4),
                              layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    eager.compile(optimizer="sgd", loss="categorical_crossentropy")
    history = eager.fit(x, y, epochs=1, batch_size=16, verbose=0)  # eager steps (elastic is host-side)
    assert np.isfinite(history.history["loss"][0])
    compiled = keras.Sequential([keras.Input((10, 10, 3)), layers.RandomCrop(8, 8, seed=1),
                                 layers.RandomShear(0.2, seed=2), layers.RandomErasing(seed=3),
                                 layers.GlobalAveragePooling2D(),
                                 layers.Dense(2, activation="softmax")])
    compiled.compile(optimizer="sgd", loss="categorical_crossentropy")
    assert np.isfinite(compiled.fit(x, y, epochs=2, batch_size=16, verbose=0).history["loss"][-1])
    path = str(tmp_path / "aug.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    assert [type(layer).__name__ for layer in revived.layers] == [type(layer).__name__ for layer in model.layers]
    for a, b in zip(model.layers[:7], revived.layers[:7]):
        assert a.get_config() == b.get_config()
    probe = _images((2, 10, 10, 3)) / 255.0  # every augmentation is the identity in inference
    np.testing.assert_allclose(model.predict(probe, verbose=0), revived.predict(probe, verbose=0), rtol=1e-5,
                               atol=1e-6)


# -- RandAugment -----------------------------------------------------------------------------
def test_rand_augment_selects_the_indexed_op():
    x = _images((2, 6, 6, 3))  # one shape for the RandAugment/AugMix tests: fewer JAX op compilations
    layer = layers.RandAugment(value_range=(0, 255), seed=1)
    # Indices 9 and 10 are the deterministic auto-contrast and equalization.
    np.testing.assert_allclose(N(layer.apply_op(T(x), T(np.int32(9)))),
                               N(layers.AutoContrast(value_range=(0, 255))(T(x))), rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(N(layer.apply_op(T(x), T(np.int32(10)))),
                               N(layers.Equalization(value_range=(0, 255))(T(x))), rtol=1e-5, atol=1e-3)
    # Sub-layers are built from `factor`, as in Keras.
    assert layer.random_shear.x_factor == (0.0, 0.5)
    assert tuple(layer.random_posterization.get_config()["factor"]) == (1, 4)  # max(1, int(8 * 0.5)) bits
    assert [type(getattr(layer, a)).__name__ for a in ("random_translation", "solarization", "equalization")] == \
        ["RandomTranslation", "Solarization", "Equalization"]


def test_rand_augment_inference_seed_config_and_errors():
    x = _images((2, 6, 6, 3))
    layer = layers.RandAugment(num_ops=3, factor=(0.1, 0.4), seed=5)
    np.testing.assert_array_equal(N(layer(T(x), training=False)), x)
    np.testing.assert_array_equal(N(layers.RandAugment(num_ops=0)(T(x))), x)
    out = N(layer(T(x)))
    assert out.shape == x.shape and not np.allclose(out, x)
    assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    np.testing.assert_array_equal(out, N(layers.RandAugment(num_ops=3, factor=(0.1, 0.4), seed=5)(T(x))))
    assert N(layer(T(x[0]))).shape == x[0].shape
    config = layer.get_config()
    assert {k: config[k] for k in ("value_range", "num_ops", "factor", "interpolation", "seed")} == \
        {"value_range": (0, 255), "num_ops": 3, "factor": (0.1, 0.4), "interpolation": "bilinear", "seed": 5}
    assert layers.RandAugment.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="RandAugment.*num_ops"):
        layers.RandAugment(num_ops=-1)
    with pytest.raises(ValueError, match="RandAugment.*factor"):
        layers.RandAugment(factor=2.0)


def test_rand_augment_keras_round_trip(tmp_path):
    model = keras.Sequential([keras.Input((6, 6, 3)), layers.RandAugment(num_ops=1, seed=2), layers.Conv2D(2, 3),
                              layers.GlobalAveragePooling2D()])
    path = str(tmp_path / "ra.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    assert revived.layers[0].get_config() == model.layers[0].get_config()
    x = _images((2, 6, 6, 3))
    np.testing.assert_allclose(model.predict(x, verbose=0), revived.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


# -- AugMix ----------------------------------------------------------------------------------
def _np_auto_contrast(x):
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    return (x - low) / np.where(high > low, high - low, 1.0) * 255.0


def test_aug_mix_blend_matches_numpy_for_fixed_chains():
    x = _images((2, 6, 6, 3))
    layer = layers.AugMix(seed=3)
    chains = [["auto_contrast"], [], ["auto_contrast", "equalization"]]
    weights = np.array([0.5, 0.2, 0.3], "float32")
    out = N(layer.mix(T(x), chains, T(weights), T(np.float32(0.25))))
    contrasted = N(layers.AutoContrast()(T(x)))
    np.testing.assert_allclose(contrasted, _np_auto_contrast(x), rtol=1e-4, atol=1e-2)
    equalized = N(layers.Equalization()(T(contrasted)))  # (histogram bins are sensitive to rounding)
    mixed = 0.5 * _np_auto_contrast(x) + 0.2 * x + 0.3 * equalized
    np.testing.assert_allclose(out, np.clip(0.25 * x + 0.75 * mixed, 0, 255), rtol=1e-4, atol=1e-2)


def test_aug_mix_chains_draws_and_inference():
    layer = layers.AugMix(num_chains=4, chain_depth=2, all_ops=False, seed=1)
    chains = [layer.draw_chains() for _ in range(30)]
    assert all(len(c) == 4 and all(len(ops_) <= 2 for ops_ in c) for c in chains)
    names = {name for c in chains for ops_ in c for name in ops_}
    assert names == {"random_shear", "random_translation", "random_rotation", "random_posterization",
                     "solarization", "auto_contrast", "equalization"}
    assert not hasattr(layer, "random_brightness") and hasattr(layers.AugMix(), "random_sharpness")
    assert layers.AugMix(seed=1).draw_chains() == layers.AugMix(seed=1).draw_chains()
    x = _images((2, 6, 6, 3))
    np.testing.assert_array_equal(N(layer(T(x), training=False)), x)
    out = N(layer(T(x)))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 255
    a, b = layers.AugMix(value_range=(0, 100), seed=9), layers.AugMix(value_range=(0, 100), seed=9)
    np.testing.assert_array_equal(N(a(T(x))), N(b(T(x))))
    assert N(a(T(x[0]))).shape == x[0].shape and a.supports_jit is False


def test_aug_mix_config_errors_and_keras_round_trip(tmp_path):
    layer = layers.AugMix(num_chains=2, chain_depth=1, factor=(0.1, 0.2), alpha=0.5, all_ops=False, seed=4)
    config = layer.get_config()
    assert {k: config[k] for k in ("value_range", "num_chains", "chain_depth", "factor", "alpha", "all_ops",
                                   "interpolation", "seed")} == \
        {"value_range": (0, 255), "num_chains": 2, "chain_depth": 1, "factor": (0.1, 0.2), "alpha": 0.5,
         "all_ops": False, "interpolation": "bilinear", "seed": 4}
    assert layers.AugMix.from_config(config).get_config() == config
    for kwargs, match in (({"num_chains": 0}, "num_chains"), ({"chain_depth": 1.5}, "chain_depth"),
                          ({"alpha": -1.0}, "alpha"), ({"factor": 3.0}, "factor")):
        with pytest.raises(ValueError, match="AugMix.*" + match):
            layers.AugMix(**kwargs)
    model = keras.Sequential([keras.Input((6, 6, 3)), layer, layers.Conv2D(2, 3), layers.GlobalAveragePooling2D()])
    path = str(tmp_path / "am.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    assert revived.layers[0].get_config() == config
    x = _images((2, 6, 6, 3))
    np.testing.assert_allclose(model.predict(x, verbose=0), revived.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
