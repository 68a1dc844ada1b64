"""ImageDataGenerator: statistics, random draws, iterators and fit, against NumPy references."""
import os

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.preprocessing import image
from cornu.preprocessing.image import ImageDataGenerator

rng = np.random.default_rng(0)
X = rng.random((10, 6, 5, 3)).astype("float32") * 255


def test_featurewise_statistics_and_standardize():
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 255.0)
    gen.fit(X)
    scaled = X / 255.0
    mean = scaled.mean(axis=(0, 1, 2))
    std = (scaled - mean).std(axis=(0, 1, 2))
    np.testing.assert_allclose(gen.mean.ravel(), mean, rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), std, rtol=1e-4)
    out = gen.standardize(X[0].copy())
    np.testing.assert_allclose(out, (X[0] / 255.0 - mean) / (std + 1e-6), rtol=1e-4, atol=1e-5)


def test_zca_whitening_matrix():
    with pytest.warns(UserWarning, match="featurewise_center"):
        gen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-3)
    x = X[:, :3, :3, :1] / 255.0
    gen.fit(x)
    flat = (x - x.mean(axis=(0, 1, 2))).reshape(len(x), -1)
    u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
    ref = u @ np.diag(np.sqrt(len(x)) / (s + 1e-3)) @ u.T
    np.testing.assert_allclose(gen.zca_whitening_matrix, ref, rtol=1e-3, atol=1e-4)
    white = gen.standardize(x[0].copy())
    np.testing.assert_allclose(white.ravel(), (x[0] - gen.mean).ravel() @ ref, rtol=1e-3, atol=1e-3)


def test_samplewise_and_unfit_warnings():
    with pytest.warns(UserWarning, match="samplewise_center"):
        gen = ImageDataGenerator(samplewise_std_normalization=True)
    out = gen.standardize(X[0].copy())
    np.testing.assert_allclose(out, (X[0] - X[0].mean()) / (X[0].std() + 1e-6), rtol=1e-4, atol=1e-5)
    with pytest.warns(UserWarning, match="hasn't been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(X[0].copy())
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)


def test_random_transform_draws_in_keras_order():
    gen = ImageDataGenerator(rotation_range=10, width_shift_range=0.2, height_shift_range=2, shear_range=5,
                             zoom_range=0.1, channel_shift_range=3, horizontal_flip=True, vertical_flip=True,
                             brightness_range=(0.9, 1.1))
    params = gen.get_random_transform((6, 5, 3), seed=11)
    np.random.seed(11)
    theta = np.random.uniform(-10, 10)
    tx = np.random.choice(2) * np.random.choice([-1, 1])  # int range: whole pixels 0..1, random sign
    ty = np.random.uniform(-0.2, 0.2) * 5
    shear = np.random.uniform(-5, 5)
    zx, zy = np.random.uniform(0.9, 1.1, 2)
    fh, fv = np.random.random() < 0.5, np.random.random() < 0.5
    cs = np.random.uniform(-3, 3)
    br = np.random.uniform(0.9, 1.1)
    expected = dict(theta=theta, tx=tx, ty=ty, shear=shear, zx=zx, zy=zy, flip_horizontal=fh, flip_vertical=fv,
                    channel_shift_intensity=cs, brightness=br)
    for key, value in expected.items():
        assert float(params[key]) == pytest.approx(float(value)), key


def test_apply_transform_flips_and_shifts():
    gen = ImageDataGenerator(data_format="channels_first")
    x = X[0].transpose(2, 0, 1)
    out = gen.apply_transform(x, {"flip_horizontal": True, "flip_vertical": True, "channel_shift_intensity": 10})
    np.testing.assert_allclose(out, np.clip(x + 10, x.min(), x.max())[:, ::-1, ::-1])


