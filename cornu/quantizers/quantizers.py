"""Quantizers: map float tensors to small integers with a per-channel scale.

The scheme is symmetric abs-max quantization, as in Keras 3:
``scale = high / (max(|x|, over axis) + epsilon)`` and
``q = clip(round(x * scale), low, high)``, rounding half to even; the
original is recovered as ``q / scale``.  Scales keep the reduced axes (size
1) and the input's float dtype.
"""
import numpy as np

from cornu import backend, ops

_DEFAULT_EPSILON = backend.epsilon()


def _check_value_range(value_range, owner):
    if (not isinstance(value_range, (list, tuple)) or len(value_range) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)
            or value_range[0] >= value_range[1]):
        raise ValueError(
            f"{owner}: `value_range` must be a pair (low, high) of numbers with low < high, such as "
            f"(-127, 127); received value_range={value_range!r}."
        )
    return tuple(value_range)


def _axes_tuple(axis, ndim, owner):
    axes = (axis,) if isinstance(axis, int) and not isinstance(axis, bool) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, int) or isinstance(a, bool) or not -ndim <= a < ndim:
            raise ValueError(
                f"{owner}: `axis` must hold integers in [-{ndim}, {ndim}) for an input of rank {ndim}; "
                f"received axis={axis!r}."
            )
        out.append(a % ndim)
    return tuple(out)


class Quantizer:
    """Base class of quantizers: ``quantizer(x)`` returns the quantized tensor.

    Args:
        output_dtype: the integer dtype of the quantized values (``"int8"``).
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        """The identity; subclasses return ``(quantized, scale)``."""
        return x

    @classmethod
    def from_config(cls, config):
        """A quantizer from ``get_config()`` output."""
        return cls(**config)

    def get_config(self):
        """The constructor arguments as a JSON-able dict (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=_DEFAULT_EPSILON,
                     to_numpy=False):
    """Quantize ``inputs`` with a scale per slice along ``axis``.

    Args:
        inputs: a float tensor (or array).
        axis: the axis (or axes) reduced to find each slice's largest magnitude.
        value_range: ``(low, high)``: the integer range; the scale maps the
            largest magnitude to ``high``.
        dtype: the dtype of the quantized values.
        epsilon: added to the largest magnitude (no division by zero).
        to_numpy: compute on the host with NumPy (saves device memory).

    Returns:
        ``(quantized, scale)``: ``quantized = clip(round(inputs * scale), low, high)``
        and ``scale = high / (max|inputs| + epsilon)`` with the reduced axes kept
        (size 1), in the input's dtype.
    """
    value_range = _check_value_range(value_range, "abs_max_quantize")
    low, high = value_range
    if to_numpy:
        float_dtype = backend.standardize_dtype(getattr(inputs, "dtype", "float32"))
        array = np.asarray(ops.convert_to_numpy(inputs))
        axes = _axes_tuple(axis, array.ndim, "abs_max_quantize")
        scale = np.divide(high, np.add(np.max(np.abs(array), axis=axes, keepdims=True), epsilon))
        quantized = np.clip(np.round(np.multiply(array, scale)), low, high).astype(dtype)
        return ops.convert_to_tensor(quantized), ops.convert_to_tensor(scale, dtype=float_dtype)
    inputs = ops.convert_to_tensor(inputs)
    float_dtype = backend.standardize_dtype(inputs.dtype)
    axes = _axes_tuple(axis, len(inputs.shape), "abs_max_quantize")
    scale = ops.divide(high, ops.add(ops.max(ops.abs(inputs), axis=axes, keepdims=True), epsilon))
    scale = ops.cast(scale, float_dtype)
    quantized = ops.clip(ops.round(ops.multiply(inputs, scale)), low, high)
    return ops.cast(quantized, dtype), scale


