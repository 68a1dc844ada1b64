"""Torch engine: linear algebra ops (``cornu.ops.linalg``).

Integer and boolean inputs are computed in ``floatx``; half-precision inputs
are computed in float32 (LAPACK has no half kernels) and cast back.
"""
import warnings

import torch

from cornu.backend import config
from cornu.backend.torch.core import convert_to_tensor, to_torch_dtype
from cornu.utils import tree

_HALF = (torch.float16, torch.bfloat16)


def _float(x):
    """``x`` as a tensor of a floating (or complex) dtype."""
    x = convert_to_tensor(x)
    if x.is_floating_point() or x.is_complex():
        return x
    return x.to(to_torch_dtype(config.floatx()))


def _compute(x):
    """(tensor to compute with, dtype to cast real results back to)."""
    x = _float(x)
    return (x.float(), x.dtype) if x.dtype in _HALF else (x, x.dtype)


def _back(out, dtype):
    return out.to(dtype) if out.dtype != dtype and out.is_floating_point() else out


def _pair(a, b):
    """``a`` and ``b`` as tensors of one common floating dtype (and that dtype to return)."""
    a, b = _float(a), _float(b)
    dtype = torch.promote_types(a.dtype, b.dtype)
    work = torch.float32 if dtype in _HALF else dtype
    return a.to(work), b.to(work), dtype


def _checking():
    """Whether data-dependent checks may run (not while torch.compile traces)."""
    return not torch.compiler.is_compiling()


def cholesky(x, upper=False):
    x, dtype = _compute(x)
    factor, info = torch.linalg.cholesky_ex(x, upper=upper)
    if x.device.type != "meta" and _checking() and bool(torch.any(info != 0)):
        raise ValueError(
            "Cholesky decomposition failed: the input is not a (numerically) positive-definite "
            f"matrix. Received a tensor of shape {tuple(x.shape)}."
        )
    return _back(factor, dtype)


def cholesky_inverse(x, upper=False):
    x, dtype = _compute(x)
    return _back(torch.cholesky_inverse(x, upper=upper), dtype)


def det(x):
    x, dtype = _compute(x)
    return _back(torch.linalg.det(x), dtype)


def eig(x):
    x, _ = _compute(x)
    return torch.linalg.eig(x)


def eigh(x):
    x, dtype = _compute(x)
    w, v = torch.linalg.eigh(x, UPLO="L")
    return _back(w, dtype), _back(v, dtype)


def inv(x):
    x, dtype = _compute(x)
    return _back(torch.linalg.inv(x), dtype)


def lu_factor(x):
    x, dtype = _compute(x)
    lu, pivots = torch.linalg.lu_factor(x)
    return _back(lu, dtype), (pivots - 1).to(torch.int32)  # LAPACK pivots are 1-based


def norm(x, ord=None, axis=None, keepdims=False):
    x, dtype = _compute(x)
    return _back(torch.linalg.norm(x, ord=ord, dim=axis, keepdim=keepdims), dtype)


def qr(x, mode="reduced"):
    x, dtype = _compute(x)
    q, r = torch.linalg.qr(x, mode=mode)
    return _back(q, dtype), _back(r, dtype)


def solve(a, b):
    a, b, dtype = _pair(a, b)
    if b.ndim == 1 or b.ndim == a.ndim - 1:  # (a batch of) vectors
        return _back(torch.linalg.solve(a, b.unsqueeze(-1)).squeeze(-1), dtype)
    return _back(torch.linalg.solve(a, b), dtype)


def solve_triangular(a, b, lower=False):
    a, b, dtype = _pair(a, b)
    vector = b.ndim == 1 or b.ndim == a.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.solve_triangular(a, b, upper=not lower)
    return _back(out.squeeze(-1) if vector else out, dtype)


def svd(x, full_matrices=True, compute_uv=True):
    x, dtype = _compute(x)
    if not compute_uv:
        return _back(torch.linalg.svdvals(x), dtype)
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return _back(u, dtype), _back(s, dtype), _back(vh, dtype)


def _default_rtol(x):
    return torch.finfo(x.dtype).eps * max(x.shape[-2], x.shape[-1])


def lstsq(a, b, rcond=None):
    a, b, dtype = _pair(a, b)
    vector = b.ndim == 1
    if vector:
        b = b.unsqueeze(-1)
    rtol = _default_rtol(a) if rcond is None else rcond
    if a.device.type == "cpu":
        out = torch.linalg.lstsq(a, b, rcond=rtol, driver="gelsd").solution
    else:  # CUDA has only the full-rank QR driver: use the SVD pseudo-inverse
        out = torch.linalg.pinv(a, rtol=rtol) @ b
    return _back(out.squeeze(-1) if vector else out, dtype)


def matrix_rank(x, tol=None):
    x, _ = _compute(x)
    if tol is None:
        return torch.linalg.matrix_rank(x).to(torch.int32)
    return torch.linalg.matrix_rank(x, atol=tol, rtol=0.0).to(torch.int32)


def pinv(x, rcond=None):
    x, dtype = _compute(x)
    return _back(torch.linalg.pinv(x, rtol=_default_rtol(x) if rcond is None else rcond), dtype)


def jvp(fun, primals, tangents, has_aux=False):
    primals = tree.map_structure(convert_to_tensor, tuple(primals))
    tangents = tree.map_structure(
        lambda t, p: convert_to_tensor(t, dtype=p.dtype), tuple(tangents), primals)
    with warnings.catch_warnings():
        # torch's first forward-mode call scripts its decompositions with the deprecated torch.jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=DeprecationWarning)
        return torch.func.jvp(fun, primals, tangents, has_aux=has_aux)


__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "lstsq", "lu_factor", "matrix_rank",
    "norm", "pinv", "qr", "solve", "solve_triangular", "svd", "jvp",
]
