"""cornu.ops.linalg against NumPy/SciPy: values, dtypes, symbolic shapes, errors and gradients."""
import numpy as np
import pytest
import scipy.linalg

import cornu
from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 3)).astype("float32")
R = rng.standard_normal((4, 3)).astype("float32")  # a tall matrix
BATCH = rng.standard_normal((2, 3, 3)).astype("float32")
SPD = (A @ A.T + 3 * np.eye(3)).astype("float32")
SPD_BATCH = (BATCH @ np.swapaxes(BATCH, -1, -2) + 3 * np.eye(3)).astype("float32")
B_VEC = rng.standard_normal(3).astype("float32")
B_MAT = rng.standard_normal((3, 2)).astype("float32")


def np_(x):
    return ops.convert_to_numpy(x)


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def check(actual, expected, atol=1e-4, rtol=1e-4):
    actual = np_(actual)
    assert actual.shape == np.shape(expected)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def symbolic_matches(fn, *arrays, batch=True):
    """Symbolic outputs (with a None batch axis when ``batch``) match the eager outputs in shape and dtype."""
    specs = [KerasTensor(((None,) + a.shape[1:]) if batch else a.shape, dtype=str(a.dtype)) for a in arrays]
    sym, eager = fn(*specs), fn(*arrays)
    sym, eager = (sym, eager) if isinstance(sym, (tuple, list)) else ((sym,), (eager,))
    for s, e in zip(sym, eager):
        expected = tuple(e.shape)
        assert tuple(s.shape) == ((None,) + expected[1:] if batch else expected)
        assert s.dtype == dtype_of(e)


# -- values ---------------------------------------------------------------------------
def test_cholesky_lower_and_upper_factors():
    check(ops.cholesky(SPD), np.linalg.cholesky(SPD))
    check(ops.linalg.cholesky(SPD, upper=True), np.linalg.cholesky(SPD).T)
    check(ops.cholesky(SPD_BATCH), np.linalg.cholesky(SPD_BATCH))
    # only the lower (upper) triangle is read
    lower_only = np.tril(SPD) + np.triu(np.full((3, 3), 7.0, "float32"), 1)
    check(ops.cholesky(lower_only), np.linalg.cholesky(SPD))
    check(ops.cholesky(lower_only.T, upper=True), np.linalg.cholesky(SPD).T)
    symbolic_matches(ops.cholesky, SPD_BATCH)


def test_cholesky_of_a_matrix_that_is_not_positive_definite_raises():
    with pytest.raises(ValueError, match="positive-definite"):
        ops.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]], "float32"))


def test_cholesky_inverse_takes_the_factor():
    lower = np.linalg.cholesky(SPD_BATCH)
    check(ops.cholesky_inverse(lower), np.linalg.inv(SPD_BATCH))
    check(ops.cholesky_inverse(np.swapaxes(lower, -1, -2), upper=True), np.linalg.inv(SPD_BATCH))
    symbolic_matches(ops.cholesky_inverse, lower.astype("float32"))


def test_det_inv_batched():
    check(ops.det(BATCH), np.linalg.det(BATCH))
    check(ops.inv(BATCH), np.linalg.inv(BATCH), atol=1e-3)
    symbolic_matches(ops.det, BATCH)
    symbolic_matches(ops.inv, BATCH)


def test_eig_satisfies_the_eigen_equation_and_is_complex():
    w, v = ops.eig(A)
    assert dtype_of(w) == "complex64" and dtype_of(v) == "complex64"
    w, v = np_(w), np_(v)
    np.testing.assert_allclose(A @ v, v * w[None, :], atol=1e-4)
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.linalg.eigvals(A)), atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(v, axis=0), 1.0, atol=1e-5)
    symbolic_matches(ops.eig, BATCH)


def test_eigh_reads_the_lower_triangle_like_numpy():
    messy = np.tril(SPD) + np.triu(rng.standard_normal((3, 3)).astype("float32"), 1)
    w, v = ops.eigh(messy)
    w_ref, v_ref = np.linalg.eigh(messy)
    check(w, w_ref)
    np.testing.assert_allclose(np.abs(np_(v).T @ v_ref), np.eye(3), atol=1e-4)  # same vectors up to sign
    symbolic_matches(ops.eigh, SPD_BATCH)


