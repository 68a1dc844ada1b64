"""JAX engine: linear algebra ops (``cornu.ops.linalg``).

Integer and boolean inputs are computed in ``floatx``; half-precision inputs
are computed in float32 (LAPACK has no half kernels) and cast back. Each op
runs as one compiled program: one compilation per input shape instead of one
per inner operation, which makes eager calls much cheaper.
"""
import functools

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype
from cornu.utils import tree

_HALF = (jnp.float16, jnp.bfloat16)


def _float(x):
    """``x`` as an array of a floating (or complex) dtype."""
    x = convert_to_tensor(x)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return x.astype(to_jax_dtype(config.floatx()))


def _compute(x):
    """(array to compute with, dtype to cast real results back to)."""
    x = _float(x)
    return (x.astype(jnp.float32), x.dtype) if x.dtype in _HALF else (x, x.dtype)


def _back(out, dtype):
    return out.astype(dtype) if out.dtype != dtype and jnp.issubdtype(out.dtype, jnp.floating) else out


def _pair(a, b):
    """``a`` and ``b`` as arrays of one common floating dtype (and that dtype to return)."""
    a, b = _float(a), _float(b)
    dtype = jnp.promote_types(a.dtype, b.dtype)
    work = jnp.float32 if dtype in _HALF else dtype
    return a.astype(work), b.astype(work), dtype


def _compiled(arrays=1, static=()):
    """Run the op as one ``jax.jit`` program.

    The first ``arrays`` arguments become float arrays before the program (so
    ``floatx`` is read at call time); ``static`` names the non-array arguments.
    """
    def decorate(fn):
        compiled = jax.jit(fn, static_argnames=static)

        @functools.wraps(fn)
        def run(*args, **kwargs):
            return compiled(*(tuple(_float(a) for a in args[:arrays]) + args[arrays:]), **kwargs)

        return run

    return decorate


def _concrete(x):
    """Whether ``x`` holds values (not an abstract tracer under jit / eval_shape)."""
    return not isinstance(x, jax.core.Tracer)


def _swap(x):
    return jnp.swapaxes(x, -1, -2)


def cholesky(x, upper=False):
    factor, failed = _cholesky(x, upper=upper)
    if _concrete(failed) and bool(failed):
        raise ValueError(
            "Cholesky decomposition failed: the input is not a (numerically) positive-definite "
            f"matrix. Received a tensor of shape {tuple(factor.shape)}."
        )
    return factor


@_compiled(static=("upper",))
def _cholesky(x, upper=False):
    x, dtype = _compute(x)
    # read one triangle only (the lower, or the upper with upper=True), as LAPACK and torch do
    factor = jax.lax.linalg.cholesky(_swap(x).conj() if upper else x, symmetrize_input=False)
    if upper:
        factor = _swap(factor).conj()
    return _back(factor, dtype), jnp.any(jnp.isnan(factor))  # LAPACK failure leaves NaNs


@_compiled(static=("upper",))
def cholesky_inverse(x, upper=False):
    x, dtype = _compute(x)
    eye = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    # x = L (A = L L^T) or x = U (A = U^T U); A^-1 = L^-T L^-1 = U^-1 U^-T
    factor_inv = jax.lax.linalg.triangular_solve(x, eye, left_side=True, lower=not upper)
    if upper:
        out = factor_inv @ _swap(factor_inv)
    else:
        out = _swap(factor_inv) @ factor_inv
    return _back(out, dtype)


@_compiled()
def det(x):
    x, dtype = _compute(x)
    return _back(jnp.linalg.det(x), dtype)


@_compiled()
def eig(x):
    x, _ = _compute(x)
    return jnp.linalg.eig(x)


@_compiled()
def eigh(x):
    x, dtype = _compute(x)
    # the lower triangle only, as LAPACK, NumPy and torch read it
    v, w = jax.lax.linalg.eigh(x, lower=True, symmetrize_input=False)
    return _back(w, dtype), _back(v, dtype)


@_compiled()
def inv(x):
    x, dtype = _compute(x)
    return _back(jnp.linalg.inv(x), dtype)


@_compiled()
def lu_factor(x):
    x, dtype = _compute(x)
    lu, pivots, _ = jax.lax.linalg.lu(x)
    return _back(lu, dtype), pivots.astype(jnp.int32)


def norm(x, ord=None, axis=None, keepdims=False):
    return _norm(x, ord=ord, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)


@_compiled(static=("ord", "axis", "keepdims"))
def _norm(x, ord=None, axis=None, keepdims=False):
    x, dtype = _compute(x)
    return _back(jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims), dtype)


@_compiled(static=("mode",))
def qr(x, mode="reduced"):
    x, dtype = _compute(x)
    q, r = jnp.linalg.qr(x, mode=mode)
    return _back(q, dtype), _back(r, dtype)


@_compiled(arrays=2)
def solve(a, b):
    a, b, dtype = _pair(a, b)
    if b.ndim == 1 or b.ndim == a.ndim - 1:  # (a batch of) vectors
        return _back(jnp.linalg.solve(a, b[..., None])[..., 0], dtype)
    return _back(jnp.linalg.solve(a, b), dtype)


@_compiled(arrays=2, static=("lower",))
def solve_triangular(a, b, lower=False):
    a, b, dtype = _pair(a, b)
    vector = b.ndim == 1 or b.ndim == a.ndim - 1
    if vector:
        b = b[..., None]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    out = jax.lax.linalg.triangular_solve(a, b, left_side=True, lower=lower)
    return _back(out[..., 0] if vector else out, dtype)


@_compiled(static=("full_matrices", "compute_uv"))
def svd(x, full_matrices=True, compute_uv=True):
    x, dtype = _compute(x)
    if not compute_uv:
        return _back(jnp.linalg.svd(x, compute_uv=False), dtype)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return _back(u, dtype), _back(s, dtype), _back(vh, dtype)


def _default_rtol(x):
    return jnp.finfo(x.dtype).eps * max(x.shape[-2], x.shape[-1])


@_compiled(arrays=2)
def lstsq(a, b, rcond=None):
    a, b, dtype = _pair(a, b)
    rtol = _default_rtol(a) if rcond is None else rcond
    return _back(jnp.linalg.lstsq(a, b, rcond=rtol)[0], dtype)


@_compiled()
def matrix_rank(x, tol=None):
    x, _ = _compute(x)
    s = jnp.linalg.svd(x, compute_uv=False)
    if tol is None:
        tol = jnp.max(s, axis=-1, keepdims=True) * _default_rtol(x)
    return jnp.sum(s > tol, axis=-1).astype(jnp.int32)


@_compiled()
def pinv(x, rcond=None):
    x, dtype = _compute(x)
    return _back(jnp.linalg.pinv(x, rtol=_default_rtol(x) if rcond is None else rcond), dtype)


def jvp(fun, primals, tangents, has_aux=False):
    primals = tree.map_structure(convert_to_tensor, tuple(primals))
    tangents = tree.map_structure(
        lambda t, p: convert_to_tensor(t, dtype=p.dtype), tuple(tangents), primals)
    return jax.jvp(fun, primals, tangents, has_aux=has_aux)


__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lstsq", "lu_factor", "matrix_rank",
    "norm", "pinv", "qr", "solve", "solve_triangular", "svd", "jvp",
]