class AbsMaxQuantizer(Quantizer):
    """Symmetric abs-max quantizer (see ``abs_max_quantize``).

    Args:
        axis: default reduction axis (or axes) when a call gives none; ``None``
            means the last axis.
        value_range: ``(low, high)`` integer range, within the output dtype.
        epsilon: added to the largest magnitude.
        output_dtype: dtype of the quantized values.
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=_DEFAULT_EPSILON, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        if axis is not None:
            axis = (axis,) if isinstance(axis, int) else tuple(axis)
        self.axis = axis
        self.value_range = _check_value_range(value_range, "AbsMaxQuantizer")
        self.epsilon = epsilon
        if output_dtype == "int8" and (self.value_range[0] < -128 or self.value_range[1] > 127):
            raise ValueError(
                "AbsMaxQuantizer: with output_dtype='int8', `value_range` must lie within [-128, 127]; "
                f"received value_range={value_range!r}."
            )

    def __call__(self, x, axis=None, to_numpy=False):
        """``(quantized, scale)`` of ``x`` reduced over ``axis`` (default: the constructor's, else -1)."""
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self):
        """The constructor arguments (``axis`` only when set)."""
        config = {"value_range": list(self.value_range), "epsilon": self.epsilon,
                  "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = list(self.axis)
        return config


# float8 formats: (mantissa bits, smallest normal exponent, largest finite value).
_FLOAT8 = {"float8_e4m3fn": (3, -6, 448.0), "float8_e5m2": (2, -14, 57344.0)}


def _round_to_float8(x, dtype):
    """``x`` rounded (half to even, subnormals included) to the nearest value of a float8 format."""
    mantissa, min_exponent, _ = _FLOAT8[dtype]
    magnitude = ops.abs(x)
    exponent = ops.maximum(ops.floor(ops.log2(ops.maximum(magnitude, 2.0 ** (min_exponent - mantissa - 1)))),
                           float(min_exponent))
    step = ops.power(2.0, ops.subtract(exponent, float(mantissa)))  # the spacing of values in x's binade
    return ops.multiply(ops.round(ops.divide(x, step)), step)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Round-trip ``inputs`` through a float8 format: ``float8(clip(inputs / scale)) * scale``.

    Args:
        inputs: the tensor.
        scale: the scale (a scalar or broadcastable tensor).
        quantized_dtype: ``"float8_e4m3fn"`` or ``"float8_e5m2"``; values are
            clipped to its finite range, then rounded to its grid.
        compute_dtype: the float dtype of the result.
    """
    if quantized_dtype not in _FLOAT8:
        raise ValueError(
            f"quantize_and_dequantize: `quantized_dtype` must be one of {sorted(_FLOAT8)}; received "
            f"quantized_dtype={quantized_dtype!r}."
        )
    limit = _FLOAT8[quantized_dtype][2]
    scale = ops.cast(scale, compute_dtype)
    x = ops.clip(ops.divide(ops.cast(inputs, compute_dtype), scale), -limit, limit)
    x = ops.cast(_round_to_float8(ops.cast(x, "float32"), quantized_dtype), compute_dtype)
    return ops.multiply(x, scale)


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale: ``1 / (dtype_max / amax / 2**margin)``; the previous
    ``scale`` is kept where ``amax`` is zero or not finite."""
    previous = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2 ** margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, previous)
    factor = ops.where(ops.isfinite(amax), factor, previous)
    return ops.reciprocal(factor)


