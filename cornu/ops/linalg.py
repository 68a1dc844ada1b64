"""``cornu.ops.linalg``: linear algebra ops (also exported at ``cornu.ops``).

Matrices are the last two axes; leading axes are a batch. Integer inputs are
computed in ``floatx``; floating inputs keep their dtype.
"""
import math
import numbers

import numpy as np

from cornu import backend
from cornu.ops.operation import make_op

_b = backend.linalg

_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _check_matrix(x, op, arg="x"):
    shape = _shape(x)
    if len(shape) < 2:
        raise ValueError(
            f"{op}: argument `{arg}` must be a matrix or a batch of matrices (rank >= 2, "
            f"shape (..., M, N)). Received: {arg}.shape={shape}"
        )
    return shape


def _check_square(x, op, arg="x"):
    shape = _check_matrix(x, op, arg)
    m, n = shape[-2:]
    if m is not None and n is not None and m != n:
        raise ValueError(
            f"{op}: argument `{arg}` must hold square matrices (shape (..., M, M)). "
            f"Received: {arg}.shape={shape}"
        )
    return shape


def _is_vector_rhs(a_rank, b_rank):
    """``b`` is a (batch of) vector(s) when it is 1-D or one rank below ``a``."""
    return b_rank == 1 or b_rank == a_rank - 1


def _check_rhs(a, b, op):
    """``b`` is (..., M) (vectors) or (..., M, N) (matrices) for square ``a`` (..., M, M)."""
    a_shape = _check_square(a, op, "a")
    b_shape = _shape(b)
    if len(b_shape) < 1:
        raise ValueError(f"{op}: argument `b` must have rank >= 1. Received: b.shape={b_shape}")
    rows = b_shape[-1] if _is_vector_rhs(len(a_shape), len(b_shape)) else b_shape[-2]
    m = a_shape[-1]
    if rows is not None and m is not None and rows != m:
        raise ValueError(
            f"{op}: `a` and `b` do not match: `b` must have shape (..., M) or (..., M, N) with "
            f"M={m}. Received: a.shape={a_shape}, b.shape={b_shape}"
        )


_cholesky = make_op(_b.cholesky, "cholesky")
_cholesky_inverse = make_op(_b.cholesky_inverse, "cholesky_inverse")
_det = make_op(_b.det, "det")
_eig = make_op(_b.eig, "eig")
_eigh = make_op(_b.eigh, "eigh")
_inv = make_op(_b.inv, "inv")
_lstsq = make_op(_b.lstsq, "lstsq")
_lu_factor = make_op(_b.lu_factor, "lu_factor")
_matrix_rank = make_op(_b.matrix_rank, "matrix_rank")
_norm = make_op(_b.norm, "norm")
_pinv = make_op(_b.pinv, "pinv")
_qr = make_op(_b.qr, "qr")
_solve = make_op(_b.solve, "solve")
_solve_triangular = make_op(_b.solve_triangular, "solve_triangular")
_svd = make_op(_b.svd, "svd")
_jvp = make_op(_b.jvp, "jvp")


def cholesky(x, upper=False):
    """Cholesky factor of symmetric positive-definite matrices ``x`` (..., M, M).

    Returns lower-triangular ``L`` with ``x = L @ L.T`` (reading the lower
    triangle of ``x``), or upper-triangular ``U`` with ``x = U.T @ U`` when
    ``upper=True`` (reading the upper triangle). Eagerly, a matrix that is not
    positive definite raises ``ValueError``.
    """
    _check_square(x, "cholesky")
    return _cholesky(x, upper=upper)


def cholesky_inverse(x, upper=False):
    """Inverse of ``A`` given its Cholesky factor ``x`` (..., M, M).

    ``x`` is the lower factor ``L`` of ``A = L @ L.T``, or the upper factor
    ``U`` of ``A = U.T @ U`` when ``upper=True``; returns ``inv(A)``.
    """
    _check_square(x, "cholesky_inverse")
    return _cholesky_inverse(x, upper=upper)


