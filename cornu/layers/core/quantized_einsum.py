"""int8 ``EinsumDense`` (see ``quantized_common``).

The kernel is quantized per output channel: its scale reduces the kernel axes
that are not output axes.  Each call quantizes the inputs over their axes
that are not output axes.  Both scales are stored, as Keras stores them,
*aligned with the output*: one axis per output letter, sized like the output
where the tensor has that letter and 1 elsewhere.  For ``"abc,cde->abde"``
the kernel scale has shape ``(1, 1, d, e)``.  Files hold
``kernel, bias, kernel_scale``; int4 (below) adds ``kernel_zero, g_idx`` when grouped.
"""
import math
import string

import numpy as np

from cornu import ops
from cornu.layers.core import quantized_common as qc
from cornu.layers.core import quantized_int4
from cornu.quantizers.quantization_config import QuantizationConfig
from cornu.quantizers.quantizers import (
    AbsMaxQuantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
    dequantize_with_sz_map,
    pack_int4,
    unpack_int4,
)

SPEC = ("_kernel", "bias", "kernel_scale")
INT4_SPEC = ("_kernel", "bias", "kernel_scale", "kernel_zero", "g_idx")


class Int8Layout:
    """Letters of an ``EinsumDense`` equation for inputs of rank ``input_ndim`` (an ellipsis spelled out)
    and how scales move between a tensor's layout and the output's.

    Args:
        equation: the layer's equation.
        input_ndim: the rank of its inputs.
    """

    def __init__(self, equation, input_ndim):
        lhs, out = equation.replace(" ", "").split("->")
        inp, ker = lhs.split(",")
        if "..." in inp:
            spare = "".join(c for c in string.ascii_letters if c not in equation)
            fill = spare[:input_ndim - (len(inp) - 3)]
            inp, out = inp.replace("...", fill), out.replace("...", fill)
        self.inputs, self.kernel, self.output = inp, ker, out
        self.input_reduced = tuple(i for i, c in enumerate(inp) if c not in out)
        self.kernel_reduced = tuple(i for i, c in enumerate(ker) if c not in out)

    def kernel_scale_shape(self, kernel_shape):
        """The stored kernel scale's shape: the kernel's size for each output letter it has, else 1."""
        return tuple(kernel_shape[self.kernel.index(c)] if c in self.kernel else 1 for c in self.output)

    def _to_output(self, scale, spec, reduced, lib):
        """``scale`` (``spec``'s layout, size 1 on ``reduced`` axes) -> the output-aligned layout."""
        kept = [c for c in spec if c in self.output]
        if reduced:
            scale = lib.squeeze(scale, axis=reduced)
        order = sorted(range(len(kept)), key=lambda i: self.output.index(kept[i]))
        if order != list(range(len(kept))):
            scale = lib.transpose(scale, order)
        for position, c in enumerate(self.output):  # size-1 axes where ``spec`` lacks an output letter
            if c not in spec:
                scale = lib.expand_dims(scale, position)
        return scale

    def kernel_scale_to_output(self, scale):
        """A NumPy kernel scale with kept reduced axes -> the stored layout."""
        return self._to_output(np.asarray(scale), self.kernel, self.kernel_reduced, np)

    def input_scale_to_output(self, scale):
        """An input scale with kept reduced axes (a tensor) -> the output-aligned layout."""
        return self._to_output(scale, self.inputs, self.input_reduced, ops)

    def kernel_scale_to_kernel(self, scale):
        """The stored kernel scale -> the kernel's layout (size 1 on reduced axes), to dequantize."""
        missing = tuple(i for i, c in enumerate(self.output) if c not in self.kernel)
        if missing:
            scale = ops.squeeze(scale, axis=missing)
        kept = [c for c in self.output if c in self.kernel]
        order = sorted(range(len(kept)), key=lambda i: self.kernel.index(kept[i]))
        if order != list(range(len(kept))):
            scale = ops.transpose(scale, order)
        for axis in self.kernel_reduced:
            scale = ops.expand_dims(scale, axis)
        return scale


def build_kernel(layer, kernel_shape, input_ndim):
    """``EinsumDense.build`` under a quantized dtype policy: an int8 kernel and its scale."""
    mode = layer.dtype_policy.quantization_mode
    if mode == "int4":
        _build_int4(layer, kernel_shape, input_ndim, layer.quantization_config)
        return
    if mode != "int8":
        raise qc.unsupported_mode_error(layer, mode)
    layout = Int8Layout(layer.equation, input_ndim)
    layer._kernel = qc.add_frozen(layer, "kernel", kernel_shape, "int8")
    layer.kernel_scale = qc.add_frozen(layer, "kernel_scale", layout.kernel_scale_shape(kernel_shape))
    _setup(layer, layout, layer.quantization_config)


def quantize(layer, mode, config, refuse_subclass):
    """``EinsumDense.quantize``: int8 kernel, per-output-channel scale computed on the host, as Keras."""
    if refuse_subclass:
        raise NotImplementedError(f"Layer {type(layer).__name__} does not have a `quantize` method implemented.")
    mode, config = qc.resolve(layer, mode, config)
    if mode == "int4":
        _quantize_int4(layer, config)
        return
    layout = Int8Layout(layer.equation, layer.input_spec.ndim)
    quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=layout.kernel_reduced))
    values, scale = quantizer(qc.weight_values(layer._kernel), to_numpy=True)
    scale = layout.kernel_scale_to_output(ops.convert_to_numpy(scale))
    shape = tuple(layer._kernel.shape)
    layer.quantization_config = config
    qc.drop_variable(layer, layer._kernel)
    layer._kernel = qc.add_frozen(layer, "kernel", shape, "int8")
    layer.kernel_scale = qc.add_frozen(layer, "kernel_scale", scale.shape)
    layer._kernel.assign(values)
    layer.kernel_scale.assign(scale)
    qc.set_quantized_policy(layer, mode)
    _setup(layer, layout, config)


