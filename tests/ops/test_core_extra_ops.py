"""Keras 3 core ops: switch, associative_scan and saturate_cast against plain Python/NumPy."""
import numpy as np
import pytest

from cornu import ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)


def value(x):
    return ops.convert_to_numpy(x)


# -- switch ---------------------------------------------------------------------------------------
def test_switch_applies_the_indexed_branch_and_clamps_the_index():
    branches = [lambda a, b: ops.add(a, b), lambda a, b: ops.subtract(a, b), lambda a, b: ops.multiply(a, b)]
    a, b = np.float32(2.0), np.float32(0.5)
    expected = [a + b, a - b, a * b]
    for index in range(-2, 6):
        np.testing.assert_allclose(value(ops.switch(index, branches, a, b)), expected[min(max(index, 0), 2)])
    np.testing.assert_allclose(value(ops.switch(np.array(1, "int32"), branches, a, b)), a - b)
    assert ops.core.switch is ops.switch


def test_switch_symbolic_takes_the_branch_output_spec():
    out = ops.switch(0, [lambda x: ops.sum(x, axis=-1), lambda x: ops.max(x, axis=-1)], KerasTensor((None, 4)))
    assert out.shape == (None,) and out.dtype == "float32"


# -- associative_scan ---------------------------------------------------------------------------------
def sequential_scan(f, xs, reverse=False):
    """[x0, f(x0, x1), f(f(x0, x1), x2), ...] one element at a time."""
    xs = list(xs)[::-1] if reverse else list(xs)
    out = [xs[0]]
    for x in xs[1:]:
        out.append(f(out[-1], x))
    return out[::-1] if reverse else out


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_associative_scan_of_sums_is_a_cumulative_sum(n):
    x = rng.integers(-5, 5, (n, 3)).astype("int32")
    out = ops.associative_scan(lambda a, b: a + b, x)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(value(out), np.cumsum(x, axis=0))
    np.testing.assert_array_equal(value(ops.associative_scan(lambda a, b: a + b, x, reverse=True)),
                                  np.cumsum(x[::-1], axis=0)[::-1])


@pytest.mark.parametrize("n,reverse", [(6, False), (7, True), (5, False)])
def test_associative_scan_keeps_the_order_of_a_non_commutative_operation(n, reverse):
    """Matrix products along axis 1: the scan must compose in sequence order."""
    m = rng.standard_normal((2, n, 2, 2)).astype("float32")
    out = ops.associative_scan(lambda a, b: ops.matmul(a, b), m, reverse=reverse, axis=1)
    for batch in range(2):
        expected = sequential_scan(lambda a, b: a @ b, m[batch], reverse=reverse)
        np.testing.assert_allclose(value(out)[batch], np.stack(expected), rtol=1e-5, atol=1e-5)


def test_associative_scan_over_a_structure_solves_a_linear_recurrence():
    """h_t = a_t h_{t-1} + b_t as the composition of affine maps (a, b)."""
    a = rng.uniform(0.5, 1.0, 9).astype("float32")
    b = rng.standard_normal(9).astype("float32")

    def compose(first, second):
        return {"a": first["a"] * second["a"], "b": second["a"] * first["b"] + second["b"]}

    out = ops.associative_scan(compose, {"a": a, "b": b})
    h, expected = 0.0, []
    for a_t, b_t in zip(a, b):
        h = a_t * h + b_t
        expected.append(h)
    assert sorted(out) == ["a", "b"]
    np.testing.assert_allclose(value(out["b"]), expected, rtol=1e-5)
    np.testing.assert_allclose(value(out["a"]), np.cumprod(a), rtol=1e-5)


def test_associative_scan_symbolic_and_bad_arguments():
    out = ops.associative_scan(lambda x, y: x + y, KerasTensor((None, 5)), axis=1)
    assert out.shape == (None, 5) and out.dtype == "float32"
    with pytest.raises(ValueError, match="same size along axis=0"):
        ops.associative_scan(lambda x, y: x + y, [np.zeros(3, "float32"), np.zeros(4, "float32")])


# -- saturate_cast ---------------------------------------------------------------------------------
def saturate_reference(x, dtype):
    """Clip in float64 to the range both dtypes hold, then cast."""
    limits = {"float16": 65504.0, "float32": float(np.finfo("float32").max)}
    hi_in = limits.get(str(x.dtype)) or float(np.iinfo(x.dtype).max)
    lo_in = -limits[str(x.dtype)] if str(x.dtype) in limits else float(np.iinfo(x.dtype).min)
    hi = min(hi_in, limits.get(dtype) or float(np.iinfo(dtype).max))
    lo = max(lo_in, -limits[dtype] if dtype in limits else float(np.iinfo(dtype).min))
    return np.clip(x.astype("float64"), lo, hi).astype(dtype)


@pytest.mark.parametrize("x,dtype", [
    (np.array([-1.0, 256.0, 3.7, 254.9, np.inf, -np.inf], "float32"), "uint8"),
    (np.array([-1.0, 3.7, 1e10, -1e10, 2.0 ** 31 - 128, -(2.0 ** 31)], "float32"), "int32"),
    (np.array([1e6, -1e6, 70000.0, np.inf, 1.5], "float32"), "float16"),
    (np.array([300, -300, 5, 127, -128], "int32"), "int8"),
    (np.array([100000, -100000, 17], "int32"), "float16"),
    (np.array([70000.0, -3.0, 12.5], "float32"), "uint16"),
    (np.array([-5, 0, 200], "int16"), "uint8"),
])
def test_saturate_cast_clips_to_the_target_range(x, dtype):
    out = ops.saturate_cast(x, dtype)
    assert ops.dtype(out) == dtype
    np.testing.assert_array_equal(value(out), saturate_reference(x, dtype))


def test_saturate_cast_symbolic_and_no_op_widening():
    out = ops.saturate_cast(KerasTensor((None, 3)), "uint8")
    assert out.shape == (None, 3) and out.dtype == "uint8"
    x = np.array([-7, 0, 9], "int8")
    np.testing.assert_array_equal(value(ops.saturate_cast(x, "int32")), x.astype("int32"))
    with pytest.raises(ValueError, match="dtype"):
        ops.saturate_cast(x, "int13")
