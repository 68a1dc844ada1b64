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


__all__ = ["Quantizer", "AbsMaxQuantizer", "abs_max_quantize", "quantize_and_dequantize",
           "compute_float8_scale"]
