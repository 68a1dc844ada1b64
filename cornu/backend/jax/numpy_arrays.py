"""Jax engine: NumPy ops over whole arrays beyond the core set (NaN-aware reductions,
percentiles, splitting and reshaping helpers), re-exported by ``cornu.backend.jax.numpy``."""
import functools

import jax
import jax.numpy as jnp

from cornu.backend.common import dtypes, op_checks
from cornu.backend.jax.core import to_jax_dtype
from cornu.backend.jax.numpy import _axis, _float, t

__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "ptp",
    "argpartition", "array_split", "hsplit", "vsplit", "dsplit", "dstack", "append", "diagonal",
    "diagflat", "rot90", "fliplr", "flipud", "kron", "inner", "trapezoid", "correlate", "corrcoef",
    "isin", "nonzero", "unravel_index", "slogdet", "vectorize",
]

def _is_float(x):
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _sum_dtype(x):
    """Keras's accumulator dtype for sums and products (small integers widen to 32 bits)."""
    if x.dtype in (jnp.bool_, jnp.int8, jnp.int16):
        return jnp.int32
    if x.dtype in (jnp.uint8, jnp.uint16):
        return jnp.uint32
    return x.dtype


def _promote(*xs):
    xs = [t(x) for x in xs]
    common = to_jax_dtype(dtypes.result_type(*[x.dtype for x in xs]))
    return [x.astype(common) for x in xs]


# -- NaN-aware reductions -----------------------------------------------------------
def _nan_arg(x, axis, keepdims, largest):
    x = t(x)
    if axis is None:
        out = _nan_arg(x.reshape(-1), 0, False, largest)
        return out.reshape((1,) * x.ndim) if keepdims else out
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int32)
    if not _is_float(x):
        pick = jnp.argmax if largest else jnp.argmin
        return pick(x, axis=axis, keepdims=keepdims).astype(jnp.int32)
    return _nan_arg_float(x, axis, keepdims, largest)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _nan_arg_float(x, axis, keepdims, largest):
    nan = jnp.isnan(x)
    filled = jnp.where(nan, -jnp.inf if largest else jnp.inf, x)
    best = (jnp.max if largest else jnp.min)(filled, axis=axis, keepdims=True)
    hit = (filled == best) & ~nan  # the first non-NaN position holding the extreme
    out = jnp.argmax(hit, axis=axis, keepdims=keepdims)
    return jnp.where(jnp.all(nan, axis=axis, keepdims=keepdims), -1, out).astype(jnp.int32)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest non-NaN value (-1 where a slice is all NaN), as int32."""
    return _nan_arg(x, axis, keepdims, largest=True)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest non-NaN value (-1 where a slice is all NaN), as int32."""
    return _nan_arg(x, axis, keepdims, largest=False)


def _cumulative_dtype(x, dtype):
    if dtype is not None:
        return to_jax_dtype(dtype)
    return jnp.int32 if x.dtype == jnp.bool_ else x.dtype


def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum with NaNs counted as zero (flattened when ``axis`` is None)."""
    x = t(x)
    return jnp.nancumsum(x, axis=axis, dtype=_cumulative_dtype(x, dtype))


def nancumprod(x, axis=None, dtype=None):
    """Cumulative product with NaNs counted as one (flattened when ``axis`` is None)."""
    x = t(x)
    return jnp.nancumprod(x, axis=axis, dtype=_cumulative_dtype(x, dtype))


def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaNs (NaN where a slice is all NaN)."""
    return jnp.nanmax(t(x), axis=_axis(axis), keepdims=keepdims)


