"""Engine-independent argument checks and shape arithmetic of the extra NumPy ops
(``numpy_arrays``, ``numpy_elementwise``) and nn ops (``nn_extra``), shared by both engines.

Pure Python (and NumPy for index tables): these helpers read shapes, ints and dtypes,
never engine tensors, so each engine file keeps only the tensor arithmetic.
"""
import re

import numpy as np

from cornu.backend import config
from cornu.backend.common import dtypes

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


# -- numpy_arrays: reductions and quantiles -----------------------------------------------
def reduced_dims(ndim, axis):
    """The reduced dimensions of a rank-``ndim`` tensor for ``axis`` (None: all), sorted and non-negative."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of bounds for a tensor of rank {ndim}.")
    return tuple(sorted({a % max(ndim, 1) for a in axes})) if ndim else ()


def check_quantile_method(method):
    if method not in QUANTILE_METHODS:
        raise ValueError(
            f"Invalid `method`: {method!r}. Expected one of {', '.join(map(repr, QUANTILE_METHODS))}.")


def check_ptp_dtype(is_bool):
    if is_bool:
        raise TypeError("ptp: `x` must be numeric, not bool (the difference of booleans is undefined).")


def check_kth(kth):
    if not isinstance(kth, int) or isinstance(kth, bool):
        raise ValueError(f"argpartition: `kth` must be an integer. Received: kth={kth!r}")


def check_kth_bounds(kth, n):
    if not -n <= kth < n:
        raise ValueError(f"argpartition: `kth`={kth} is out of bounds for an axis of size {n}.")


# -- numpy_arrays: splitting, stacking and rearranging --------------------------------------
def split_sections(name, shape, indices_or_sections, axis):
    """``indices_or_sections`` checked for an equal split of ``shape[axis]`` (an int), or as a list of ints."""
    if isinstance(indices_or_sections, int):
        size = shape[axis]
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(
                f"{name}: `indices_or_sections`={indices_or_sections} must divide the size {size} "
                f"of axis {axis} into equal parts."
            )
        return indices_or_sections
    return [int(i) for i in indices_or_sections]


# name -> (least rank, the split axis for a rank)
_SPLIT_AXES = {"hsplit": (1, lambda ndim: 0 if ndim == 1 else 1), "vsplit": (2, lambda ndim: 0),
               "dsplit": (3, lambda ndim: 2)}


def split_plan(name, shape, indices_or_sections):
    """``(sections, axis)`` of hsplit/vsplit/dsplit for a tensor of ``shape``, checked."""
    rank, axis_of = _SPLIT_AXES[name]
    need_rank(name, shape, rank)
    axis = axis_of(len(shape))
    return split_sections(name, shape, indices_or_sections, axis), axis


def need_rank(name, shape, rank):
    if len(shape) < rank:
        raise ValueError(f"{name} needs a tensor of rank >= {rank}. Received: x.shape={tuple(shape)}")


def check_append_shapes(shape1, shape2, axis):
    ndim = len(shape1)
    if ndim != len(shape2) or [s for i, s in enumerate(shape1) if i != axis % ndim] != [
            s for i, s in enumerate(shape2) if i != axis % ndim]:
        raise ValueError(
            f"append: `x1` and `x2` must have the same shape except along axis {axis}. Received: "
            f"x1.shape={tuple(shape1)}, x2.shape={tuple(shape2)}"
        )


def check_diagonal_axes(shape, axis1, axis2):
    need_rank("diagonal", shape, 2)
    if axis1 % len(shape) == axis2 % len(shape):
        raise ValueError(f"diagonal: `axis1` and `axis2` must differ. Received: axis1={axis1}, axis2={axis2}")


def rot90_axes(shape, axes):
    """``axes`` as a checked pair of different axes of a tensor of ``shape``."""
    need_rank("rot90", shape, 2)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % len(shape) == axes[1] % len(shape):
        raise ValueError(f"rot90: `axes` must be two different axes of `array`. Received: axes={axes}")
    return axes


# -- numpy_arrays: products, correlations and indices ----------------------------------------
def check_inner_shapes(shape1, shape2):
    if len(shape1) and len(shape2) and shape1[-1] != shape2[-1]:
        raise ValueError(
            f"inner: the last axes of `x1` and `x2` must match. Received: x1.shape={tuple(shape1)}, "
            f"x2.shape={tuple(shape2)}"
        )


def correlate_dtype(shape1, shape2, dtype1, dtype2, mode):
    """Check correlate's 1-D inputs and ``mode``; the name of the dtype it computes in."""
    for name, shape in (("x1", shape1), ("x2", shape2)):
        if len(shape) != 1:
            raise ValueError(f"correlate: `{name}` must be 1-D. Received: {name}.shape={tuple(shape)}")
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"Invalid `mode`: {mode!r}. Expected one of 'valid', 'same', 'full'.")
    dtype = dtypes.result_type(dtype1, dtype2)
    return "float64" if dtype == "int64" else dtype if dtype in ("bfloat16", "float16", "float64") else "float32"


def check_corrcoef_rank(shape):
    if len(shape) > 2:
        raise ValueError(f"corrcoef: `x` must be 1-D or 2-D. Received: x.shape={tuple(shape)}")


def check_nonzero_rank(shape):
    if len(shape) == 0:
        raise ValueError("nonzero: `x` must have rank >= 1 (a 0-d tensor has no axes to index).")