def test_lu_factor_matches_scipy_with_zero_based_pivots():
    lu, piv = ops.lu_factor(A)
    lu_ref, piv_ref = scipy.linalg.lu_factor(A)
    check(lu, lu_ref)
    assert dtype_of(piv) == "int32"
    np.testing.assert_array_equal(np_(piv), piv_ref)
    lu, piv = ops.lu_factor(BATCH)
    for i in range(2):
        np.testing.assert_array_equal(np_(piv)[i], scipy.linalg.lu_factor(BATCH[i])[1])
    lu, piv = ops.lu_factor(R)  # rectangular: (4, 3) and 3 pivots
    assert tuple(lu.shape) == (4, 3) and tuple(piv.shape) == (3,)
    symbolic_matches(ops.lu_factor, BATCH)


@pytest.mark.parametrize("ord,axis", [
    (None, None), (None, 1), (1, 0), (3, -1), (0, 1), (np.inf, 1), (-np.inf, 0), (-1, 1), (0.5, 1),
    ("fro", (0, 1)), ("nuc", (0, 1)), (2, (0, 1)), (-2, (0, 1)), (1, (0, 1)), (-1, (1, 0)),
    (np.inf, (0, 1)), (-np.inf, (0, 1)), (2, None), ("nuc", None),
])
def test_norm_matches_numpy(ord, axis):
    for keepdims in (False, True):
        check(ops.norm(R, ord=ord, axis=axis, keepdims=keepdims),
              np.linalg.norm(R, ord=ord, axis=axis, keepdims=keepdims), atol=1e-4)
    symbolic_matches(lambda x: ops.norm(x, ord=ord, axis=axis), R, batch=False)


def test_norm_of_batches_and_integers():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) - 10
    check(ops.norm(x), np.linalg.norm(x.ravel()))
    check(ops.norm(x, ord=2, axis=(1, 2)), np.linalg.norm(x, ord=2, axis=(1, 2)), atol=1e-3)
    check(ops.norm(x, axis=-1, keepdims=True), np.linalg.norm(x, axis=-1, keepdims=True))
    out = ops.norm(np.array([3, 4], "int32"))
    assert dtype_of(out) == "float32" and np.isclose(np_(out), 5.0)
    symbolic_matches(lambda t: ops.norm(t, axis=-1), x)


def test_qr_in_both_modes_and_the_same_op_in_math():
    assert ops.linalg.qr is ops.math.qr is ops.qr
    q, r = ops.qr(R)
    q_ref, r_ref = np.linalg.qr(R)
    signs = np.sign(np.diag(np_(r)) * np.diag(r_ref))  # columns are unique up to sign
    check(np_(q) * signs, q_ref)
    check(np_(q) @ np_(r), R)
    q, r = ops.qr(R, mode="complete")
    assert tuple(q.shape) == (4, 4) and tuple(r.shape) == (4, 3)
    check(np_(q) @ np_(r), R)
    symbolic_matches(lambda x: ops.qr(x, mode="complete"), np.stack([R, R]))


@pytest.mark.parametrize("b", [B_VEC, B_MAT], ids=["vector", "matrix"])
def test_solve_and_solve_triangular(b):
    check(ops.solve(A, b), np.linalg.solve(A, b), atol=1e-3)
    check(ops.solve_triangular(A, b, lower=True), scipy.linalg.solve_triangular(A, b, lower=True), atol=1e-3)
    check(ops.solve_triangular(A, b), scipy.linalg.solve_triangular(A, b, lower=False), atol=1e-3)
    symbolic_matches(ops.solve, A, b, batch=False)
    symbolic_matches(ops.solve_triangular, A, b, batch=False)


def test_solve_batched_with_vector_and_broadcast_right_hand_sides():
    vecs = rng.standard_normal((2, 3)).astype("float32")  # one vector per matrix
    expected = np.stack([np.linalg.solve(BATCH[i], vecs[i]) for i in range(2)])
    check(ops.solve(BATCH, vecs), expected, atol=1e-3)
    expected = np.stack([scipy.linalg.solve_triangular(BATCH[i], B_MAT, lower=True) for i in range(2)])
    check(ops.solve_triangular(BATCH, B_MAT[None], lower=True), expected, atol=1e-3)  # batch axis broadcasts
    symbolic_matches(ops.solve, BATCH, vecs)


def test_svd_full_reduced_and_values_only():
    u, s, vh = ops.svd(R)
    assert tuple(u.shape) == (4, 4) and tuple(vh.shape) == (3, 3)
    check(s, np.linalg.svd(R, compute_uv=False))
    u, s, vh = ops.svd(R, full_matrices=False)
    check((np_(u) * np_(s)) @ np_(vh), R)
    check(ops.svd(BATCH, compute_uv=False), np.linalg.svd(BATCH, compute_uv=False))
    symbolic_matches(ops.svd, np.stack([R, R]))
    symbolic_matches(lambda x: ops.svd(x, full_matrices=False), np.stack([R, R]))