def test_flow_batches_labels_and_subsets():
    y = np.arange(10)
    w = np.linspace(0, 1, 10)
    gen = ImageDataGenerator(validation_split=0.3)
    it = gen.flow(X, y, batch_size=4, shuffle=False, sample_weight=w)
    assert len(it) == 3
    bx, by, bw = it[2]
    np.testing.assert_array_equal(by, [8, 9]) and np.testing.assert_allclose(bx, X[8:])
    np.testing.assert_allclose(bw, w[8:])
    first = next(it)
    np.testing.assert_array_equal(first[1], [0, 1, 2, 3])
    shuffled = gen.flow(X, y, batch_size=10, seed=5)
    np.random.seed(5)
    order = np.random.permutation(10)
    np.testing.assert_array_equal(shuffled[0][1], order)
    val = gen.flow(X, y % 2, batch_size=10, shuffle=False, subset="validation")
    train = gen.flow(X, y % 2, batch_size=10, shuffle=False, subset="training")
    assert val.n == 3 and train.n == 7
    np.testing.assert_allclose(val[0][0], X[:3])
    extra = gen.flow((X, np.arange(10.0)), y, batch_size=2, shuffle=False)
    (images, misc), labels = extra[1]
    np.testing.assert_array_equal(misc, [2, 3]) and np.testing.assert_array_equal(labels, [2, 3])
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(X[0])


def _write_images(root, counts):
    paths = {}
    for label, n in counts.items():
        os.makedirs(root / label, exist_ok=True)
        for i in range(n):
            pixels = rng.integers(0, 256, size=(6, 4, 3)).astype("float32")
            path = root / label / f"img_{i}.png"
            image.save_img(path, pixels, scale=False)
            paths[f"{label}/img_{i}.png"] = pixels
    return paths


def test_flow_from_directory(tmp_path, capsys):
    paths = _write_images(tmp_path, {"cats": 3, "dogs": 2})
    (tmp_path / "dogs" / "notes.txt").write_text("not an image")
    gen = ImageDataGenerator(rescale=0.5)
    it = gen.flow_from_directory(str(tmp_path), target_size=(6, 4), batch_size=5, shuffle=False)
    assert "Found 5 images belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cats": 0, "dogs": 1}
    assert it.filenames == [os.path.join(*k.split("/")) for k in sorted(paths)]
    bx, by = it[0]
    np.testing.assert_allclose(bx[3], paths["dogs/img_0.png"] * 0.5)
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 0, 1, 1]])
    sparse = gen.flow_from_directory(str(tmp_path), target_size=(6, 4), class_mode="sparse", shuffle=False,
                                     color_mode="grayscale")
    assert sparse[0][0].shape == (5, 6, 4, 1)
    np.testing.assert_array_equal(sparse[0][1], [0, 0, 0, 1, 1])
    split = ImageDataGenerator(validation_split=0.5).flow_from_directory(
        str(tmp_path), target_size=(6, 4), subset="validation", shuffle=False, class_mode=None)
    assert split.filenames == [os.path.join("cats", "img_0.png"), os.path.join("dogs", "img_0.png")]
    assert split[0].shape == (2, 6, 4, 3)


def test_flow_from_dataframe_with_a_dict_table(tmp_path, capsys):
    paths = _write_images(tmp_path, {"a": 2, "b": 2})
    table = {"filename": sorted(paths) + ["a/missing.png"], "label": ["x", "x", "y", "y", "y"],
             "score": [0.1, 0.2, 0.3, 0.4, 0.5]}
    gen = ImageDataGenerator()
    with pytest.warns(UserWarning, match="1 invalid image filename"):
        it = gen.flow_from_dataframe(table, directory=str(tmp_path), y_col="label", target_size=(6, 4),
                                     shuffle=False, weight_col="score")
    assert it.class_indices == {"x": 0, "y": 1}
    bx, by, bw = it[0]
    np.testing.assert_allclose(bx[2], paths["b/img_0.png"])
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 1, 1]]) and np.testing.assert_allclose(bw, [.1, .2, .3, .4])
    with pytest.warns(UserWarning):
        raw = gen.flow_from_dataframe(table, directory=str(tmp_path), y_col="score", class_mode="raw",
                                      target_size=(6, 4), shuffle=False)
    np.testing.assert_allclose(raw[0][1], [0.1, 0.2, 0.3, 0.4])


def test_fit_consumes_a_flow_iterator():
    model = cornu.Sequential([cornu.Input((6, 5, 3)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    it = ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True).flow(X, np.ones(10), batch_size=4)
    history = model.fit(it, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.optimizer.iterations.numpy() == 2 * len(it)
