"""Zeros, Ones, Constant, Identity: exact values for every dtype."""
import numpy as np
import pytest

from cornu import backend, initializers


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x))


# JAX runs without 64-bit types by default.
DTYPES = ["float32", "float16", "int32"] + (["float64", "int64"] if backend.backend() == "torch" else [])


@pytest.mark.parametrize("dtype", DTYPES)
def test_zeros_ones_constant(dtype):
    for init, value in [(initializers.Zeros(), 0), (initializers.Ones(), 1), (initializers.Constant(3), 3)]:
        out = init((2, 3), dtype=dtype)
        assert backend.standardize_dtype(out.dtype) == dtype
        np.testing.assert_array_equal(to_np(out), np.full((2, 3), value, dtype=dtype))


def test_default_dtype_is_floatx():
    for init in (initializers.Zeros(), initializers.Ones(), initializers.Constant(0.5), initializers.Identity()):
        out = init((3, 3))
        assert backend.standardize_dtype(out.dtype) == backend.floatx()


def test_constant_broadcasts_arrays_like_keras2():
    out = initializers.Constant([1.0, 2.0, 3.0])((2, 3))
    np.testing.assert_array_equal(to_np(out), [[1, 2, 3], [1, 2, 3]])
    out = initializers.Constant(np.array([[1.0], [2.0]]))((2, 2))
    np.testing.assert_array_equal(to_np(out), [[1, 1], [2, 2]])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2)])
def test_identity(shape):
    out = initializers.Identity(gain=2.5)(shape)
    np.testing.assert_allclose(to_np(out), 2.5 * np.eye(*shape))
    assert initializers.IdentityInitializer is initializers.Identity


def test_identity_rejects_non_matrices():
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


def test_base_initializer_must_be_implemented():
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))
