"""cornu.ops NumPy array ops (NaN-aware reductions, percentiles, splits, rearranging, products,
correlations, indices, vectorize) against NumPy: values, dtypes, symbolic shapes, errors, gradients."""
import warnings

import numpy as np
import pytest

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)).astype("float32")
X[0, 1] = X[2, 0] = X[2, 3] = np.nan  # NaNs, but no all-NaN slice
A = rng.standard_normal((3, 4)).astype("float32")
SQ = (rng.standard_normal((2, 3, 3)) + 2 * np.eye(3)).astype("float32")


def np_quiet(fn, *args, **kwargs):
    """A NumPy reference with its all-NaN / degenerate-slice warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


def check(actual, expected, atol=1e-5):
    actual = ops.convert_to_numpy(actual)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=atol)
    assert actual.shape == np.shape(expected)


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def symbolic_matches(fn, *arrays):
    """The symbolic result has the eager result's shapes and dtypes (also for lists/tuples)."""
    eager = fn(*arrays)
    sym = fn(*[KerasTensor(a.shape, dtype=str(a.dtype)) for a in arrays])
    if isinstance(eager, (list, tuple)):
        assert len(sym) == len(eager)
        pairs = zip(sym, eager)
    else:
        pairs = [(sym, eager)]
    for s, e in pairs:
        assert tuple(s.shape) == tuple(e.shape)
        assert s.dtype == dtype_of(e)


# -- NaN-aware reductions -------------------------------------------------------------
NAN_REDUCTIONS = {
    "nanmax": np.nanmax, "nanmin": np.nanmin, "nanmean": np.nanmean, "nanmedian": np.nanmedian,
    "nansum": np.nansum, "nanprod": np.nanprod, "nanstd": np.nanstd, "nanvar": np.nanvar,
}


@pytest.mark.parametrize("name", sorted(NAN_REDUCTIONS))
@pytest.mark.parametrize("axis,keepdims", [(None, True), (1, False), ((0, 1), False)])
def test_nan_reductions(name, axis, keepdims):
    fn = getattr(ops, name)
    check(fn(X, axis=axis, keepdims=keepdims), NAN_REDUCTIONS[name](X, axis=axis, keepdims=keepdims))
    symbolic_matches(lambda x: fn(x, axis=axis, keepdims=keepdims), X)


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, True), (-1, False)])
def test_nan_arg_reductions(name, axis, keepdims):
    fn = getattr(ops, name)
    expected = getattr(np, name)(X, axis=axis, keepdims=keepdims)
    out = fn(X, axis=axis, keepdims=keepdims)
    check(out, expected)
    assert dtype_of(out) == "int32"
    symbolic_matches(lambda x: fn(x, axis=axis, keepdims=keepdims), X)


def test_all_nan_slices():
    x = np.array([[np.nan, np.nan, np.nan], [np.nan, -np.inf, -np.inf], [1.0, np.nan, 1.0]], "float32")
    # the first non-NaN extreme wins; an all-NaN slice gives -1 (NumPy raises there)
    check(ops.nanargmax(x, axis=1), [-1, 1, 0])
    check(ops.nanargmin(x, axis=1), [-1, 1, 0])
    for name in ("nanmax", "nanmin", "nanmean", "nanmedian", "nanstd", "nanvar", "nansum", "nanprod"):
        check(getattr(ops, name)(x, axis=1), np_quiet(getattr(np, name), x, axis=1))
    finite = np.nan_to_num(x, nan=np.nan, neginf=-2.0)
    check(ops.nanquantile(finite, 0.3, axis=1), np_quiet(np.nanquantile, finite, 0.3, axis=1))


def test_nan_reductions_on_unknown_batch():
    x = KerasTensor((None, 4))
    assert ops.nanmean(x, axis=1).shape == (None,)
    assert ops.nanmax(x, axis=0, keepdims=True).shape == (1, 4)
    assert ops.nanargmax(x, axis=1).shape == (None,)
    assert ops.nanquantile(x, [0.2, 0.8], axis=1).shape == (2, None)
    assert ops.nancumsum(x, axis=1).shape == (None, 4)
    assert ops.nancumsum(x).shape == (None,)