def det(x):
    """Determinant of square matrices ``x`` (..., M, M); shape (...)."""
    _check_square(x, "det")
    return _det(x)


def eig(x):
    """Eigenvalues (..., M) and right eigenvectors (..., M, M) of general square matrices.

    Both are complex (``complex64`` for float32 input, ``complex128`` for
    float64); eigenvectors are columns of unit norm.
    """
    _check_square(x, "eig")
    return _eig(x)


def eigh(x):
    """Eigenvalues (ascending, (..., M)) and eigenvectors (columns, (..., M, M)) of symmetric matrices.

    Only the lower triangle of ``x`` is read.
    """
    _check_square(x, "eigh")
    return _eigh(x)


def inv(x):
    """Inverse of square matrices ``x`` (..., M, M)."""
    _check_square(x, "inv")
    return _inv(x)


def lu_factor(x):
    """LU factorisation with partial pivoting of ``x`` (..., M, N).

    Returns ``(lu, pivots)``: ``lu`` (..., M, N) holds ``U`` and the unit-diagonal
    ``L`` below it; ``pivots`` (..., min(M, N)) are 0-based ``int32`` row swaps
    (row ``i`` was swapped with row ``pivots[i]``), as ``scipy.linalg.lu_factor``.
    """
    _check_matrix(x, "lu_factor")
    return _lu_factor(x)


