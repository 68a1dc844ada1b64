"""Torch engine: NumPy ops over whole arrays beyond the core set (NaN-aware reductions,
percentiles, splitting and reshaping helpers), re-exported by ``cornu.backend.torch.numpy``."""
import math

import torch

from cornu.backend import config
from cornu.backend.common import dtypes, op_checks
from cornu.backend.torch.core import to_torch_dtype
from cornu.backend.torch.numpy import _common, argmax, argmin, t

__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "ptp",
    "argpartition", "array_split", "hsplit", "vsplit", "dsplit", "dstack", "append", "diagonal",
    "diagflat", "rot90", "fliplr", "flipud", "kron", "inner", "trapezoid", "correlate", "corrcoef",
    "isin", "nonzero", "unravel_index", "slogdet", "vectorize",
]


# -- helpers ----------------------------------------------------------------------
def _is_float(x):
    return x.is_floating_point() or x.is_complex()


def _floatx():
    return to_torch_dtype(config.floatx())


def _to_float(x):
    """Floats stay as they are; integers and booleans become floatx."""
    return x if _is_float(x) else x.to(_floatx())


def _dims(x, axis):
    return op_checks.reduced_dims(x.ndim, axis)


def _keep(fn, x, dims, **kwargs):
    """Reduce ``x`` over ``dims`` keeping them as size 1 (nothing to reduce: ``x`` itself)."""
    return fn(x, dim=dims, keepdim=True, **kwargs) if dims else x


def _finish(out, dims, keepdims):
    return out if keepdims or not dims else out.squeeze(dims)


def _sum_dtype(x):
    """Keras's accumulator dtype for sums and products on torch (small ints widen to int32)."""
    if x.dtype in (torch.bool, torch.int8, torch.int16, torch.uint8, torch.uint16):
        return torch.int32
    return x.dtype


def _promote(*xs):
    xs = [t(x) for x in xs]
    common = to_torch_dtype(dtypes.result_type(*[x.dtype for x in xs]))
    return [x.to(common) for x in xs]


# -- NaN-aware reductions -----------------------------------------------------------
def _nan_arg(x, axis, keepdims, largest):
    x = t(x)
    if not _is_float(x):
        return (argmax if largest else argmin)(x, axis=axis, keepdims=keepdims)
    if axis is None:
        out = _nan_arg(x.reshape(-1), 0, False, largest)
        return out.reshape([1] * x.ndim) if keepdims else out
    nan = torch.isnan(x)
    filled = torch.where(nan, -math.inf if largest else math.inf, x)
    best = (torch.amax if largest else torch.amin)(filled, dim=axis, keepdim=True)
    hit = (filled == best) & ~nan  # the first non-NaN position holding the extreme
    out = torch.argmax(hit.to(torch.int8), dim=axis, keepdim=keepdims)
    return torch.where(nan.all(dim=axis, keepdim=keepdims), -1, out).to(torch.int32)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest non-NaN value (-1 where a slice is all NaN), as int32."""
    return _nan_arg(x, axis, keepdims, largest=True)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest non-NaN value (-1 where a slice is all NaN), as int32."""
    return _nan_arg(x, axis, keepdims, largest=False)