@pytest.mark.parametrize("name,ref", [("nancumsum", np.nancumsum), ("nancumprod", np.nancumprod)])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_nan_cumulative(name, ref, axis):
    fn = getattr(ops, name)
    check(fn(X, axis=axis), ref(X, axis=axis))
    symbolic_matches(lambda x: fn(x, axis=axis), X)
    out = fn(np.array([[1, 2], [3, 4]], "int32"), axis=0, dtype="float32")
    assert dtype_of(out) == "float32"
    check(out, ref(np.array([[1, 2], [3, 4]]), axis=0))


def test_gradients_skip_nans():
    data = X.copy()
    valid = ~np.isnan(data)
    for name in ("nansum", "nanmean", "nanvar"):
        x = cornu.Variable(data)
        _, _, grads = backend.compute_gradients(lambda: (getattr(ops, name)(x, axis=1).sum(), None), [x])
        g = ops.convert_to_numpy(grads[0])
        n = valid.sum(1, keepdims=True)
        mean = np.nanmean(data, axis=1, keepdims=True)
        expected = {"nansum": np.ones_like(data), "nanmean": np.ones_like(data) / n,
                    "nanvar": 2 * (data - mean) / n}[name]
        np.testing.assert_allclose(g, np.where(valid, expected, 0.0), rtol=1e-5, atol=1e-6)


# -- quantiles and ranges ------------------------------------------------------------
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


@pytest.mark.parametrize("method", METHODS)
def test_quantile_methods(method):
    check(ops.nanquantile(X, [0.1, 0.5, 0.9], axis=1, method=method),
          np.nanquantile(X, [0.1, 0.5, 0.9], axis=1, method=method))
    kwargs = dict(axis=0, method=method, keepdims=True)
    check(ops.percentile(A, [50, 75], **kwargs), np.percentile(A, [50, 75], **kwargs), atol=1e-4)
    symbolic_matches(lambda x: ops.percentile(x, [50, 75], **kwargs), A)


def test_quantile_axes():
    for q, axis, keepdims in [(0.35, (0, 1), True), (0.5, None, False), ([0.2, 0.6], 0, False)]:
        kwargs = dict(axis=axis, keepdims=keepdims)
        check(ops.nanquantile(X, q, **kwargs), np.nanquantile(X, q, **kwargs))
        symbolic_matches(lambda x: ops.nanquantile(x, q, **kwargs), X)
    check(ops.nanpercentile(X, [25, 50], axis=1), np.nanpercentile(X, [25, 50], axis=1), atol=1e-4)
    check(ops.percentile(A, 50), np.percentile(A, 50), atol=1e-4)


def test_percentile_propagates_nan_and_takes_tensor_q():
    check(ops.percentile(X, 50, axis=1), np.percentile(X, 50, axis=1))
    q = np.array([20.0, 70.0], "float32")
    check(ops.nanpercentile(X, ops.convert_to_tensor(q), axis=0), np.nanpercentile(X, q, axis=0), atol=1e-4)
    assert ops.percentile(KerasTensor((None, 4)), KerasTensor((2,)), axis=1).shape == (2, None)


def test_ptp():
    for axis, keepdims in [(None, False), (0, True), (1, False)]:
        check(ops.ptp(A, axis=axis, keepdims=keepdims), np.ptp(A, axis=axis, keepdims=keepdims))
        symbolic_matches(lambda x: ops.ptp(x, axis=axis, keepdims=keepdims), A)
    out = ops.ptp(np.array([[3, 9, 1]], "int32"), axis=1)
    assert dtype_of(out) == "int32"
    check(out, [8])


F16 = np.array([[1.5, 2.0, -1.0], [0.5, 3.0, 2.0]], "float16")
I32 = np.array([[3, 1, 2], [0, 5, 4]], "int32")
BOOL = I32 > 1
DTYPE_CASES = {  # op -> expected output dtype for float16, int32 and bool inputs (Keras's rules)
    "nanmax": ("float16", "int32", "bool"),
    "nanmean": ("float16", "float32", "float32"),
    "nanquantile": ("float16", "float32", "float32"),
    "percentile": ("float16", "float32", "float32"),
    "nansum": ("float16", "int32", "int32"),
    "nancumsum": ("float16", "int32", "int32"),
    "nanargmin": ("int32", "int32", "int32"),
    "argpartition": ("int32", "int32", "int32"),
    "trapezoid": ("float16", "float32", "float32"),
    "corrcoef": ("float16", "float32", "float32"),
    "correlate": ("float16", "float32", "float32"),
    "kron": ("float16", "int32", "bool"),
    "inner": ("float16", "int32", "bool"),
    "isin": ("bool", "bool", "bool"),
}
CALLS = {
    "nanquantile": lambda x: ops.nanquantile(x, 0.3, axis=1),
    "percentile": lambda x: ops.percentile(x, [10, 60]),
    "argpartition": lambda x: ops.argpartition(x, 1),
    "correlate": lambda x: ops.correlate(x[0], x[1], mode="full"),
    "kron": lambda x: ops.kron(x, x),
    "inner": lambda x: ops.inner(x, x),
    "isin": lambda x: ops.isin(x, x[:1]),
}


