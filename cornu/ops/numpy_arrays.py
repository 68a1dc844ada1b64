"""NumPy ops over whole arrays beyond the core set (NaN-aware reductions, percentiles,
splitting and reshaping helpers); part of ``cornu.ops.numpy``."""
from cornu import backend
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.backend.common import op_checks
from cornu.ops.operation import FunctionOperation, make_op

_b = backend.numpy


class _SpecOperation(FunctionOperation):
    """A function op whose output spec ``spec`` gives where running on placeholders cannot
    (shapes that depend on values or on unknown sizes); ``spec`` returning None defers to that."""

    def __init__(self, fn, name, spec):
        self._spec = spec
        super().__init__(fn, name)

    def compute_output_spec(self, *args, **kwargs):
        out = self._spec(*args, **kwargs)
        return super().compute_output_spec(*args, **kwargs) if out is None else out


def _spec_op(fn, name, doc, spec):
    def op(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return _SpecOperation(fn, name, spec)(*args, **kwargs)
        return fn(*args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    op.__wrapped__ = fn
    return op


# -- NaN-aware reductions and quantiles -----------------------------------------------
nanargmax = make_op(
    _b.nanargmax, "nanargmax",
    "Indices of the largest values ignoring NaNs (int32; -1 for an all-NaN slice).")
nanargmin = make_op(
    _b.nanargmin, "nanargmin",
    "Indices of the smallest values ignoring NaNs (int32; -1 for an all-NaN slice).")
nancumprod = make_op(
    _b.nancumprod, "nancumprod",
    "Cumulative product treating NaNs as one (flattened when `axis` is None).")
nancumsum = make_op(
    _b.nancumsum, "nancumsum",
    "Cumulative sum treating NaNs as zero (flattened when `axis` is None).")
nanmax = make_op(_b.nanmax, "nanmax", "Maximum over `axis` ignoring NaNs; NaN where every value is NaN.")
nanmin = make_op(_b.nanmin, "nanmin", "Minimum over `axis` ignoring NaNs; NaN where every value is NaN.")
nanmean = make_op(_b.nanmean, "nanmean", "Mean over `axis` of the non-NaN values (integers give floatx).")
nanmedian = make_op(
    _b.nanmedian, "nanmedian",
    "Median over `axis` of the non-NaN values (integers give floatx).")
nanprod = make_op(_b.nanprod, "nanprod", "Product over `axis` treating NaNs as one.")
nansum = make_op(_b.nansum, "nansum", "Sum over `axis` treating NaNs as zero.")
nanstd = make_op(_b.nanstd, "nanstd", "Population standard deviation over `axis` of the non-NaN values.")
nanvar = make_op(_b.nanvar, "nanvar", "Population variance over `axis` of the non-NaN values.")
nanquantile = make_op(
    _b.nanquantile, "nanquantile",
    "Quantiles `q` (in [0, 1]) over `axis` ignoring NaNs; `method` is 'linear', 'lower', 'higher', "
    "'midpoint' or 'nearest', and a sequence `q` adds a leading axis.")
nanpercentile = make_op(
    _b.nanpercentile, "nanpercentile",
    "Percentiles `q` (in [0, 100]) over `axis` ignoring NaNs; `method` as for `nanquantile`.")
percentile = make_op(
    _b.percentile, "percentile",
    "Percentiles `q` (in [0, 100]) over `axis`; `method` as for `nanquantile`.")
ptp = make_op(_b.ptp, "ptp", "Peak to peak: maximum minus minimum over `axis`.")
argpartition = make_op(
    _b.argpartition, "argpartition",
    "Indices (int32) that put the `kth` smallest element in place along `axis`, smaller ones "
    "before it and larger ones after it (flattened when `axis` is None).")


# -- splitting ------------------------------------------------------------------------
def _split_spec(axis_of):
    """Spec for splits into a known number of parts along an axis of unknown size; None
    (run the engine on placeholders, which also validates) in every other case."""

    def spec(x, indices_or_sections, *args, **kwargs):
        axis = axis_of(len(x.shape), *args, **kwargs)
        if axis is None or not isinstance(indices_or_sections, int) or indices_or_sections <= 0 \
                or x.shape[axis] is not None:
            return None
        return [KerasTensor(tuple(x.shape), dtype=x.dtype) for _ in range(indices_or_sections)]

    return spec


_array_split = _spec_op(
    _b.array_split, "array_split", None,
    _split_spec(lambda rank, axis=0: axis if -rank <= axis < rank else None))


def array_split(x, indices_or_sections, axis=0):
    """Split `x` into `indices_or_sections` parts along `axis`; sizes differ by at most one,
    the first parts being the larger."""
    if not isinstance(indices_or_sections, int) or isinstance(indices_or_sections, bool):
        raise TypeError(
            "Argument `indices_or_sections` must be an int (the number of parts). "
            f"Received: indices_or_sections={indices_or_sections!r}"
        )
    if indices_or_sections <= 0:
        raise ValueError(
            "Argument `indices_or_sections` must be positive. "
            f"Received: indices_or_sections={indices_or_sections}"
        )
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"Argument `axis` must be an int. Received: axis={axis!r}")
    return _array_split(x, indices_or_sections, axis=axis)


hsplit = _spec_op(
    _b.hsplit, "hsplit",
    "Split along axis 1 (axis 0 for 1-D `x`): an int gives that many equal parts, a list gives "
    "split indices.",
    _split_spec(lambda rank: {0: None, 1: 0}.get(rank, 1)))
vsplit = _spec_op(
    _b.vsplit, "vsplit",
    "Split along axis 0 (`x` at least 2-D): an int gives that many equal parts, a list gives split indices.",
    _split_spec(lambda rank: 0 if rank >= 2 else None))
dsplit = _spec_op(
    _b.dsplit, "dsplit",
    "Split along axis 2 (`x` at least 3-D): an int gives that many equal parts, a list gives split indices.",
    _split_spec(lambda rank: 2 if rank >= 3 else None))


# -- stacking and rearranging -------------------------------------------------------------
dstack = make_op(
    _b.dstack, "dstack",
    "Stack tensors along the third axis (1-D and 2-D inputs are promoted to 3-D first).")
append = make_op(
    _b.append, "append",
    "Append `x2` to `x1` along `axis` (both flattened when `axis` is None).")
diagonal = make_op(
    _b.diagonal, "diagonal",
    "The diagonal at `offset` over `axis1`/`axis2`, as the last axis of the result.")
diagflat = make_op(_b.diagflat, "diagflat", "A 2-D tensor holding the flattened `x` on diagonal `k`.")
rot90 = make_op(
    _b.rot90, "rot90",
    "Rotate `array` by 90 degrees `k` times in the plane of `axes`, from the first axis towards the second.")
fliplr = make_op(_b.fliplr, "fliplr", "Reverse the order along axis 1 (left/right).")
flipud = make_op(_b.flipud, "flipud", "Reverse the order along axis 0 (up/down).")


# -- products, integrals, correlations and indices ------------------------------------------
kron = make_op(_b.kron, "kron", "Kronecker product of `x1` and `x2`.")
inner = make_op(
    _b.inner, "inner",
    "Inner product over the last axes of `x1` and `x2` (a product for scalars).")
trapezoid = make_op(
    _b.trapezoid, "trapezoid",
    "Integrate `y` along `axis` with the trapezoid rule, at sample points `x` or spacing `dx`.")
correlate = make_op(
    _b.correlate, "correlate",
    "Cross-correlation of 1-D `x1` and `x2`; `mode` is 'valid', 'same' or 'full' (NumPy's conventions).")
corrcoef = make_op(
    _b.corrcoef, "corrcoef",
    "Pearson correlation coefficients between the rows (variables) of `x`.")
isin = make_op(
    _b.isin, "isin",
    "Boolean tensor shaped like `x1`: whether each element occurs in `x2` (`invert` negates).")


def _nonzero_spec(x):
    op_checks.check_nonzero_rank(x.shape)
    return tuple(KerasTensor((None,), dtype="int32") for _ in x.shape)


nonzero = _spec_op(
    _b.nonzero, "nonzero",
    "Indices of the non-zero elements of `x`: a tuple of int32 vectors, one per axis (their "
    "length is unknown until run).",
    _nonzero_spec)
unravel_index = make_op(
    _b.unravel_index, "unravel_index",
    "Convert flat integer `indices` into a tuple of coordinate tensors for a tensor of `shape`.")
slogdet = make_op(
    _b.slogdet, "slogdet",
    "Sign and natural log of the absolute determinant of square matrices: `(sign, logabsdet)`.")


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turn `pyfunc` into a function that maps it over the broadcast leading axes of its tensor
    arguments, like `numpy.vectorize`. `signature` (e.g. ``"(m,n),(n)->(m)"``) names the core axes
    `pyfunc` sees; without it `pyfunc` sees scalars. `excluded` holds positions or keyword names
    passed through unchanged. The result also works on symbolic inputs."""
    if not callable(pyfunc):
        raise ValueError(f"Expected argument `pyfunc` to be a callable. Received: pyfunc={pyfunc!r}")
    if signature is not None and not isinstance(signature, str):
        raise TypeError(
            f"Argument `signature` must be a string such as '(n)->()'. Received: signature={signature!r}"
        )
    fn = _b.vectorize(pyfunc, excluded=excluded, signature=signature)
    return make_op(fn, "vectorize", pyfunc.__doc__ or "A vectorized function.")


__all__ = [
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanpercentile", "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "ptp",
    "argpartition", "array_split", "hsplit", "vsplit", "dsplit", "dstack", "append", "diagonal",
    "diagflat", "rot90", "fliplr", "flipud", "kron", "inner", "trapezoid", "correlate", "corrcoef",
    "isin", "nonzero", "unravel_index", "slogdet", "vectorize",
]
