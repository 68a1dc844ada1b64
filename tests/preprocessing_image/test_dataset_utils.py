"""Keras 3's dataset builders (image/text directories, time series), returning PyDatasets."""
import os

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.preprocessing import (
    image,
    image_dataset_from_directory,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)

rng = np.random.default_rng(0)


@pytest.fixture
def image_dir(tmp_path):
    pixels = {}
    for label, n in (("a", 3), ("b", 5)):
        os.makedirs(tmp_path / label)
        for i in range(n):
            x = rng.integers(0, 256, size=(4, 6, 3)).astype("float32")
            image.save_img(tmp_path / label / f"{i}.png", x, scale=False)
            pixels[str(tmp_path / label / f"{i}.png")] = x
    return tmp_path, pixels


def _keras_order(root, seed):
    """Keras's indexing: sorted class folders and files, then RandomState(seed).shuffle."""
    files = [str(root / c / f) for c in ("a", "b") for f in sorted(os.listdir(root / c))]
    labels = np.array([0] * 3 + [1] * 5, dtype="int32")
    np.random.RandomState(seed).shuffle(files)
    np.random.RandomState(seed).shuffle(labels)
    return files, labels


def test_image_dataset_order_labels_and_pixels(image_dir, capsys):
    root, pixels = image_dir
    ds = image_dataset_from_directory(str(root), image_size=(4, 6), batch_size=3, seed=7, shuffle=False)
    assert "Found 8 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["a", "b"] and len(ds) == 3
    x, y = ds[0]
    assert x.dtype == np.float32 and x.shape == (3, 4, 6, 3) and y.dtype == np.int32
    np.testing.assert_array_equal(y, [0, 0, 0])
    np.testing.assert_allclose(x[1], pixels[ds.file_paths[1]])  # same size: no resampling
    files, labels = _keras_order(root, seed=7)
    ds = image_dataset_from_directory(str(root), image_size=(4, 6), seed=7, validation_split=0.25,
                                      subset="validation", label_mode="categorical", batch_size=None, shuffle=True)
    assert ds.file_paths == files[-2:]
    x, y = ds[0]
    np.testing.assert_array_equal(y, np.eye(2)[labels[-2]])
    np.testing.assert_allclose(x, pixels[files[-2]])
    train, val = image_dataset_from_directory(str(root), image_size=(2, 3), seed=7, validation_split=0.25,
                                              subset="both", label_mode="binary", color_mode="grayscale")
    assert train.file_paths == files[:6] and val.file_paths == files[-2:]
    xb, yb = train[0]
    assert xb.shape == (6, 2, 3, 1) and yb.shape == (6, 1)


def test_image_dataset_argument_checks(image_dir):
    root, _ = image_dir
    with pytest.raises(ValueError, match="seed"):
        image_dataset_from_directory(str(root), validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="exactly 2"):
        image_dataset_from_directory(str(root / "a"), labels=[0, 1, 2], label_mode="binary")
    with pytest.raises(ValueError, match="class_names"):
        image_dataset_from_directory(str(root), class_names=["a", "zzz"])
    only = image_dataset_from_directory(str(root), labels=None, image_size=(4, 6), shuffle=False)
    assert only[0].shape == (8, 4, 6, 3)


def test_fit_consumes_an_image_dataset(image_dir):
    root, _ = image_dir
    ds = image_dataset_from_directory(str(root), image_size=(4, 6), batch_size=4, seed=1)
    model = cornu.Sequential([cornu.Input((4, 6, 3)), layers.Rescaling(1 / 255.0), layers.Flatten(),
                              layers.Dense(2)])
    model.compile(optimizer="sgd", loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_text_dataset(tmp_path):
    for label, texts in (("neg", ["bad", "awful movie"]), ("pos", ["great film", "good"])):
        os.makedirs(tmp_path / label)
        for i, t in enumerate(texts):
            (tmp_path / label / f"{i}.txt").write_text(t, encoding="utf-8")
    ds = text_dataset_from_directory(str(tmp_path), batch_size=4, shuffle=False, max_length=5)
    texts, labels = ds[0]
    assert list(texts) == ["bad", "awful", "great", "good"] and list(labels) == [0, 0, 1, 1]
    assert ds.class_names == ["neg", "pos"]


@pytest.mark.parametrize("kwargs", [dict(), dict(sequence_stride=3, sampling_rate=2),
                                    dict(start_index=4, end_index=40, sequence_stride=2)])
def test_timeseries_windows_against_numpy(kwargs):
    data = np.arange(100, dtype="float32").reshape(50, 2)
    targets = np.arange(50) * 10
    ds = timeseries_dataset_from_array(data, targets, sequence_length=5, batch_size=4, **kwargs)
    stride, rate = kwargs.get("sequence_stride", 1), kwargs.get("sampling_rate", 1)
    start, end = kwargs.get("start_index", 0), kwargs.get("end_index", 50)
    starts = list(range(start, end - (5 - 1) * rate, stride))
    xs = np.concatenate([ds[i][0] for i in range(len(ds))])
    ys = np.concatenate([ds[i][1] for i in range(len(ds))])
    np.testing.assert_array_equal(xs, np.stack([data[s:s + 5 * rate:rate] for s in starts]))
    np.testing.assert_array_equal(ys, targets[starts])
    assert len(ds) == -(-len(starts) // 4)


def test_timeseries_shuffle_is_keras_seeded_permutation():
    data = np.arange(20, dtype="float32")
    ds = timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=None, shuffle=True, seed=3)
    starts = np.arange(18)
    np.random.RandomState(3).shuffle(starts)
    np.testing.assert_array_equal(np.stack([ds[i] for i in range(len(ds))]), data[starts[:, None] + np.arange(3)])
    with pytest.raises(ValueError, match="sampling_rate"):
        timeseries_dataset_from_array(data, None, 3, sampling_rate=0)
