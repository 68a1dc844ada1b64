"""Element-wise NumPy ops (bitwise, special functions, windows, constructors) against NumPy/SciPy:
values, output dtypes, symbolic shapes, gradients and argument errors."""
import numpy as np
import pytest
import scipy.special

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4)).astype("float32")
B = rng.standard_normal((3, 4)).astype("float32")
I = rng.integers(-40, 40, size=(3, 4)).astype("int32")
J = rng.integers(1, 30, size=(3, 4)).astype("int32")
U = rng.integers(0, 256, size=(3, 4)).astype("uint8")
BOOL = A > 0


def npy(x):
    return np.asarray(ops.convert_to_numpy(x))


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def check(actual, expected, rtol=1e-5, atol=1e-6):
    actual = npy(actual)
    assert actual.shape == np.shape(expected)
    np.testing.assert_allclose(actual.astype("float64"), np.asarray(expected, "float64"), rtol=rtol, atol=atol)


def grads(fn, *values):
    variables = [cornu.Variable(np.asarray(v, "float32")) for v in values]
    _, _, g = backend.compute_gradients(lambda: (ops.sum(fn(*variables)), None), variables)
    return [npy(x) for x in g]


# -- float-valued unary functions ----------------------------------------------------------------
UNARY = {
    "fabs": np.abs,
    "sinc": lambda x: np.where(x == 0, 1.0, np.sin(np.pi * x) / np.where(x == 0, 1.0, np.pi * x)),
    "i0": scipy.special.i0,
    "angle": lambda x: np.arctan2(np.zeros_like(x), x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_float_unary_values_dtypes_and_symbolic(name):
    op = getattr(ops, name)
    x = np.concatenate([A, [[0.0, -0.0, 2.5, -3.0]]]).astype("float32")
    check(op(x), UNARY[name](x.astype("float64")), rtol=1e-5)
    assert dtype_of(op(x)) == "float32"
    assert dtype_of(op(I)) == "float32" and dtype_of(op(BOOL)) == "float32"
    check(op(I), UNARY[name](I.astype("float64")), rtol=1e-5)
    assert dtype_of(op(x.astype("float16"))) == "float16"
    out = op(KerasTensor((None, 4), dtype="int16"))
    assert out.shape == (None, 4) and out.dtype == "float32"


def test_sinc_and_i0_gradients():
    x = np.array([0.0, 0.3, -1.7], "float32")
    (g,) = grads(ops.sinc, x)
    expected = [0.0] + [(np.pi * v * np.cos(np.pi * v) - np.sin(np.pi * v)) / (np.pi * v * v) for v in x[1:]]
    np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6)
    (g,) = grads(ops.i0, x)
    np.testing.assert_allclose(g, scipy.special.i1(x), rtol=1e-5, atol=1e-6)


# -- float-valued binary functions ---------------------------------------------------------------
NAN = np.array([[np.nan, 1.0, np.nan, -2.0]], "float32")


def test_fmax_fmin_ignore_nans():
    x = np.concatenate([A, NAN])
    y = np.concatenate([B, [[3.0, np.nan, np.nan, 5.0]]]).astype("float32")
    check(ops.fmax(x, y), np.fmax(x, y))
    check(ops.fmin(x, y), np.fmin(x, y))
    assert dtype_of(ops.fmax(I, J)) == "int32" and dtype_of(ops.fmin(BOOL, BOOL)) == "bool"
    check(ops.fmax(I, 2), np.fmax(I, 2))
    assert dtype_of(ops.fmax(I, 2)) == "int32" and dtype_of(ops.fmax(I, 2.5)) == "float32"
    assert dtype_of(ops.fmin(A.astype("float16"), 1.0)) == "float16"
    assert dtype_of(ops.fmax(I.astype("int8"), U)) == "int16"


def test_fmod_takes_the_sign_of_the_dividend():
    check(ops.fmod(I, J), np.fmod(I, J))
    check(ops.fmod(-I, J), np.fmod(-I, J))
    check(ops.fmod(A * 10, B), np.fmod(A * 10, B), rtol=1e-5, atol=1e-5)
    assert dtype_of(ops.fmod(I, J)) == "int32" and dtype_of(ops.fmod(A, I)) == "float32"
    assert dtype_of(ops.fmod(BOOL, BOOL)) == "int32"
    with np.errstate(divide="ignore"):
        check(ops.fmod(BOOL, BOOL), np.fmod(BOOL.astype("int32"), BOOL.astype("int32")))
        check(ops.fmod(I, I % 3), np.fmod(I, I % 3))  # integer division by zero gives 0
    (g1, g2) = grads(ops.fmod, A * 10, B)
    np.testing.assert_allclose(g1, np.ones_like(A))
    np.testing.assert_allclose(g2, -np.trunc((A * 10).astype("float64") / B), rtol=1e-6)


def test_logaddexp2():
    check(ops.logaddexp2(A * 50, B * 50), np.logaddexp2(A * 50, B * 50), rtol=1e-6)
    check(ops.logaddexp2(I, 3), np.logaddexp2(I, 3.0))
    assert dtype_of(ops.logaddexp2(I, J)) == "float32"
    g1, g2 = grads(ops.logaddexp2, A, B)
    np.testing.assert_allclose(g1, 2.0 ** A / (2.0 ** A + 2.0 ** B), rtol=1e-5)
    np.testing.assert_allclose(g1 + g2, np.ones_like(A), rtol=1e-6)


def test_heaviside():
    x = np.array([[-1.5, 0.0, 2.0, np.nan]], "float32")
    check(ops.heaviside(x, 0.5), np.heaviside(x, 0.5))
    h = np.array([[7.0], [0.25]], "float32")
    check(ops.heaviside(x, h), np.heaviside(x, h))
    out = ops.heaviside(np.array([-2, 0, 3], "int32"), np.array([9, 9, 9], "int32"))
    assert dtype_of(out) == "float32"
    check(out, [0.0, 9.0, 1.0])
    assert dtype_of(ops.heaviside(x.astype("float16"), 0.5)) == "float16"


def test_nextafter_steps_one_unit_in_the_last_place():
    for dtype in ("float32", "float16"):
        x = A.astype(dtype)
        up = npy(ops.nextafter(x, np.full_like(x, np.inf)))
        down = npy(ops.nextafter(x, np.zeros_like(x)))
        assert up.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(up, np.nextafter(x, np.asarray(np.inf, dtype)))
        np.testing.assert_array_equal(down, np.nextafter(x, np.asarray(0, dtype)))
    np.testing.assert_array_equal(npy(ops.nextafter(I, J)), np.nextafter(I.astype("float32"), J.astype("float32")))
    assert dtype_of(ops.nextafter(I, J)) == "float32"


def test_ldexp():
    e = rng.integers(-5, 6, size=(3, 4)).astype("int32")
    check(ops.ldexp(A, e), np.ldexp(A, e), rtol=1e-7)
    check(ops.ldexp(I, 3), np.ldexp(I, 3).astype("float32"))
    assert dtype_of(ops.ldexp(I, e)) == "float32" and dtype_of(ops.ldexp(A, e.astype("int8"))) == "float32"
    half = ops.ldexp(np.array([0.001, 3.0], "float16"), np.array([16, -20], "int32"))
    assert dtype_of(half) == "float16"
    np.testing.assert_allclose(npy(half), np.ldexp(np.array([0.001, 3.0], "float16").astype("float64"), [16, -20]),
                               rtol=1e-3)
    with pytest.raises(TypeError, match="x2.*float32"):
        ops.ldexp(A, B)
    with pytest.raises(TypeError, match="x2"):
        ops.ldexp(A, 2.0)


def test_float_binary_symbolic_broadcasts():
    for name in ("fmax", "fmin", "fmod", "logaddexp2", "heaviside", "nextafter"):
        out = getattr(ops, name)(KerasTensor((None, 4)), KerasTensor((1, 4)))
        assert out.shape == (None, 4) and out.dtype == "float32", name
    out = ops.ldexp(KerasTensor((None, 1), dtype="float16"), KerasTensor((3,), dtype="int32"))
    assert out.shape == (None, 3) and out.dtype == "float16"
    assert ops.fmax(KerasTensor((2, None), dtype="int8"), KerasTensor((2, 1), dtype="uint8")).dtype == "int16"


# -- bitwise and integer ops ---------------------------------------------------------------------
BITWISE = {"bitwise_and": np.bitwise_and, "bitwise_or": np.bitwise_or, "bitwise_xor": np.bitwise_xor}


@pytest.mark.parametrize("name", sorted(BITWISE))
def test_bitwise_binary(name):
    op, ref = getattr(ops, name), BITWISE[name]
    check(op(I, J), ref(I, J))
    check(op(U, np.uint8(0x5A)), ref(U, np.uint8(0x5A)))
    check(op(BOOL, ~BOOL), ref(BOOL, ~BOOL))
    assert dtype_of(op(BOOL, BOOL)) == "bool"
    assert dtype_of(op(U, 3)) == "uint8" and dtype_of(op(BOOL, 3)) == "int32"
    assert dtype_of(op(I.astype("int8"), U)) == "int16"
    check(op(y=J, x=I), ref(I, J))
    out = op(KerasTensor((None, 4), dtype="int16"), KerasTensor((4,), dtype="int16"))
    assert out.shape == (None, 4) and out.dtype == "int16"
    with pytest.raises(TypeError, match="`y`.*float32"):
        op(I, A)
    with pytest.raises(TypeError, match="`x`.*float16"):
        op(KerasTensor((2,), dtype="float16"), KerasTensor((2,), dtype="int32"))


@pytest.mark.parametrize("name", ["bitwise_not", "bitwise_invert"])
def test_bitwise_not(name):
    op = getattr(ops, name)
    check(op(I), np.invert(I))
    check(op(U), np.invert(U))
    check(op(BOOL), ~BOOL)
    assert dtype_of(op(U)) == "uint8" and dtype_of(op(BOOL)) == "bool"
    assert op(KerasTensor((None, 2), dtype="int8")).dtype == "int8"
    with pytest.raises(TypeError, match="`x`.*float32"):
        op(A)


@pytest.mark.parametrize("name,ref", [("bitwise_left_shift", np.left_shift), ("left_shift", np.left_shift),
                                      ("bitwise_right_shift", np.right_shift), ("right_shift", np.right_shift)])
def test_shifts(name, ref):
    op = getattr(ops, name)
    s = rng.integers(0, 8, size=(3, 4)).astype("int32")
    check(op(I, s), ref(I, s))
    check(op(U, 2), ref(U, 2))
    assert dtype_of(op(U, 2)) == "uint8" and dtype_of(op(BOOL, BOOL)) == "int32"
    check(op(BOOL, BOOL), ref(BOOL.astype("int32"), BOOL.astype("int32")))
    with pytest.raises(TypeError, match="`y`"):
        op(I, 1.5)


@pytest.mark.parametrize("name,ref", [("gcd", np.gcd), ("lcm", np.lcm)])
def test_gcd_lcm(name, ref):
    op = getattr(ops, name)
    x = np.concatenate([I, [[0, 0, -12, 7]]]).astype("int32")
    y = np.concatenate([J, [[0, 5, 18, -21]]]).astype("int32")
    check(op(x, y), ref(x, y))
    check(op(x, 6), ref(x, 6))
    assert dtype_of(op(x, y)) == "int32" and dtype_of(op(U, BOOL)) == "uint8"
    assert op(KerasTensor((None, 3), dtype="int16"), KerasTensor((1, 3), dtype="int8")).dtype == "int16"
    with pytest.raises(TypeError, match="`x2`.*float32"):
        op(x, A)
    with pytest.raises(TypeError, match="two boolean"):
        op(BOOL, BOOL)


# -- predicates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["isreal", "isneginf", "isposinf"])
def test_predicates(name):
    op, ref = getattr(ops, name), getattr(np, name)
    x = np.array([[np.inf, -np.inf, np.nan, 0.0], [1.0, -1.0, 3e38, -3e38]], "float32")
    np.testing.assert_array_equal(npy(op(x)), ref(x))
    np.testing.assert_array_equal(npy(op(I)), ref(I))
    np.testing.assert_array_equal(npy(op(BOOL)), ref(BOOL))
    assert dtype_of(op(x)) == "bool"
    out = op(KerasTensor((None, 3), dtype="float16"))
    assert out.shape == (None, 3) and out.dtype == "bool"


def test_allclose():
    y = A + 1e-7
    for rtol, atol in ((1e-5, 1e-8), (0.0, 0.0), (0.0, 0.5)):
        for other in (y, A + 0.3, A[:1]):
            got = ops.allclose(A, other, rtol=rtol, atol=atol)
            assert dtype_of(got) == "bool" and npy(got).shape == ()
            assert bool(npy(got)) == np.allclose(A, other, rtol=rtol, atol=atol)
    nan = np.array([1.0, np.nan], "float32")
    assert not bool(npy(ops.allclose(nan, nan))) and bool(npy(ops.allclose(nan, nan, equal_nan=True)))
    assert bool(npy(ops.allclose(np.array([1, 2]), np.array([2, 3]), atol=1))) == np.allclose([1, 2], [2, 3], atol=1)
    out = ops.allclose(KerasTensor((None, 4)), KerasTensor((4,)))
    assert out.shape == () and out.dtype == "bool"
    with pytest.raises(TypeError, match="rtol"):
        ops.allclose(A, B, rtol="big")


def test_empty_like():
    out = ops.empty_like(I)
    assert npy(out).shape == I.shape and dtype_of(out) == "int32"
    assert dtype_of(ops.empty_like(A, dtype="int8")) == "int8"
    sym = ops.empty_like(KerasTensor((None, 5), dtype="float16"), dtype="bool")
    assert sym.shape == (None, 5) and sym.dtype == "bool"
    with pytest.raises(ValueError, match="dtype"):
        ops.empty_like(A, dtype="float13")


# -- windows -------------------------------------------------------------------------------------
def _cosine_window(M, *coefficients):
    n = np.arange(M)
    phase = 2 * np.pi * n / max(M - 1, 1)
    return sum(c * np.cos(k * phase) for k, c in enumerate(coefficients)) if M > 1 else np.ones(M)


WINDOWS = {
    "bartlett": lambda M: 1 - np.abs(2 * np.arange(M) / max(M - 1, 1) - 1) if M > 1 else np.ones(M),
    "hanning": lambda M: _cosine_window(M, 0.5, -0.5),
    "hamming": lambda M: _cosine_window(M, 0.54, -0.46),
    "blackman": lambda M: _cosine_window(M, 0.42, -0.5, 0.08),
}


def _kaiser(M, beta):
    if M == 1:
        return np.ones(1)
    r = 2 * np.arange(M) / (M - 1) - 1
    return scipy.special.i0(beta * np.sqrt(1 - r * r)) / scipy.special.i0(beta)


@pytest.mark.parametrize("name", sorted(WINDOWS))
def test_windows(name):
    op = getattr(ops, name)
    for M in (0, 1, 2, 7):
        out = op(M)
        assert dtype_of(out) == "float32"
        check(out, WINDOWS[name](M), atol=1e-6)
    for M in (ops.convert_to_tensor(7), np.int64(7), 7.0):  # a length held by a tensor, NumPy or a float
        check(op(M), WINDOWS[name](7), atol=1e-6)
    with pytest.raises(ValueError, match="non-negative.*-1"):
        op(-1)
    with pytest.raises(TypeError, match="integer.*2.5"):
        op(2.5)
    with pytest.raises(TypeError, match="symbolic"):
        op(KerasTensor((), dtype="int32"))


def test_kaiser():
    for M, beta in ((0, 3.0), (1, 3.0), (7, 0.0), (7, 5.5), (7, 14)):
        out = ops.kaiser(M, beta)
        assert dtype_of(out) == "float32"
        check(out, _kaiser(M, beta), rtol=1e-5, atol=1e-6)
    check(ops.kaiser(ops.convert_to_tensor(7), ops.convert_to_tensor(2.0)), _kaiser(7, 2.0), atol=1e-6)
    with pytest.raises(TypeError, match="beta"):
        ops.kaiser(5, "wide")
    with pytest.raises(ValueError, match="non-negative"):
        ops.kaiser(-3, 1.0)


# -- constructors --------------------------------------------------------------------------------
def _logspace_ref(start, stop, num, endpoint=True, base=10.0, axis=0):
    start, stop = np.broadcast_arrays(np.asarray(start, "float64"), np.asarray(stop, "float64"))
    div = num - 1 if endpoint else num
    steps = np.arange(num).reshape((num,) + (1,) * start.ndim)
    y = start + steps * (stop - start) / div if div > 0 else start + 0 * steps
    return np.moveaxis(np.power(base, y), 0, axis)


def _geomspace_ref(start, stop, num, endpoint=True, axis=0):
    start, stop = np.broadcast_arrays(np.asarray(start, "float64"), np.asarray(stop, "float64"))
    out = np.sign(start) * _logspace_ref(np.log10(np.abs(start)), np.log10(np.abs(stop)), num, endpoint)
    return np.moveaxis(out, 0, axis)


@pytest.mark.parametrize("endpoint", [True, False])
def test_logspace_and_geomspace_scalars(endpoint):
    for start, stop, num in ((0, 3, 5), (1.5, -2.0, 5), (2, 2, 5), (0.0, 1.0, 1), (0, 1, 0)):
        out = ops.logspace(start, stop, num=num, endpoint=endpoint)
        assert dtype_of(out) == "float32"
        check(out, _logspace_ref(start, stop, num, endpoint), rtol=1e-5)
    check(ops.logspace(0, 5, num=5, base=2, endpoint=endpoint), _logspace_ref(0, 5, 5, endpoint, base=2.0))
    for start, stop, num in ((1, 1000, 5), (-2.0, -162.0, 5), (3, 0.5, 5), (5.0, 7.0, 1)):
        out = ops.geomspace(start, stop, num=num, endpoint=endpoint)
        assert dtype_of(out) == "float32"
        check(out, _geomspace_ref(start, stop, num, endpoint), rtol=1e-5)
    np.testing.assert_array_equal(npy(ops.logspace(0, 4, num=5, base=2, dtype="int32")), [1, 2, 4, 8, 16])
    assert dtype_of(ops.geomspace(1, 1000, num=5, dtype="int32")) == "int32"


def test_logspace_and_geomspace_arrays_along_an_axis():
    start, stop = np.array([1.0, 2.0], "float32"), np.array([[3.0, 0.5], [-1.0, 2.0]], "float32")
    for axis in (0, 1, -1):
        check(ops.logspace(start, stop, num=4, axis=axis), _logspace_ref(start, stop, 4, axis=axis), rtol=1e-5)
    check(ops.geomspace(start * 2, stop ** 2 + 1, num=4, axis=-2), _geomspace_ref(start * 2, stop ** 2 + 1, 4, axis=-2),
          rtol=1e-5)
    assert dtype_of(ops.logspace(start.astype("float16"), 2, num=3)) == "float16"
    assert dtype_of(ops.geomspace(np.array([1, 2], "int32"), 8, num=3)) == "float32"
    out = ops.geomspace(KerasTensor((None,)), KerasTensor((1,)), num=5, axis=-1)
    assert out.shape == (None, 5) and out.dtype == "float32"
    mixed = npy(ops.geomspace(-1.0, 100.0, num=3))
    assert mixed[0] == -1 and mixed[-1] == 100 and np.isnan(mixed[1])


def test_space_argument_errors():
    with pytest.raises(ValueError, match="zero"):
        ops.geomspace(0, 10)
    with pytest.raises(ValueError, match="`num`.*-1"):
        ops.logspace(0, 1, num=-1)
    with pytest.raises(TypeError, match="`num`.*2.5"):
        ops.geomspace(1, 2, num=2.5)
    with pytest.raises(ValueError, match="`axis`.*2"):
        ops.logspace(0, 1, num=3, axis=2)
    with pytest.raises(ValueError, match="dtype"):
        ops.logspace(0, 1, dtype="floaty")


def test_tri():
    for N, M, k in ((3, None, 0), (3, 5, 1), (3, 5, -2), (0, 3, 0), (3, 3, -5), (3, 5, 10)):
        out = ops.tri(N, M, k)
        assert dtype_of(out) == "float32"
        check(out, np.tri(N, M, k))
    assert dtype_of(ops.tri(3, dtype="int32")) == "int32" and dtype_of(ops.tri(2, dtype="bool")) == "bool"
    with pytest.raises(ValueError, match="`N`.*-2"):
        ops.tri(-2)
    with pytest.raises(TypeError, match="`M`"):
        ops.tri(3, M=2.0)
    with pytest.raises(TypeError, match="`k`"):
        ops.tri(3, k=None)


def test_vander():
    x = np.array([1.5, -2.0, 0.0, 3.0], "float32")
    for N, increasing in ((None, False), (None, True), (6, True), (0, True)):
        check(ops.vander(x, N=N, increasing=increasing), np.vander(x.astype("float64"), N, increasing), rtol=1e-6)
    xi = np.array([2, -3, 5, 7], "int32")
    out = ops.vander(xi, 4)
    assert dtype_of(out) == "int32"
    np.testing.assert_array_equal(npy(out), np.vander(xi, 4))
    assert dtype_of(ops.vander(x.astype("float16"))) == "float16"
    out = ops.vander(np.array([True, False, True, True]))
    assert dtype_of(out) == "int32"
    np.testing.assert_array_equal(npy(out), np.vander(np.array([1, 0, 1, 1])))
    (g,) = grads(lambda v: ops.vander(v, 4), x)
    np.testing.assert_allclose(g, 3 * x ** 2 + 2 * x + 1, rtol=1e-6)
    sym = ops.vander(KerasTensor((None,), dtype="int16"))
    assert sym.shape == (None, None) and sym.dtype == "int16"
    assert ops.vander(KerasTensor((None,)), N=3).shape == (None, 3)
    with pytest.raises(ValueError, match="1-D.*2"):
        ops.vander(A)
    with pytest.raises(ValueError, match="`N`.*-1"):
        ops.vander(x, N=-1)
    with pytest.raises(TypeError, match="increasing"):
        ops.vander(x, increasing="yes")


@pytest.mark.parametrize("source,target", [("float32", "int32"), ("float32", "uint8"), ("int32", "float16"),
                                           ("int8", "int32"), ("uint8", "int16"), ("int16", "bfloat16"),
                                           ("float32", "bool"), ("bool", "uint8")])
def test_view_reinterprets_bytes_like_numpy(source, target):
    x = (A * 1000).astype(source) if source != "bool" else BOOL
    if np.dtype(source).itemsize < 4:
        x = np.ascontiguousarray(np.concatenate([x] * 4, axis=1))
    out = ops.view(x, target)
    assert dtype_of(out) == target
    if target == "bfloat16":
        expected = x.view("uint16").astype("uint32") << 16
        np.testing.assert_array_equal(npy(out).astype("float32").view("uint32"), expected)
    elif target == "bool":
        np.testing.assert_array_equal(npy(out), x.view("uint8") != 0)
    else:
        np.testing.assert_array_equal(npy(out), x.view(target))


def test_view_shapes_and_errors():
    assert npy(ops.view(A)).dtype == np.float32
    sym = ops.view(KerasTensor((None, 8), dtype="float32"), "int16")
    assert sym.shape == (None, 16) and sym.dtype == "int16"
    sym = ops.view(KerasTensor((2, None), dtype="uint8"), "int32")
    assert sym.shape == (2, None) and sym.dtype == "int32"
    assert ops.view(KerasTensor((None, 4), dtype="int8"), "float32").shape == (None, 1)
    with pytest.raises(ValueError, match="not a multiple of 4"):
        ops.view(np.zeros((2, 3), "int8"), "int32")
    with pytest.raises(ValueError, match="scalar"):
        ops.view(np.float32(1.0), "int8")
    with pytest.raises(ValueError, match="dtype"):
        ops.view(A, "int3")


def test_ops_are_exported_under_both_paths():
    from cornu.backend import contract

    for name in contract.NUMPY_ELEMENTWISE:
        assert getattr(ops, name) is getattr(ops.numpy, name), name
        assert getattr(ops, name).__doc__, name