def _setup(layer, layout, config):
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())
    object.__setattr__(layer, "_int8_layout", layout)
    qc.install(layer, _int8_call, SPEC)


def _int8_call(self, inputs, training=None):
    layout = self._int8_layout
    compute = self.compute_dtype
    kernel_scale = ops.cast(self.kernel_scale, compute)
    if self.inputs_quantizer is None:  # weight-only: float inputs times the int8 kernel
        x = ops.divide(ops.einsum(self.equation, inputs, ops.cast(self._kernel, compute)), kernel_scale)
    else:
        q_inputs, inputs_scale = self.inputs_quantizer(inputs, axis=layout.input_reduced)
        inputs_scale = layout.input_scale_to_output(inputs_scale)
        # Integer products summed in float32 (exact up to 2**24).
        x = ops.einsum(self.equation, ops.cast(q_inputs, "float32"), ops.cast(self._kernel, "float32"))
        x = ops.divide(ops.cast(x, compute), ops.multiply(inputs_scale, kernel_scale))
        float_kernel = ops.divide(ops.cast(self._kernel, compute), layout.kernel_scale_to_kernel(kernel_scale))
        x = qc.straight_through(x, ops.einsum(self.equation, inputs, float_kernel))
    if self.bias is not None:
        x = ops.add(x, self.bias)
    if self.activation is not None:
        x = self.activation(x)
    return x


# -- int4 ---------------------------------------------------------------------------------
# As Keras: the kernel is reshaped (not transposed) to (rows, columns), rows the product of the reduced
# axes' sizes, and packed along the columns; scales per column, or per group of rows and column.
def _flat_shape(layout, kernel_shape):
    rows = math.prod(d for i, d in enumerate(kernel_shape) if i in layout.kernel_reduced)
    return rows, math.prod(kernel_shape) // rows


def _build_int4(layer, kernel_shape, input_ndim, config):
    layout = Int8Layout(layer.equation, input_ndim)
    rows, columns = _flat_shape(layout, kernel_shape)
    block = quantized_int4.block_size_for(layer, config)
    layer._kernel = qc.add_frozen(layer, "kernel", (rows, (columns + 1) // 2), "int8")
    scale_shape = (columns,) if block is None else (math.ceil(rows / block), columns)
    layer.kernel_scale, zero, g_idx = quantized_int4.group_variables(layer, "kernel", scale_shape, rows, block)
    if block is not None:
        layer.kernel_zero, layer.g_idx = zero, g_idx
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, None)
    object.__setattr__(layer, "_int8_layout", layout)
    object.__setattr__(layer, "_int4_block_size", block)
    object.__setattr__(layer, "_int4_shapes", (columns, tuple(kernel_shape)))
    qc.install(layer, _int4_call, INT4_SPEC)


def _quantize_int4(layer, config):
    layout = Int8Layout(layer.equation, layer.input_spec.ndim)
    kernel = qc.weight_values(layer._kernel)
    flat = kernel.reshape(_flat_shape(layout, kernel.shape))
    block = quantized_int4.block_size_for(layer, config)
    zero = None
    if block is None:
        values, scale = abs_max_quantize(flat, axis=0, value_range=(-8, 7), to_numpy=True)
        scale = ops.squeeze(scale, axis=0)
    else:
        values, scale, zero = abs_max_quantize_grouped_with_zero_point(flat, block_size=block)
    packed, _, _ = pack_int4(values, axis=-1)
    qc.drop_variable(layer, layer._kernel)
    _build_int4(layer, kernel.shape, layer.input_spec.ndim, config)
    layer._kernel.assign(packed)
    layer.kernel_scale.assign(scale)
    if zero is not None:
        layer.kernel_zero.assign(zero)
    quantized_int4.finish(layer, block, config)


def _int4_call(self, inputs, training=None):
    compute = self.compute_dtype
    columns, kernel_shape = self._int4_shapes
    unpacked = ops.cast(unpack_int4(self._kernel, columns, axis=-1), compute)  # (rows, columns)
    scale = ops.cast(self.kernel_scale, compute)
    if self._int4_block_size is None:
        float_kernel = ops.divide(unpacked, scale)
    else:
        float_kernel = ops.cast(dequantize_with_sz_map(unpacked, scale, self.kernel_zero, self.g_idx, group_axis=0),
                                compute)
    float_kernel = ops.reshape(float_kernel, kernel_shape)
    if self.inputs_quantizer is not None and self._int4_block_size is None:
        layout = self._int8_layout
        q_inputs, inputs_scale = self.inputs_quantizer(inputs, axis=layout.input_reduced)
        x = ops.einsum(self.equation, ops.cast(q_inputs, compute), float_kernel)
        x = ops.divide(x, layout.input_scale_to_output(inputs_scale))
        x = qc.straight_through(x, ops.einsum(self.equation, inputs, float_kernel))
    else:
        x = ops.einsum(self.equation, inputs, float_kernel)
    if self.bias is not None:
        x = ops.add(x, self.bias)
    if self.activation is not None:
        x = self.activation(x)
    return x


__all__ = ["Int8Layout", "build_kernel", "quantize"]
