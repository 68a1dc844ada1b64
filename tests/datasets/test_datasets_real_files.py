"""Loaders on the real Keras dataset files (../shared/datasets)."""

import gzip
import shutil

import numpy as np
import pytest

from cornu.datasets import boston_housing, california_housing, fashion_mnist, mnist
from cornu.utils.file_utils import DatasetNotFoundError


@pytest.fixture
def real(datasets_dir, monkeypatch):
    monkeypatch.setenv("CORNU_DATASETS", str(datasets_dir))
    monkeypatch.setenv("CORNU_NO_DOWNLOAD", "1")
    return datasets_dir


def test_mnist(real):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    np.testing.assert_array_equal(y_train[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    np.testing.assert_array_equal(y_test[:10], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
    assert x_train.max() == 255 and x_train.min() == 0
    assert int(x_train[0].sum()) == 27525


def test_fashion_mnist(real):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    np.testing.assert_array_equal(y_train[:10], [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
    np.testing.assert_array_equal(y_test[:10], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
    # Same bytes as the raw IDX payload (Keras reads it with offset 16).
    with gzip.open(real / "fashion-mnist" / "t10k-images-idx3-ubyte.gz") as f:
        raw = np.frombuffer(f.read(), np.uint8, offset=16)
    np.testing.assert_array_equal(x_test.reshape(-1), raw)
    assert np.bincount(y_train).tolist() == [6000] * 10


def _expected_split(x, y, seed, test_split):
    perm = np.arange(len(x))
    np.random.RandomState(seed).shuffle(perm)
    cut = int(len(x) * (1 - test_split))
    return (x[perm][:cut], y[perm][:cut]), (x[perm][cut:], y[perm][cut:])


def test_boston_housing(real):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13)
    assert y_train.shape == (404,) and y_test.shape == (102,)
    assert x_train.dtype == np.float64
    # Values known from Keras (e.g. "Deep Learning with Python").
    np.testing.assert_allclose(
        y_train[:10], [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
    )
    np.testing.assert_allclose(y_test[:5], [7.2, 18.8, 19.0, 27.0, 22.2])
    np.testing.assert_allclose(x_train[0, :3], [1.23247, 0.0, 8.14])
    with np.load(real / "boston_housing.npz") as f:
        expected = _expected_split(f["x"], f["y"], 113, 0.2)
    np.testing.assert_array_equal(x_train, expected[0][0])
    np.testing.assert_array_equal(y_test, expected[1][1])


def test_boston_housing_seed_and_split(real):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.5, seed=7)
    with np.load(real / "boston_housing.npz") as f:
        expected = _expected_split(f["x"], f["y"], 7, 0.5)
    np.testing.assert_array_equal(x_train, expected[0][0])
    np.testing.assert_array_equal(y_test, expected[1][1])
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)


@pytest.mark.parametrize("version, n_train, n_test", [("large", 16512, 4128), ("small", 480, 120)])
def test_california_housing(real, version, n_train, n_test):
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version=version)
    assert x_train.shape == (n_train, 8) and x_test.shape == (n_test, 8)
    assert y_train.shape == (n_train,) and x_train.dtype == np.float32
    with np.load(real / "california_housing.npz") as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    expected = _expected_split(x, y, 113, 0.2)
    np.testing.assert_array_equal(x_train, expected[0][0])
    np.testing.assert_array_equal(y_train, expected[0][1])
    np.testing.assert_array_equal(x_test, expected[1][0])
    np.testing.assert_array_equal(y_test, expected[1][1])


def test_california_bad_version(real):
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")


def test_corrupted_file_is_refused(real, isolated_datasets):
    data = bytearray((real / "boston_housing.npz").read_bytes())
    data[-100] ^= 0xFF
    (isolated_datasets / "boston_housing.npz").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="boston_housing.npz.*sha256"):
        boston_housing.load_data()


def test_missing_file_error(isolated_datasets):
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "mnist.npz" in message and str(isolated_datasets) in message
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz" in message


def test_fashion_files_in_subfolder(real, isolated_datasets):
    with pytest.raises(DatasetNotFoundError, match="train-labels-idx1-ubyte.gz"):
        fashion_mnist.load_data()
    shutil.copytree(real / "fashion-mnist", isolated_datasets / "fashion-mnist")
    (_, y_train), _ = fashion_mnist.load_data()
    assert y_train.shape == (60000,)


def test_custom_absolute_path(real, tmp_path, isolated_datasets):
    target = tmp_path / "elsewhere.npz"
    shutil.copy(real / "boston_housing.npz", target)
    (x_train, _), _ = boston_housing.load_data(path=str(target))
    assert x_train.shape == (404, 13)