# -- int4 ---------------------------------------------------------------------------------
def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8",
                                             epsilon=_DEFAULT_EPSILON, to_numpy=True):
    """Asymmetric quantization of a 2-D ``(rows, columns)`` tensor in groups of ``block_size`` rows.

    Rows are zero-padded to a multiple of ``block_size`` (the padding counts in
    the last group's range).  Per group and column:
    ``scale = (max - min + epsilon) / (high - low)``,
    ``zero = clip(round(-min / scale) + low, low, high)`` and
    ``q = clip(round(x / scale) + zero, low, high)``; ``x ~ (q - zero) * scale``.

    Args:
        inputs: the ``(rows, columns)`` tensor.
        block_size: rows per group (a positive int).
        value_range: ``(low, high)`` integer range.
        dtype: dtype of the quantized values.
        epsilon: added to each group's range.
        to_numpy: accepted for Keras compatibility (the work is done on the host).

    Returns:
        ``(quantized, scale, zero)``: ``(rows, columns)`` values,
        ``(groups, columns)`` float scales in the input's dtype and int8 zero points.
    """
    del to_numpy
    if not isinstance(block_size, int) or isinstance(block_size, bool) or block_size <= 0:
        raise ValueError(f"`block_size` must be a positive integer; received block_size={block_size!r}.")
    low, high = _check_value_range(value_range, "abs_max_quantize_grouped_with_zero_point")
    float_dtype = backend.standardize_dtype(getattr(inputs, "dtype", "float32"))
    array = np.asarray(ops.convert_to_numpy(inputs))
    if array.ndim != 2:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point expects a 2-D tensor; received shape "
                         f"{array.shape}.")
    rows, columns = array.shape
    groups = -(-rows // block_size)
    padded = np.concatenate([array, np.zeros((groups * block_size - rows, columns), array.dtype)], axis=0)
    blocks = padded.reshape(groups, block_size, columns)
    smallest = blocks.min(axis=1, keepdims=True)
    scale = np.divide(np.subtract(blocks.max(axis=1, keepdims=True), smallest) + epsilon, high - low)
    zero = np.clip(np.round(np.divide(-smallest, scale)) + low, low, high)
    quantized = np.clip(np.round(np.divide(blocks, scale)) + zero, low, high).astype(dtype)
    quantized = quantized.reshape(groups * block_size, columns)[:rows]
    return (ops.convert_to_tensor(quantized), ops.convert_to_tensor(scale[:, 0], dtype=float_dtype),
            ops.convert_to_tensor(zero[:, 0].astype("int8")))


def pack_int4(arr, axis=0, dtype="int8"):
    """Pack int4 values (``[-8, 7]``, held in int8) two per byte along ``axis``.

    Element ``2k`` goes to the low nibble of byte ``k`` and element ``2k + 1``
    to its high nibble; an odd length is padded with a zero.

    Returns:
        ``(packed, packed_shape, original_length)``.
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"pack_int4: `dtype` must be 'int8' or 'uint8'; received dtype={dtype!r}.")
    if backend.standardize_dtype(arr.dtype) != dtype:
        raise TypeError(f"pack_int4 expects a {dtype} tensor; received {backend.standardize_dtype(arr.dtype)}.")
    values = np.moveaxis(np.asarray(ops.convert_to_numpy(arr)), axis, 0)
    length = values.shape[0]
    if length % 2:
        values = np.concatenate([values, np.zeros((1,) + values.shape[1:], values.dtype)], axis=0)
    nibbles = values.astype(np.int16) & 0x0F
    packed = (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).view(np.dtype(dtype))
    packed = np.moveaxis(packed, 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Undo ``pack_int4``: ``orig_len`` values along ``axis`` (signed ``[-8, 7]`` for ``dtype="int8"``,
    ``[0, 15]`` for ``"uint8"``)."""
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"unpack_int4: `dtype` must be 'int8' or 'uint8'; received dtype={dtype!r}.")
    packed = ops.convert_to_tensor(packed)
    rank = len(packed.shape)
    axis = axis % rank
    wide = ops.cast(ops.moveaxis(packed, axis, -1), "int32")
    low = ops.bitwise_and(wide, 15)
    high = ops.bitwise_and(ops.right_shift(wide, 4), 15)
    nibbles = ops.stack([low, high], axis=-1)  # (..., n, 2): byte k gives elements 2k, 2k+1
    if dtype == "int8":
        nibbles = ops.where(ops.greater_equal(nibbles, 8), ops.subtract(nibbles, 16), nibbles)
    shape = tuple(packed.shape)
    moved = shape[:axis] + shape[axis + 1:]
    values = ops.reshape(nibbles, moved + (2 * shape[axis],))[..., :orig_len]
    return ops.cast(ops.moveaxis(values, -1, axis), dtype)


def dequantize_with_sz_map(weights_matrix, scale, zero, g_idx, group_axis=-1):
    """``(weights - zero[g]) * scale[g]`` where ``g = g_idx`` picks each position's group along
    ``group_axis`` of ``scale``/``zero``."""
    groups = ops.cast(g_idx, "int32")
    scale = ops.take(scale, groups, axis=group_axis)
    zero = ops.cast(ops.take(zero, groups, axis=group_axis), scale.dtype)
    return ops.multiply(ops.subtract(weights_matrix, zero), scale)


__all__ = ["abs_max_quantize_grouped_with_zero_point", "pack_int4", "unpack_int4", "dequantize_with_sz_map",
           "Quantizer", "AbsMaxQuantizer", "abs_max_quantize", "quantize_and_dequantize",
           "compute_float8_scale"]