def _nan_cumulative(fn, fill, x, axis, dtype):
    x = t(x)
    if _is_float(x):
        x = torch.where(torch.isnan(x), fill, x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    out_dtype = to_torch_dtype(dtype) if dtype is not None else (torch.int32 if x.dtype == torch.bool else x.dtype)
    return fn(x, dim=axis, dtype=out_dtype)


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum with NaNs counted as zero (flattened when ``axis`` is None)."""
    return _nan_cumulative(torch.cumsum, 0, x, axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product with NaNs counted as one (flattened when ``axis`` is None)."""
    return _nan_cumulative(torch.cumprod, 1, x, axis, dtype)


def _nan_extreme(x, axis, keepdims, largest):
    x = t(x)
    dims = _dims(x, axis)
    reduce = torch.amax if largest else torch.amin
    if not _is_float(x):
        return _finish(_keep(reduce, x, dims), dims, keepdims)
    nan = torch.isnan(x)
    out = _keep(reduce, torch.where(nan, -math.inf if largest else math.inf, x), dims)
    out = torch.where(_keep(torch.all, nan, dims), math.nan, out)
    return _finish(out, dims, keepdims)


def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaNs (NaN where a slice is all NaN)."""
    return _nan_extreme(x, axis, keepdims, largest=True)


def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaNs (NaN where a slice is all NaN)."""
    return _nan_extreme(x, axis, keepdims, largest=False)


def nansum(x, axis=None, keepdims=False):
    """Sum with NaNs counted as zero."""
    x = t(x)
    dims = _dims(x, axis)
    if _is_float(x):
        x = torch.where(torch.isnan(x), 0, x)
    x = x.to(_sum_dtype(x))
    return _finish(_keep(torch.sum, x, dims, dtype=x.dtype), dims, keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product with NaNs counted as one."""
    x = t(x)
    dims = _dims(x, axis)
    if _is_float(x):
        x = torch.where(torch.isnan(x), 1, x)
    x = x.to(_sum_dtype(x))
    for d in dims:  # torch.prod reduces one dimension at a time
        x = torch.prod(x, dim=d, keepdim=True, dtype=x.dtype)
    return _finish(x, dims, keepdims)


def _nan_moments(x, axis):
    """(x, valid mask, reduced dims, count, mean) with NaNs left out; counts keep the reduced dims."""
    x = _to_float(t(x))
    dims = _dims(x, axis)
    valid = ~torch.isnan(x)
    count = _keep(torch.sum, valid.to(x.dtype), dims)
    mean = _keep(torch.sum, torch.where(valid, x, 0), dims) / count
    return x, valid, dims, count, mean


def nanmean(x, axis=None, keepdims=False):
    """Mean of the non-NaN values (NaN where a slice is all NaN)."""
    _, _, dims, _, mean = _nan_moments(x, axis)
    return _finish(mean, dims, keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Population variance of the non-NaN values."""
    x, valid, dims, count, mean = _nan_moments(x, axis)
    centred = torch.where(valid, x - mean, 0)  # masked before squaring: NaN-free gradients
    return _finish(_keep(torch.sum, centred * centred, dims) / count, dims, keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation of the non-NaN values."""
    return torch.sqrt(nanvar(x, axis=axis, keepdims=keepdims))


# -- quantiles ----------------------------------------------------------------------
def _quantile(x, q, axis, method, keepdims, skip_nan):
    """NumPy's quantile over ``axis`` for ``q`` in [0, 1] (``q``'s shape leads the output)."""
    op_checks.check_quantile_method(method)
    x = t(x)
    out_dtype = x.dtype if x.is_floating_point() else _floatx()
    work = x.to(torch.float64 if out_dtype == torch.float64 else torch.float32)
    q = t(q).to(work.dtype)
    dims = _dims(work, axis)
    kept = [d for d in range(work.ndim) if d not in dims]
    batch = [work.shape[d] for d in kept]
    y = work.permute(kept + list(dims)).reshape(batch + [-1])  # (*batch, n)
    nan = torch.isnan(y)
    y = torch.sort(y, dim=-1).values  # NaNs sort last
    n = y.shape[-1]
    count = nan.logical_not().sum(-1, keepdim=True) if skip_nan else torch.full_like(y[..., :1], n)
    pos = q.reshape(tuple(q.shape) + (1,) * (len(batch) + 1)) * (count.to(work.dtype) - 1)
    lo, hi = pos.floor().clamp(0, n - 1), pos.ceil().clamp(0, n - 1)
    y = y.reshape((1,) * q.ndim + tuple(y.shape))  # broadcasts against the leading q axes

    def at(index):
        return torch.take_along_dim(y, index.long(), dim=-1)

    a, b = at(lo), at(hi)
    if method == "linear":
        frac = pos - lo  # interpolate from the nearer end, as NumPy does
        out = torch.where(frac >= 0.5, b - (b - a) * (1 - frac), a + (b - a) * frac)
        out = torch.where(a == b, a, out)
    elif method == "lower":
        out = a
    elif method == "higher":
        out = b
    elif method == "midpoint":
        out = torch.where(a == b, a, (a + b) / 2)
    else:  # "nearest"
        out = at(torch.round(pos).clamp(0, n - 1))  # ties to the even index, as NumPy
    invalid = count == 0 if skip_nan else nan.any(-1, keepdim=True)
    out = torch.where(invalid, math.nan, out).squeeze(-1)  # (*q.shape, *batch)
    if keepdims:
        out = out.reshape(tuple(q.shape) + tuple(1 if d in dims else s for d, s in enumerate(work.shape)))
    return out.to(out_dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """Quantiles ``q`` (in [0, 1]) of the non-NaN values."""
    return _quantile(x, q, axis, method, keepdims, skip_nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ``q`` (in [0, 100]) of the non-NaN values."""
    return _quantile(x, t(q).to(torch.float64) / 100, axis, method, keepdims, skip_nan=True)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ``q`` (in [0, 100]); NaN where a slice holds a NaN."""
    return _quantile(x, t(q).to(torch.float64) / 100, axis, method, keepdims, skip_nan=False)


def nanmedian(x, axis=None, keepdims=False):
    """Median of the non-NaN values."""
    return _quantile(x, 0.5, axis, "linear", keepdims, skip_nan=True)


def ptp(x, axis=None, keepdims=False):
    """Range (maximum minus minimum) along ``axis``."""
    x = t(x)
    op_checks.check_ptp_dtype(x.dtype == torch.bool)
    dims = _dims(x, axis)
    out = _keep(torch.amax, x, dims) - _keep(torch.amin, x, dims)
    return _finish(out, dims, keepdims)


def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` around its ``kth`` smallest element (here: a full stable sort)."""
    op_checks.check_kth(kth)
    x = t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    op_checks.check_kth_bounds(kth, x.shape[axis])
    if x.dtype == torch.bool:
        x = x.to(torch.int8)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


# -- splitting, stacking and rearranging ------------------------------------------------
def array_split(x, indices_or_sections, axis=0):
    """Split into ``indices_or_sections`` parts whose sizes differ by at most one."""
    return list(torch.tensor_split(t(x), indices_or_sections, dim=axis))


def _split(x, indices_or_sections, name):
    x = t(x)
    sections, axis = op_checks.split_plan(name, x.shape, indices_or_sections)
    return list(torch.tensor_split(x, sections, dim=axis))


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D ``x``)."""
    return _split(x, indices_or_sections, "hsplit")


def vsplit(x, indices_or_sections):
    """Split along axis 0 (``x`` at least 2-D)."""
    return _split(x, indices_or_sections, "vsplit")


def dsplit(x, indices_or_sections):
    """Split along axis 2 (``x`` at least 3-D)."""
    return _split(x, indices_or_sections, "dsplit")


def dstack(xs):
    """Stack along the third axis (1-D ``(n,)`` becomes ``(1, n, 1)``, 2-D gains a last axis)."""
    return torch.dstack(_common(xs))


def append(x1, x2, axis=None):
    """Concatenate ``x2`` after ``x1`` (both flattened when ``axis`` is None)."""
    x1, x2 = _promote(x1, x2)
    if axis is None:
        return torch.cat([x1.reshape(-1), x2.reshape(-1)])
    op_checks.check_append_shapes(x1.shape, x2.shape, axis)
    return torch.cat([x1, x2], dim=axis)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal over ``axis1``/``axis2``, placed as the last axis."""
    x = t(x)
    op_checks.check_diagonal_axes(x.shape, axis1, axis2)
    return torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on diagonal ``k``."""
    return torch.diagflat(t(x), offset=k)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second)."""
    x = t(array)
    axes = op_checks.rot90_axes(x.shape, axes)
    return torch.rot90(x, k, dims=list(axes))


def fliplr(x):
    """Reverse axis 1."""
    x = t(x)
    op_checks.need_rank("fliplr", x.shape, 2)
    return torch.flip(x, dims=(1,))


def flipud(x):
    """Reverse axis 0."""
    x = t(x)
    op_checks.need_rank("flipud", x.shape, 1)
    return torch.flip(x, dims=(0,))


# -- products, integrals and correlations -------------------------------------------------
def kron(x1, x2):
    """Kronecker product."""
    x1, x2 = _promote(x1, x2)
    return torch.kron(x1, x2)


def inner(x1, x2):
    """Sum-product over the last axes (a product when either is a scalar)."""
    x1, x2 = _promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2 if x1.dtype != torch.bool else x1 & x2
    op_checks.check_inner_shapes(x1.shape, x2.shape)
    if _is_float(x1):
        return torch.inner(x1, x2)
    # Integer matmul kernels are missing on some devices: multiply and sum instead.
    wide = torch.int64 if x1.dtype == torch.int64 else torch.int32
    a = x1.to(wide).reshape(tuple(x1.shape[:-1]) + (1,) * (x2.ndim - 1) + (-1,))
    out = (a * x2.to(wide)).sum(-1)
    return out != 0 if x1.dtype == torch.bool else out.to(x1.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoid rule (sample points ``x`` or spacing ``dx``)."""
    y = _to_float(t(y))
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=axis)
    return torch.trapezoid(y, x=t(x).to(y.dtype), dim=axis)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors, ``c[k] = sum_n x1[n + k] * x2[n]``."""
    a, b = t(x1), t(x2)
    dtype = to_torch_dtype(op_checks.correlate_dtype(a.shape, b.shape, a.dtype, b.dtype, mode))
    a, b = a.to(dtype), b.to(dtype)
    n, m = a.shape[0], b.shape[0]
    padded = torch.nn.functional.pad(a, (m - 1, m - 1))
    full = (padded.unfold(0, m, 1) * b).sum(-1)  # lags -(m - 1) .. n - 1
    if mode == "full":
        return full
    if mode == "valid":
        start, length = min(n, m) - 1, abs(n - m) + 1
    else:  # "same"
        start, length = ((m - 1) // 2 if n >= m else n // 2), max(n, m)
    return full[start:start + length]


def corrcoef(x):
    """Pearson correlation coefficients between the rows of ``x``."""
    x = t(x)
    op_checks.check_corrcoef_rank(x.shape)
    dtype = torch.float64 if x.dtype == torch.int64 else _to_float(x).dtype
    return torch.corrcoef(x.to(dtype))


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2`` (boolean, shaped like ``x1``)."""
    x1, x2 = _promote(x1, x2)
    if x1.dtype == torch.bool:  # no boolean kernel
        x1, x2 = x1.to(torch.int8), x2.to(torch.int8)
    return torch.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def nonzero(x):
    """Indices of the non-zero elements: one int32 vector per axis of ``x``."""
    x = t(x)
    op_checks.check_nonzero_rank(x.shape)
    return tuple(i.to(torch.int32) for i in torch.nonzero(x, as_tuple=True))


def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors for ``shape`` (dtype of ``indices``)."""
    indices = t(indices)
    op_checks.check_integer_indices(
        not (indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool), indices.dtype)
    return tuple(i.to(indices.dtype) for i in torch.unravel_index(indices, tuple(shape)))


def slogdet(x):
    """``(sign, log|det|)`` of square matrices over the last two axes."""
    x = t(x)
    op_checks.check_square_matrices(x.shape)
    work = _to_float(x)
    if work.dtype in (torch.float16, torch.bfloat16):  # no half-precision LU kernels
        return tuple(v.to(work.dtype) for v in torch.linalg.slogdet(work.to(torch.float32)))
    return tuple(torch.linalg.slogdet(work))


# -- vectorize ----------------------------------------------------------------------------
def vectorize(pyfunc, excluded=None, signature=None):
    """NumPy-style ``vectorize`` over ``torch.vmap``: ``pyfunc`` sees core slices, loops broadcast."""
    excluded = set(excluded or ())
    cores = op_checks.parse_signature(signature)[0] if signature else None

    def wrapped(*args, **kwargs):
        names = [k for k in kwargs if k not in excluded]
        positions = [i for i in range(len(args)) if i not in excluded]
        inputs = [t(args[i]) for i in positions] + [t(kwargs[k]) for k in names]
        shapes = op_checks.loop_and_core([x.shape for x in inputs], cores if cores is not None else [()] * len(inputs), signature)
        loop = tuple(torch.broadcast_shapes(*[shape[0] for shape in shapes]))
        # every input is broadcast to the common loop shape, flattened into one vmapped axis
        flat = [torch.broadcast_to(x, loop + core).reshape((-1,) + core) for x, (_, core) in zip(inputs, shapes)]

        def call(*values):
            a, k = list(args), dict(kwargs)
            for i, v in zip(positions, values):
                a[i] = v
            for name, v in zip(names, values[len(positions):]):
                k[name] = v
            out = pyfunc(*a, **k)
            return tuple(t(o) for o in out) if isinstance(out, (list, tuple)) else t(out)

        if not loop:
            return call(*[f.reshape(f.shape[1:]) for f in flat])
        out = torch.vmap(call)(*flat)
        if isinstance(out, tuple):
            return tuple(o.reshape(loop + tuple(o.shape[1:])) for o in out)
        return out.reshape(loop + tuple(out.shape[1:]))

    return wrapped