@pytest.mark.parametrize("name", sorted(DTYPE_CASES))
def test_output_dtypes(name):
    call = CALLS.get(name, lambda x: getattr(ops, name)(x))
    for x, expected in zip((F16, I32, BOOL), DTYPE_CASES[name]):
        assert dtype_of(call(x)) == expected, (name, x.dtype)
        if name != "correlate":  # correlate takes 1-D inputs: its symbolic dtype is checked below
            assert call(KerasTensor(x.shape, dtype=str(x.dtype))).dtype == expected, (name, x.dtype)


def test_small_integers_accumulate_in_32_bits():
    small = np.array([[3, 1], [2, 4]], "int8")
    assert dtype_of(ops.nansum(small)) == dtype_of(ops.nanprod(small, axis=0)) == "int32"
    assert dtype_of(ops.nancumprod(small)) == "int8"
    unsigned = "int32" if backend.backend() == "torch" else "uint32"  # torch: no uint32 arithmetic (as Keras)
    assert dtype_of(ops.nansum(small.astype("uint8"))) == unsigned
    check(ops.nanprod(small, axis=0), [6, 4])


# -- partitions and splits --------------------------------------------------------------
@pytest.mark.parametrize("kth,axis", [(1, -1), (-1, 0), (2, None), (0, 1)])
def test_argpartition_partitions(kth, axis):
    x = A if axis is not None else A.reshape(-1)
    idx = ops.convert_to_numpy(ops.argpartition(A, kth, axis=axis))
    ax = -1 if axis is None else axis
    part = np.take_along_axis(x, idx, axis=ax)
    ref = np.sort(x, axis=ax)
    k = kth % x.shape[ax]
    np.testing.assert_array_equal(np.take(part, k, axis=ax), np.take(ref, k, axis=ax))
    assert np.all(np.take(part, range(k), axis=ax) <= np.expand_dims(np.take(ref, k, axis=ax), ax))
    assert np.all(np.take(part, range(k + 1, x.shape[ax]), axis=ax)
                  >= np.expand_dims(np.take(ref, k, axis=ax), ax))
    np.testing.assert_array_equal(np.sort(idx, axis=ax), np.sort(np.argsort(x, axis=ax), axis=ax))
    symbolic_matches(lambda v: ops.argpartition(v, kth, axis=axis), A)


def check_parts(parts, expected):
    assert isinstance(parts, list) and len(parts) == len(expected)
    for p, e in zip(parts, expected):
        check(p, e)


def test_splits():
    x = np.arange(60, dtype="float32").reshape(3, 4, 5)
    for sections, axis in [(2, 2), (3, 1), (3, 0), (4, 2)]:
        check_parts(ops.array_split(x, sections, axis=axis), np.array_split(x, sections, axis=axis))
        symbolic_matches(lambda v: ops.array_split(v, sections, axis=axis), x)
    for name in ("hsplit", "vsplit", "dsplit"):
        for ios in ([1, 3], {"hsplit": 2, "vsplit": 3, "dsplit": 5}[name]):
            check_parts(getattr(ops, name)(x, ios), getattr(np, name)(x, ios))
            symbolic_matches(lambda v: getattr(ops, name)(v, ios), x)
    check_parts(ops.hsplit(np.arange(6.0), 3), np.hsplit(np.arange(6.0), 3))


def test_splits_along_an_unknown_axis():
    x = KerasTensor((None, 6))
    assert [p.shape for p in ops.vsplit(x, 3)] == [(None, 6)] * 3
    assert [p.shape for p in ops.array_split(x, 2)] == [(None, 6)] * 2
    assert [p.shape for p in ops.array_split(x, 4, axis=1)] == [(None, 2), (None, 2), (None, 1), (None, 1)]
    assert [p.shape for p in ops.hsplit(x, [1, 4])] == [(None, 1), (None, 3), (None, 2)]
    assert [p.shape for p in ops.vsplit(x, [2])] == [(2, 6), (None, 6)]