def test_lstsq_matches_numpy():
    b = rng.standard_normal((4, 2)).astype("float32")
    check(ops.lstsq(R, b), np.linalg.lstsq(R, b, rcond=None)[0], atol=1e-4)
    check(ops.lstsq(R, b[:, 0]), np.linalg.lstsq(R, b[:, 0], rcond=None)[0], atol=1e-4)
    # rank-deficient: the minimum-norm solution; rcond cuts small singular values
    deficient = np.concatenate([R[:, :2], R[:, :1]], axis=1)
    check(ops.lstsq(deficient, b, rcond=1e-5), np.linalg.lstsq(deficient, b, rcond=1e-5)[0], atol=1e-3)
    symbolic_matches(ops.lstsq, R, b, batch=False)


def test_matrix_rank_and_pinv():
    deficient = np.stack([R, np.concatenate([R[:, :2], R[:, :1] * 2], axis=1)])
    out = ops.matrix_rank(deficient)
    assert dtype_of(out) == "int32"
    np.testing.assert_array_equal(np_(out), np.linalg.matrix_rank(deficient))
    s_min = np.linalg.svd(R, compute_uv=False).min()
    assert int(np_(ops.matrix_rank(R, tol=s_min * 1.01))) == 2
    check(ops.pinv(deficient), np.linalg.pinv(deficient, rcond=1e-5), atol=1e-3)
    check(ops.pinv(R, rcond=0.5), np.linalg.pinv(R, rcond=0.5), atol=1e-4)
    symbolic_matches(ops.matrix_rank, deficient)
    symbolic_matches(ops.pinv, deficient)


def test_integer_inputs_compute_in_floatx_and_float64_is_kept():
    ints = np.array([[2, 1, 0], [1, 3, 1], [0, 1, 4]], "int32")
    for name in ("det", "inv", "cholesky", "pinv"):
        out = getattr(ops, name)(ints)
        assert dtype_of(out) == "float32", name
        check(out, getattr(np.linalg, name)(ints.astype("float64")), atol=1e-4)
    wide = SPD.astype("float64")
    engine_float64 = dtype_of(ops.convert_to_tensor(wide))  # float32 where JAX runs without x64
    for name in ("det", "inv", "cholesky", "norm", "pinv"):
        assert dtype_of(getattr(ops, name)(wide)) == engine_float64, name
    assert dtype_of(ops.solve(SPD, B_VEC.astype("float64"))) == engine_float64


def test_jvp_forward_mode():
    x = np.array([0.1, 0.5, 1.0], "float32")
    t = np.array([0.2, -1.0, 3.0], "float32")
    out, tangent = ops.jvp(ops.sin, (x,), (t,))
    check(out, np.sin(x), atol=1e-6)
    check(tangent, np.cos(x) * t, atol=1e-6)
    y = np.array([2.0, 3.0, 4.0], "float32")
    out, tangent, aux = ops.jvp(lambda a, b: (ops.multiply(a, b), ops.sum(a)), [x, y], [t, np.ones(3, "float32")],
                                has_aux=True)
    check(tangent, t * y + x, atol=1e-6)
    check(aux, x.sum(), atol=1e-6)
    sym_out, sym_tangent = ops.jvp(ops.sin, (KerasTensor((None, 3)),), (KerasTensor((None, 3)),))
    assert tuple(sym_out.shape) == (None, 3) and tuple(sym_tangent.shape) == (None, 3)