def check_integer_indices(is_integer, dtype):
    if not is_integer:
        raise TypeError(f"unravel_index: `indices` must be integers. Received dtype {dtype}.")


def check_square_matrices(shape):
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"slogdet: `x` must be square matrices (..., n, n). Received: x.shape={tuple(shape)}")


# -- numpy_arrays: vectorize signatures ----------------------------------------------------
def parse_signature(signature):
    """``"(m,n),(n)->(m)"`` -> ([("m", "n"), ("n",)], [("m",)])."""
    sides = signature.replace(" ", "").split("->")
    pattern = r"\((\w*(?:,\w+)*)\)"
    parsed = []
    for side in sides:
        groups = re.findall(pattern, side)
        if len(sides) != 2 or ",".join(f"({g})" for g in groups) != side:
            raise ValueError(f"Invalid `signature`: {signature!r}. Expected e.g. '(m,n),(n)->(m)'.")
        parsed.append([tuple(d for d in g.split(",") if d) for g in groups])
    return parsed


def loop_and_core(shapes, core, signature):
    """Split each input shape into (loop shape, core shape), checking that core sizes agree."""
    if len(core) != len(shapes):
        raise ValueError(
            f"vectorize: `signature` {signature!r} describes {len(core)} inputs; the call passed "
            f"{len(shapes)} vectorized arguments."
        )
    sizes, out = {}, []
    for shape, dims in zip(shapes, core):
        shape = tuple(shape)
        split = len(shape) - len(dims)
        if split < 0:
            raise ValueError(f"vectorize: an input of shape {shape} has fewer than {len(dims)} core axes.")
        for d, size in zip(dims, shape[split:]):
            if sizes.setdefault(d, size) != size:
                raise ValueError(f"vectorize: core dimension {d!r} has inconsistent sizes {sizes[d]} and {size}.")
        out.append((shape[:split], shape[split:]))
    return out


# -- numpy_elementwise ------------------------------------------------------------------------
def check_integer_or_bool(op, arg, dtype):
    kind = dtypes.standardize_dtype(dtype)
    if kind not in dtypes.INT_TYPES + ("bool",):
        raise TypeError(f"`{op}` needs an integer or boolean tensor for argument `{arg}`. Received dtype {kind}.")


def integer_pair_dtype(op, names, dtype1, dtype2, allow_bool=True):
    """The promoted dtype name of an integer op's operands; each must be an integer or boolean
    tensor (and, unless ``allow_bool``, not both boolean)."""
    for arg, dtype in zip(names, (dtype1, dtype2)):
        check_integer_or_bool(op, arg, dtype)
    dtype = dtypes.result_type(dtype1, dtype2)
    if dtype == "bool" and not allow_bool:
        raise TypeError(f"`{op}` needs an integer operand for argument `{names[0]}` or `{names[1]}`. "
                        "Received two boolean tensors.")
    return dtype


def check_integer_exponent(dtype):
    kind = dtypes.standardize_dtype(dtype)
    if kind not in dtypes.INT_TYPES:
        raise TypeError(f"`ldexp` needs an integer exponent for argument `x2`. Received dtype {kind}.")


def space_dtype(dtype, found):
    """logspace/geomspace's output dtype: ``dtype``, else the float promotion of ``found``
    (the dtypes of the non-scalar endpoints, an iterable read only when needed), else floatx."""
    if dtype is not None:
        return dtype
    found = list(found)
    name = dtypes.result_type(*found) if found else config.floatx()
    return name if name in dtypes.FLOAT_TYPES else config.floatx()


def check_view(shape, old_size, new_size, dtype):
    if old_size == new_size:
        return
    if not shape:
        raise ValueError(f"`view` cannot reinterpret a scalar as dtype {dtype!r}: the item sizes differ.")
    if (shape[-1] * old_size) % new_size:
        raise ValueError(f"`view` cannot reinterpret shape {shape} ({old_size}-byte items) as dtype {dtype!r}: "
                         f"the last axis holds {shape[-1] * old_size} bytes, not a multiple of {new_size}.")


# -- nn_extra ---------------------------------------------------------------------------------
def pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def spatial_size(output_size, rank):
    """Adaptive pooling's ``output_size`` as one int per spatial axis of a rank-``rank`` input."""
    return (output_size,) * (rank - 2) if isinstance(output_size, int) else tuple(output_size)


def adaptive_windows(size, out):
    """Gather indices ``(out, width)`` of the ``out`` adaptive bins over ``size`` elements (past a
    bin's end: its last element, harmless for a max), and which of them lie inside their bin."""
    i = np.arange(out)
    start, end = (i * size) // out, -((-(i + 1) * size) // out)
    width = int((end - start).max())
    index = start[:, None] + np.arange(width)[None, :]
    valid = index < end[:, None]
    return np.where(valid, index, end[:, None] - 1), valid


def unfold_blocks(size, kernel, dilation, padding, stride):
    """The number of sliding blocks along each of the two spatial axes of unfold/fold."""
    return tuple((size[a] + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1 for a in (0, 1))


def block_slices(blocks, kernel, dilation, stride):
    """For each kernel offset ``(i, j)``, the strided slices of the padded image it touches."""
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            rows = slice(i * dilation[0], i * dilation[0] + (blocks[0] - 1) * stride[0] + 1, stride[0])
            cols = slice(j * dilation[1], j * dilation[1] + (blocks[1] - 1) * stride[1] + 1, stride[1])
            yield i, j, rows, cols