def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaNs (NaN where a slice is all NaN)."""
    return jnp.nanmin(t(x), axis=_axis(axis), keepdims=keepdims)


def nansum(x, axis=None, keepdims=False):
    """Sum with NaNs counted as zero."""
    x = t(x)
    return jnp.nansum(x, axis=_axis(axis), keepdims=keepdims, dtype=_sum_dtype(x))


def nanprod(x, axis=None, keepdims=False):
    """Product with NaNs counted as one."""
    x = t(x)
    return jnp.nanprod(x, axis=_axis(axis), keepdims=keepdims, dtype=_sum_dtype(x))


def nanmean(x, axis=None, keepdims=False):
    """Mean of the non-NaN values (NaN where a slice is all NaN)."""
    return jnp.nanmean(_float(x), axis=_axis(axis), keepdims=keepdims)


def nanvar(x, axis=None, keepdims=False):
    """Population variance of the non-NaN values."""
    return jnp.nanvar(_float(x), axis=_axis(axis), keepdims=keepdims)


def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation of the non-NaN values."""
    return jnp.nanstd(_float(x), axis=_axis(axis), keepdims=keepdims)


# -- quantiles ----------------------------------------------------------------------
def _quantile(fn, x, q, axis, method, keepdims, scale=1.0, skip_nan=True):
    op_checks.check_quantile_method(method)
    x = _float(x)
    q = t(q).astype(jnp.float32 if x.dtype in (jnp.float16, jnp.bfloat16) else x.dtype)
    axis = _axis(axis)
    if method != "nearest":
        return fn(x, q, axis=axis, method=method, keepdims=keepdims).astype(x.dtype)
    # jax rounds a position halfway between two samples up; NumPy rounds it to the even one.
    lower = fn(x, q, axis=axis, method="lower", keepdims=keepdims)
    higher = fn(x, q, axis=axis, method="higher", keepdims=keepdims)
    valid = ~jnp.isnan(x) if skip_nan else jnp.ones(x.shape, bool)
    count = jnp.sum(valid, axis=axis, keepdims=keepdims)
    pos = q.reshape(q.shape + (1,) * count.ndim) / scale * (count - 1)
    return jnp.where(jnp.round(pos) > jnp.floor(pos), higher, lower).astype(x.dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """Quantiles ``q`` (in [0, 1]) of the non-NaN values."""
    return _quantile(jnp.nanquantile, x, q, axis, method, keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ``q`` (in [0, 100]) of the non-NaN values."""
    return _quantile(jnp.nanpercentile, x, q, axis, method, keepdims, scale=100.0)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """Percentiles ``q`` (in [0, 100]); NaN where a slice holds a NaN."""
    return _quantile(jnp.percentile, x, q, axis, method, keepdims, scale=100.0, skip_nan=False)


def nanmedian(x, axis=None, keepdims=False):
    """Median of the non-NaN values."""
    x = _float(x)
    return jnp.nanmedian(x, axis=_axis(axis), keepdims=keepdims).astype(x.dtype)


def ptp(x, axis=None, keepdims=False):
    """Range (maximum minus minimum) along ``axis``."""
    x = t(x)
    op_checks.check_ptp_dtype(x.dtype == jnp.bool_)
    return jnp.ptp(x, axis=_axis(axis), keepdims=keepdims)


def argpartition(x, kth, axis=-1):
    """Indices that partition ``x`` around its ``kth`` smallest element."""
    op_checks.check_kth(kth)
    x = t(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    n = x.shape[axis]
    op_checks.check_kth_bounds(kth, n)
    if x.dtype == jnp.bool_:
        x = x.astype(jnp.int8)
    return jnp.argpartition(x, kth % n, axis=axis).astype(jnp.int32)


# -- splitting, stacking and rearranging ------------------------------------------------
def array_split(x, indices_or_sections, axis=0):
    """Split into ``indices_or_sections`` parts whose sizes differ by at most one."""
    return list(jnp.array_split(t(x), indices_or_sections, axis=axis))


def _split(x, indices_or_sections, name):
    x = t(x)
    sections, axis = op_checks.split_plan(name, x.shape, indices_or_sections)
    return list(jnp.split(x, sections, axis=axis))


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
    return jnp.dstack(_promote(*xs))


def append(x1, x2, axis=None):
    """Concatenate ``x2`` after ``x1`` (both flattened when ``axis`` is None)."""
    x1, x2 = _promote(x1, x2)
    if axis is None:
        return jnp.concatenate([x1.reshape(-1), x2.reshape(-1)])
    op_checks.check_append_shapes(x1.shape, x2.shape, axis)
    return jnp.concatenate([x1, x2], axis=axis)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal over ``axis1``/``axis2``, placed as the last axis."""
    x = t(x)
    op_checks.check_diagonal_axes(x.shape, axis1, axis2)
    return jnp.diagonal(x, offset=offset, axis1=axis1, axis2=axis2)


def diagflat(x, k=0):
    """A 2-D tensor with the flattened ``x`` on diagonal ``k``."""
    return jnp.diagflat(t(x), k=k)


def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first towards the second)."""
    x = t(array)
    return jnp.rot90(x, k=k, axes=op_checks.rot90_axes(x.shape, axes))


def fliplr(x):
    """Reverse axis 1."""
    x = t(x)
    op_checks.need_rank("fliplr", x.shape, 2)
    return jnp.flip(x, axis=1)


def flipud(x):
    """Reverse axis 0."""
    x = t(x)
    op_checks.need_rank("flipud", x.shape, 1)
    return jnp.flip(x, axis=0)


# -- products, integrals and correlations -------------------------------------------------
def kron(x1, x2):
    """Kronecker product."""
    x1, x2 = _promote(x1, x2)
    if x1.dtype == jnp.bool_:  # no boolean multiply in XLA's kron
        return jnp.kron(x1.astype(jnp.int8), x2.astype(jnp.int8)).astype(jnp.bool_)
    return jnp.kron(x1, x2)


def inner(x1, x2):
    """Sum-product over the last axes (a product when either is a scalar)."""
    x1, x2 = _promote(x1, x2)
    op_checks.check_inner_shapes(x1.shape, x2.shape)
    return jnp.inner(x1, x2)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoid rule (sample points ``x`` or spacing ``dx``)."""
    y = _float(y)
    return jnp.trapezoid(y, x=None if x is None else t(x).astype(y.dtype), dx=dx, axis=axis)


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors, ``c[k] = sum_n x1[n + k] * x2[n]``."""
    a, b = t(x1), t(x2)
    dtype = to_jax_dtype(op_checks.correlate_dtype(a.shape, b.shape, a.dtype, b.dtype, mode))
    return jnp.correlate(a.astype(dtype), b.astype(dtype), mode=mode)


def corrcoef(x):
    """Pearson correlation coefficients between the rows of ``x``."""
    x = t(x)
    op_checks.check_corrcoef_rank(x.shape)
    dtype = jnp.float64 if x.dtype == jnp.int64 else _float(x).dtype
    return jnp.corrcoef(x.astype(dtype))


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2`` (boolean, shaped like ``x1``)."""
    x1, x2 = _promote(x1, x2)
    return jnp.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def nonzero(x):
    """Indices of the non-zero elements: one int32 vector per axis of ``x``."""
    x = t(x)
    op_checks.check_nonzero_rank(x.shape)
    return tuple(i.astype(jnp.int32) for i in jnp.nonzero(x))


def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors for ``shape`` (dtype of ``indices``)."""
    indices = t(indices)
    op_checks.check_integer_indices(jnp.issubdtype(indices.dtype, jnp.integer), indices.dtype)
    return tuple(i.astype(indices.dtype) for i in jnp.unravel_index(indices, tuple(shape)))


def slogdet(x):
    """``(sign, log|det|)`` of square matrices over the last two axes."""
    x = t(x)
    op_checks.check_square_matrices(x.shape)
    return tuple(jnp.linalg.slogdet(_float(x)))


def vectorize(pyfunc, excluded=None, signature=None):
    """NumPy-style ``vectorize`` (``jax.numpy.vectorize``): ``pyfunc`` sees core slices, loops broadcast."""
    return jnp.vectorize(pyfunc, excluded=frozenset(excluded or ()), signature=signature)
