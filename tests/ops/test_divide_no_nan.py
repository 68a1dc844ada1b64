"""ops.divide_no_nan against NumPy: values, dtypes, symbolic shapes and safe gradients."""
import numpy as np

from cornu import backend, ops
from cornu.backend import KerasTensor


def test_values_match_numpy_with_zero_where_the_denominator_is_zero():
    x = np.array([[1.0, -2.0, 0.0], [3.0, 4.0, 5.0]], "float32")
    y = np.array([[2.0, 0.0, 0.0], [0.5, -4.0, 0.0]], "float32")
    expected = np.where(y == 0, 0.0, x / np.where(y == 0, 1.0, y)).astype("float32")
    out = ops.convert_to_numpy(ops.divide_no_nan(x, y))
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float32


def test_integers_divide_to_floats_and_scalars_broadcast():
    out = ops.divide_no_nan(np.array([3, 4, 5], "int32"), np.array([2, 0, 5], "int32"))
    assert backend.standardize_dtype(out.dtype) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out), [1.5, 0.0, 1.0])
    np.testing.assert_allclose(ops.convert_to_numpy(ops.divide_no_nan(np.array([2.0, 4.0], "float32"), 0.0)), [0, 0])


def test_symbolic_shape_and_dtype():
    out = ops.divide_no_nan(KerasTensor((None, 3)), KerasTensor((1, 3)))
    assert tuple(out.shape) == (None, 3) and out.dtype == "float32"


def test_gradient_is_finite_where_the_denominator_is_zero():
    import cornu

    x = cornu.Variable(np.array([1.0, 2.0, 3.0], "float32"))
    y = cornu.Variable(np.array([2.0, 0.0, 4.0], "float32"))
    _, _, grads = backend.compute_gradients(
        lambda: (ops.sum(ops.divide_no_nan(x, y)), None), [x, y])
    gx, gy = (ops.convert_to_numpy(g) for g in grads)
    np.testing.assert_allclose(gx, [0.5, 0.0, 0.25], rtol=1e-6)
    np.testing.assert_allclose(gy, [-0.25, 0.0, -3.0 / 16], rtol=1e-6)