# -- stacking and rearranging ----------------------------------------------------------------
def test_stacking_and_rearranging():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    cases = [
        (lambda a: ops.dstack([a, a[..., :2]]), lambda a: np.dstack([a, a[..., :2]]), x),
        (lambda a: ops.dstack([a, a]), lambda a: np.dstack([a, a]), A),
        (lambda a: ops.dstack([a[0], a[1]]), lambda a: np.dstack([a[0], a[1]]), A),
        (lambda a: ops.append(a, a[:1]), lambda a: np.append(a, a[:1]), A),
        (lambda a: ops.append(a, a[:1], axis=0), lambda a: np.append(a, a[:1], axis=0), A),
        (lambda a: ops.append(a, a[:, :2], axis=-1), lambda a: np.append(a, a[:, :2], axis=-1), A),
        (ops.diagonal, np.diagonal, A),
        (lambda a: ops.diagonal(a, offset=1, axis1=2, axis2=0), lambda a: np.diagonal(a, 1, 2, 0), x),
        (lambda a: ops.diagonal(a, offset=-1, axis1=-2, axis2=-1), lambda a: np.diagonal(a, -1, -2, -1), x),
        (ops.diagflat, np.diagflat, A),
        (lambda a: ops.diagflat(a[0], k=-2), lambda a: np.diagflat(a[0], k=-2), A),
        (ops.rot90, np.rot90, x),
        (lambda a: ops.rot90(a, k=3, axes=(2, 0)), lambda a: np.rot90(a, 3, axes=(2, 0)), x),
        (lambda a: ops.rot90(a, k=-2, axes=(1, 2)), lambda a: np.rot90(a, -2, axes=(1, 2)), x),
        (ops.fliplr, np.fliplr, x),
        (ops.flipud, np.flipud, x),
    ]
    for fn, ref, data in cases:
        check(fn(data), ref(data))
        symbolic_matches(fn, data)
    mixed = ops.append(np.array([1, 2], "int32"), np.array([0.5], "float32"))
    assert dtype_of(mixed) == "float32"
    check(mixed, [1.0, 2.0, 0.5])


def test_rearranging_on_unknown_batch():
    x = KerasTensor((None, 3, 4))
    assert ops.dstack([x, x]).shape == (None, 3, 8)
    assert ops.append(x, x, axis=0).shape == (None, 3, 4)
    assert ops.append(x, x).shape == (None,)
    assert ops.diagonal(x, axis1=1, axis2=2).shape == (None, 3)
    assert ops.rot90(x, axes=(1, 2)).shape == (None, 4, 3)
    assert ops.fliplr(x).shape == ops.flipud(x).shape == (None, 3, 4)
    assert ops.diagflat(KerasTensor((None,))).shape == (None, None)


# -- products, integrals and correlations -------------------------------------------------------
def test_products():
    b = rng.standard_normal((2, 3)).astype("float32")
    for x1, x2 in [(A, b), (A[0], b), (b[0], A)]:
        check(ops.kron(x1, x2), np.kron(x1, x2), atol=1e-5)
        symbolic_matches(ops.kron, x1, x2)
    for x1, x2 in [(A, A), (A[0], A), (SQ, A[:, :3]), (np.float32(2.5), A)]:
        check(ops.inner(x1, x2), np.inner(x1, x2), atol=1e-5)
        symbolic_matches(ops.inner, np.asarray(x1), x2)
    check(ops.inner(I32, I32), np.inner(I32, I32))
    check(ops.inner(BOOL, BOOL), np.inner(BOOL, BOOL))
    check(ops.kron(BOOL, BOOL[:1]), np.kron(BOOL, BOOL[:1]))
    assert ops.inner(KerasTensor((None, 4)), KerasTensor((5, 4))).shape == (None, 5)