# -- errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda: ops.det(R), r"det: argument `x` must hold square matrices.*\(4, 3\)"),
    (lambda: ops.inv(B_VEC), r"inv: argument `x` must be a matrix.*\(3,\)"),
    (lambda: ops.cholesky(KerasTensor((None, 3, 4))), r"cholesky: .*square.*\(None, 3, 4\)"),
    (lambda: ops.eig(B_VEC), r"eig: argument `x` must be a matrix"),
    (lambda: ops.qr(R, mode="full"), r"qr: `mode` must be 'reduced' or 'complete'. Received: mode='full'"),
    (lambda: ops.norm(R, ord="fro", axis=0), r"norm: `ord='fro'` is a matrix norm"),
    (lambda: ops.norm(R, ord=3, axis=(0, 1)), r"norm: a matrix norm `ord` must be one of.*ord=3"),
    (lambda: ops.norm(R, ord="max"), r"norm: a string `ord` must be 'fro' or 'nuc'"),
    (lambda: ops.norm(BATCH, ord=1), r"norm: with `ord` set and `axis=None`.*\(2, 3, 3\)"),
    (lambda: ops.norm(R, axis=(0, 1, 2)), r"norm: `axis` must name one axis"),
    (lambda: ops.norm(R, axis=2), r"norm: `axis` 2 is out of range"),
    (lambda: ops.solve(A, np.ones(4, "float32")), r"solve: `a` and `b` do not match.*M=3"),
    (lambda: ops.solve_triangular(A, np.ones((4, 2), "float32")), r"solve_triangular: `a` and `b` do not match"),
    (lambda: ops.lstsq(BATCH, B_VEC), r"lstsq: argument `a` must be a matrix \(rank 2\)"),
    (lambda: ops.lstsq(R, B_VEC), r"lstsq: `a` and `b` must have the same number of rows"),
    (lambda: ops.svd(B_VEC), r"svd: argument `x` must be a matrix"),
    (lambda: ops.pinv(B_VEC), r"pinv: argument `x` must be a matrix"),
    (lambda: ops.matrix_rank(B_VEC), r"matrix_rank: argument `x` must be a matrix"),
    (lambda: ops.lu_factor(B_VEC), r"lu_factor: argument `x` must be a matrix"),
])
def test_bad_arguments_raise_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_argument_types_raise_type_errors():
    with pytest.raises(TypeError, match="jvp: `fun` must be callable"):
        ops.jvp(3, (A,), (A,))
    with pytest.raises(TypeError, match="jvp: `primals` must be a tuple or list"):
        ops.jvp(ops.sin, A, (A,))
    with pytest.raises(TypeError, match="norm: `axis` must be None, an int or a tuple of ints"):
        ops.norm(R, axis="rows")


# -- gradients ------------------------------------------------------------------------
def gradient(loss_fn, value):
    var = cornu.Variable(np.asarray(value, "float32"))
    _, _, grads = backend.compute_gradients(lambda: (loss_fn(var), None), [var])
    return np_(grads[0])


def numeric_gradient(f, x, eps=1e-6):
    """Central differences of the float64 NumPy function ``f`` at ``x``."""
    x = np.asarray(x, "float64")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def test_det_inv_solve_norm_gradients_match_the_analytic_formulas():
    a64 = A.astype("float64")
    inv_t = np.linalg.inv(a64).T
    np.testing.assert_allclose(gradient(ops.det, A), np.linalg.det(a64) * inv_t, rtol=1e-3, atol=1e-4)
    # d sum(inv(A)) / dA = -inv(A)^T 1 1^T inv(A)^T
    ones = np.ones((3, 3))
    np.testing.assert_allclose(gradient(lambda v: ops.sum(ops.inv(v)), A), -inv_t @ ones @ inv_t,
                               rtol=1e-3, atol=1e-3)
    # x = solve(A, b): d sum(x)/db = inv(A)^T 1, d sum(x)/dA = -(inv(A)^T 1) x^T
    g_b = inv_t @ np.ones(3)
    np.testing.assert_allclose(gradient(lambda v: ops.sum(ops.solve(A, v)), B_VEC), g_b, rtol=1e-3, atol=1e-4)
    x = np.linalg.solve(a64, B_VEC)
    np.testing.assert_allclose(gradient(lambda v: ops.sum(ops.solve(v, B_VEC)), A), -np.outer(g_b, x),
                               rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(gradient(ops.norm, R), R / np.linalg.norm(R), rtol=1e-4, atol=1e-6)


def test_singular_value_gradient_is_u_vt():
    u, _, vh = np.linalg.svd(R.astype("float64"), full_matrices=False)
    np.testing.assert_allclose(gradient(lambda v: ops.sum(ops.svd(v, compute_uv=False)), R), u @ vh,
                               rtol=1e-3, atol=1e-4)


def test_cholesky_and_triangular_solve_gradients_match_finite_differences():
    weights = rng.standard_normal((3, 3))

    def chol_loss_np(b):
        return np.sum(np.linalg.cholesky(b @ b.T + 3 * np.eye(3)) * weights)

    def chol_loss(b):
        spd = ops.add(ops.matmul(b, ops.transpose(b)), ops.multiply(ops.eye(3), 3.0))
        return ops.sum(ops.multiply(ops.cholesky(spd), weights.astype("float32")))

    np.testing.assert_allclose(gradient(chol_loss, A), numeric_gradient(chol_loss_np, A), rtol=1e-3, atol=1e-3)
    lower = np.tril(SPD)
    np.testing.assert_allclose(
        gradient(lambda v: ops.sum(ops.solve_triangular(lower, v, lower=True)), B_VEC),
        numeric_gradient(lambda b: scipy.linalg.solve_triangular(lower, b, lower=True).sum(), B_VEC),
        rtol=1e-3, atol=1e-4)