def _norm_axes(x, ord, axis):
    rank = len(_shape(x))
    if axis is None:
        if ord is not None and rank not in (1, 2):
            raise ValueError(
                "norm: with `ord` set and `axis=None`, `x` must be a vector or a matrix. Pass "
                f"`axis` (one axis for vector norms, two for matrix norms). Received: x.shape={_shape(x)}"
            )
        return None, rank if ord is not None else 0
    axes = (axis,) if isinstance(axis, int) else axis
    if not isinstance(axes, (tuple, list)) or not all(isinstance(a, int) for a in axes):
        raise TypeError(f"norm: `axis` must be None, an int or a tuple of ints. Received: axis={axis!r}")
    axes = tuple(axes)
    if len(axes) not in (1, 2):
        raise ValueError(
            "norm: `axis` must name one axis (vector norm) or two axes (matrix norm). "
            f"Received: axis={axis!r}"
        )
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"norm: `axis` {a} is out of range for `x` of rank {rank}. Received: axis={axis!r}")
    return axes, len(axes)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm``.

    ``axis`` is one axis (vector norms: any number ``ord``; None is the 2-norm)
    or two axes (matrix norms: None/"fro", "nuc", +-1, +-2, +-inf). With
    ``axis=None`` and ``ord=None`` the 2-norm of all entries is returned.
    Integer inputs give ``floatx``.
    """
    axes, kind = _norm_axes(x, ord, axis)
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        raise ValueError(f"norm: a string `ord` must be 'fro' or 'nuc'. Received: ord={ord!r}")
    if kind == 1 and isinstance(ord, str):
        raise ValueError(f"norm: `ord={ord!r}` is a matrix norm; vector norms take a number. Received: ord={ord!r}")
    if kind == 2 and ord not in _MATRIX_ORDS:
        raise ValueError(
            "norm: a matrix norm `ord` must be one of None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf. "
            f"Received: ord={ord!r}"
        )
    if ord is not None and not isinstance(ord, (str, numbers.Real)):
        raise TypeError(f"norm: `ord` must be None, a number, 'fro' or 'nuc'. Received: ord={ord!r}")
    return _norm(x, ord=ord, axis=axes, keepdims=keepdims)


def qr(x, mode="reduced"):
    """QR decomposition of ``x`` (..., M, N): ``(q, r)`` with ``x = q @ r``.

    ``mode="reduced"`` gives ``q`` (..., M, K) and ``r`` (..., K, N) with
    ``K = min(M, N)``; ``mode="complete"`` gives ``q`` (..., M, M), ``r`` (..., M, N).
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: `mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
    _check_matrix(x, "qr")
    return _qr(x, mode=mode)


def solve(a, b):
    """Solve ``a @ x = b`` for square ``a`` (..., M, M) and ``b`` (..., M) or (..., M, N).

    ``b`` is a (batch of) vector(s) when it is 1-D or has one axis fewer than
    ``a``; otherwise its last two axes are matrices. Batch axes broadcast.
    """
    _check_rhs(a, b, "solve")
    return _solve(a, b)


def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a`` (upper unless ``lower=True``; the other triangle is ignored)."""
    _check_rhs(a, b, "solve_triangular")
    return _solve_triangular(a, b, lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``x = u @ diag(s) @ vh`` of ``x`` (..., M, N).

    Returns ``(u, s, vh)``, or only ``s`` (descending, (..., K)) with
    ``compute_uv=False``; ``full_matrices=False`` gives the reduced ``u``
    (..., M, K) and ``vh`` (..., K, N), ``K = min(M, N)``.
    """
    _check_matrix(x, "svd")
    return _svd(x, full_matrices=full_matrices, compute_uv=compute_uv)


def lstsq(a, b, rcond=None):
    """Least-squares solution ``x`` (N,) or (N, K) of ``a @ x = b``, ``a`` (M, N), ``b`` (M,) or (M, K).

    Singular values of ``a`` at most ``rcond`` times the largest are treated
    as zero (default ``rcond``: machine epsilon times ``max(M, N)``); among
    minimisers the one of smallest norm is returned.
    """
    a_shape, b_shape = _shape(a), _shape(b)
    if len(a_shape) != 2:
        raise ValueError(f"lstsq: argument `a` must be a matrix (rank 2). Received: a.shape={a_shape}")
    if len(b_shape) not in (1, 2):
        raise ValueError(f"lstsq: argument `b` must have rank 1 or 2. Received: b.shape={b_shape}")
    if None not in (a_shape[0], b_shape[0]) and a_shape[0] != b_shape[0]:
        raise ValueError(
            "lstsq: `a` and `b` must have the same number of rows (a.shape[0] == b.shape[0]). "
            f"Received: a.shape={a_shape}, b.shape={b_shape}"
        )
    return _lstsq(a, b, rcond=rcond)


def matrix_rank(x, tol=None):
    """Rank of matrices ``x`` (..., M, N) as ``int32`` (...): singular values above a threshold.

    The threshold is ``tol`` when given, else the largest singular value times
    machine epsilon times ``max(M, N)`` (NumPy's default).
    """
    _check_matrix(x, "matrix_rank")
    return _matrix_rank(x, tol=tol)


def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse (..., N, M) of ``x`` (..., M, N), through the SVD.

    Singular values below ``rcond`` times the largest are treated as zero
    (default ``rcond``: machine epsilon times ``max(M, N)``).
    """
    _check_matrix(x, "pinv")
    return _pinv(x, rcond=rcond)


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product of ``fun`` at ``primals`` along ``tangents``.

    ``primals`` and ``tangents`` are tuples (or lists) of the positional
    arguments of ``fun`` with the same structure and shapes. Returns
    ``(fun(*primals), tangents_out)``, plus ``aux`` when ``has_aux=True``
    (``fun`` then returns ``(output, aux)``).
    """
    if not callable(fun):
        raise TypeError(f"jvp: `fun` must be callable. Received: fun={fun!r}")
    for arg, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise TypeError(
                f"jvp: `{arg}` must be a tuple or list of the arguments of `fun`. "
                f"Received: {arg} of type {type(value).__name__}"
            )
    if len(primals) != len(tangents):
        raise ValueError(
            "jvp: `primals` and `tangents` must have the same length. "
            f"Received: {len(primals)} primals and {len(tangents)} tangents"
        )
    return _jvp(fun, primals, tangents, has_aux=has_aux)


__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lstsq", "lu_factor", "matrix_rank",
    "norm", "pinv", "qr", "solve", "solve_triangular", "svd", "jvp",
]