def test_trapezoid():
    xs = np.cumsum(np.abs(A) + 0.1, axis=-1).astype("float32")
    check(ops.trapezoid(A), np.trapezoid(A))
    check(ops.trapezoid(A, dx=0.5, axis=0), np.trapezoid(A, dx=0.5, axis=0))
    check(ops.trapezoid(A, x=xs[0]), np.trapezoid(A, x=xs[0]), atol=1e-5)
    check(ops.trapezoid(A, x=xs), np.trapezoid(A, x=xs), atol=1e-5)
    check(ops.trapezoid(I32), np.trapezoid(I32))
    symbolic_matches(lambda y: ops.trapezoid(y, axis=0), A)
    assert ops.trapezoid(KerasTensor((None, 4))).shape == (None,)
    y = cornu.Variable(A)
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(ops.trapezoid(y, dx=2.0)), None), [y])
    w = np.full(4, 2.0)
    w[[0, -1]] = 1.0
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), np.broadcast_to(w, A.shape), rtol=1e-6)


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("n,m", [(6, 3), (4, 4), (2, 5), (5, 2), (1, 4)])
def test_correlate(mode, n, m):
    a = rng.standard_normal(n).astype("float32")
    v = rng.standard_normal(m).astype("float32")
    check(ops.correlate(a, v, mode=mode), np.correlate(a, v, mode=mode), atol=1e-5)
    symbolic_matches(lambda x1, x2: ops.correlate(x1, x2, mode=mode), a, v)


def test_correlate_integers_and_gradient():
    a, v = np.array([1, 2, 3, 4], "int32"), np.array([1, -1], "int32")
    out = ops.correlate(a, v)
    assert dtype_of(out) == "float32"
    check(out, np.correlate(a, v))
    x = cornu.Variable(np.array([1.0, 2.0, 3.0, 4.0], "float32"))
    _, _, grads = backend.compute_gradients(
        lambda: (ops.sum(ops.correlate(x, np.array([2.0, -1.0], "float32"), mode="full")), None), [x])
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), [1.0, 1.0, 1.0, 1.0])


def test_corrcoef():
    check(ops.corrcoef(A), np.corrcoef(A), atol=1e-5)
    check(ops.corrcoef(A[0]), np.corrcoef(A[0]))
    check(ops.corrcoef(I32), np.corrcoef(I32), atol=1e-5)
    symbolic_matches(ops.corrcoef, A)
    assert ops.corrcoef(KerasTensor((None, 7))).shape == (None, None)


def test_isin():
    x = np.array([[1, 2, 3], [4, 5, 2]], "int32")
    for test, invert in [(np.array([2, 5], "int32"), False), (np.array([2.0, 9.0], "float32"), True)]:
        check(ops.isin(x, test, invert=invert), np.isin(x, test, invert=invert))
        symbolic_matches(lambda a, b: ops.isin(a, b, invert=invert), x, test)
    check(ops.isin(x, [3, 4], assume_unique=True), np.isin(x, [3, 4]))
    check(ops.isin(BOOL, np.array([True])), np.isin(BOOL, [True]))


# -- indices ---------------------------------------------------------------------------------
def test_nonzero():
    x = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]], "float32")
    for data in (x, BOOL.reshape(1, 2, 3)):
        out = ops.nonzero(data)
        assert isinstance(out, tuple) and len(out) == data.ndim
        for o, e in zip(out, np.nonzero(data)):
            check(o, e)
            assert dtype_of(o) == "int32"
    sym = ops.nonzero(KerasTensor((None, 3)))
    assert isinstance(sym, tuple) and [(s.shape, s.dtype) for s in sym] == [((None,), "int32")] * 2


def test_unravel_index():
    cases = [(np.array([1, 5, 11], "int32"), (3, 4)), (np.array([[0, 23], [7, 9]], "int32"), (2, 3, 4))]
    for indices, shape in cases:
        out = ops.unravel_index(indices, shape)
        assert isinstance(out, tuple) and len(out) == len(shape)
        for o, e in zip(out, np.unravel_index(indices, shape)):
            check(o, e)
            assert dtype_of(o) == "int32"
        symbolic_matches(lambda i: ops.unravel_index(i, shape), indices)
    check(ops.unravel_index(7, (3, 4))[1], 3)
    assert [o.shape for o in ops.unravel_index(KerasTensor((None,), dtype="int32"), (3, 4))] == [(None,)] * 2


def test_slogdet():
    for x in (SQ[0], SQ):
        sign, logdet = ops.slogdet(x)
        ref_sign, ref_logdet = np.linalg.slogdet(x)
        check(sign, ref_sign)
        check(logdet, ref_logdet, atol=1e-5)
        symbolic_matches(ops.slogdet, x)
    assert dtype_of(ops.slogdet(np.array([[2, 1], [1, 3]], "int32"))[1]) == "float32"
    assert [s.shape for s in ops.slogdet(KerasTensor((None, 3, 3)))] == [(None,), (None,)]
    x = cornu.Variable(SQ[0])
    _, _, grads = backend.compute_gradients(lambda: (ops.slogdet(x)[1], None), [x])
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), np.linalg.inv(SQ[0]).T, rtol=1e-4, atol=1e-5)


