import numpy as np
import pytest

from cornu.utils.numerical_utils import normalize, to_categorical


def test_to_categorical_basic():
    out = to_categorical([0, 2, 1])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(3, dtype=np.float32)[[0, 2, 1]])


def test_to_categorical_num_classes_and_column_vector():
    y = np.array([[1], [0], [3]])
    out = to_categorical(y, num_classes=5)
    assert out.shape == (3, 5)
    np.testing.assert_array_equal(out.argmax(-1), [1, 0, 3])


def test_to_categorical_keeps_leading_shape():
    y = np.array([[0, 1], [2, 1]])
    out = to_categorical(y)
    assert out.shape == (2, 2, 3)
    assert out[1, 0, 2] == 1 and out.sum() == 4


def test_to_categorical_scalar_and_dtype():
    out = to_categorical(2, num_classes=4)
    assert out.shape == (4,)
    np.testing.assert_array_equal(out, [0, 0, 1, 0])
    assert to_categorical([1], 2, dtype="int64").dtype == np.int64


def test_to_categorical_out_of_range():
    with pytest.raises(ValueError, match="num_classes=3"):
        to_categorical([0, 3], num_classes=3)


def test_normalize_l2_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0]])


def test_normalize_axis0_and_l1():
    x = np.array([[1.0, 2.0], [3.0, 2.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[0.25, 0.5], [0.75, 0.5]])
    np.testing.assert_allclose(
        normalize(x), x / np.linalg.norm(x, axis=-1, keepdims=True)
    )