# -- vectorize --------------------------------------------------------------------------------
def test_vectorize_broadcasts_scalar_functions():
    f = ops.vectorize(lambda a, b: a * b + 1.0)
    a, b = np.arange(3, dtype="float32"), np.arange(2, dtype="float32").reshape(2, 1)
    check(f(a, b), a * b + 1.0)
    assert tuple(f(KerasTensor((None, 1)), a).shape) == (None, 3)


def test_vectorize_with_signature_and_excluded():
    row_norm = ops.vectorize(lambda v: ops.sqrt(ops.sum(v * v)), signature="(n)->()")
    check(row_norm(A), np.linalg.norm(A, axis=-1))
    matvec = ops.vectorize(lambda m, v: ops.matmul(m, v), signature="(m,n),(n)->(m)")
    vecs = rng.standard_normal((4, 1, 3)).astype("float32")
    check(matvec(SQ, vecs), np.einsum("bmn,kbn->kbm", SQ, np.broadcast_to(vecs, (4, 2, 3))), atol=1e-5)
    assert matvec(KerasTensor((None, 2, 3)), KerasTensor((3,))).shape == (None, 2)

    def scale(x, factor, mode):
        return x * factor if mode == "mul" else x + factor

    g = ops.vectorize(scale, excluded={2, "mode"})
    check(g(A, 2.0, "mul"), A * 2.0)
    check(g(A, np.float32(2.0), mode="add"), A + 2.0)
    split = ops.vectorize(lambda v: (ops.max(v), ops.min(v)), signature="(n)->(),()")
    hi, lo = split(A)
    check(hi, A.max(-1))
    check(lo, A.min(-1))


# -- bad arguments -----------------------------------------------------------------------------
BAD_CALLS = [
    (lambda: ops.array_split(A, [1, 2]), TypeError, "indices_or_sections"),
    (lambda: ops.array_split(A, 0), ValueError, "indices_or_sections"),
    (lambda: ops.array_split(A, 2, axis=0.5), TypeError, "axis"),
    (lambda: ops.hsplit(A, 3), ValueError, "indices_or_sections"),
    (lambda: ops.vsplit(A[0], 1), ValueError, "rank >= 2"),
    (lambda: ops.dsplit(KerasTensor((None, 4)), 2), ValueError, "rank >= 3"),
    (lambda: ops.correlate(A[0], A[1], mode="wide"), ValueError, "mode"),
    (lambda: ops.correlate(A, A[0]), ValueError, "x1"),
    (lambda: ops.nanpercentile(A, 50, method="closest"), ValueError, "method"),
    (lambda: ops.nanquantile(KerasTensor((2, 3)), 0.5, method="closest"), ValueError, "method"),
    (lambda: ops.argpartition(A, 1.5), ValueError, "kth"),
    (lambda: ops.argpartition(A, 4), ValueError, "kth"),
    (lambda: ops.rot90(A, axes=(1, 1)), ValueError, "axes"),
    (lambda: ops.rot90(A[0]), ValueError, "rank >= 2"),
    (lambda: ops.diagonal(A, axis1=1, axis2=-1), ValueError, "axis1"),
    (lambda: ops.fliplr(A[0]), ValueError, "rank >= 2"),
    (lambda: ops.append(A, A[:, :2], axis=0), ValueError, "same shape"),
    (lambda: ops.ptp(BOOL), TypeError, "bool"),
    (lambda: ops.unravel_index(np.array([1.0, 2.0]), (3, 4)), TypeError, "indices"),
    (lambda: ops.slogdet(A), ValueError, "square"),
    (lambda: ops.inner(A, SQ), ValueError, "last axes"),
    (lambda: ops.corrcoef(SQ), ValueError, "1-D or 2-D"),
    (lambda: ops.nonzero(np.float32(1.0)), ValueError, "rank >= 1"),
    (lambda: ops.nonzero(KerasTensor(())), ValueError, "rank >= 1"),
    (lambda: ops.vectorize(3), ValueError, "pyfunc"),
    (lambda: ops.vectorize(abs, signature="(n->()")(A), ValueError, "signature"),
    (lambda: ops.nanmax(A, axis=2), ValueError, "axis"),
]


@pytest.mark.parametrize("call,error,words", BAD_CALLS, ids=range(len(BAD_CALLS)))
def test_bad_arguments(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call()
