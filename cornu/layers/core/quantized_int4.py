"""int4 ``Dense`` and ``Embedding``, as Keras 3 stores them (``EinsumDense``: ``quantized_einsum``).

Values in ``[-8, 7]`` are packed two per int8 byte along the last axis
(``quantizers.pack_int4``): a Dense kernel ``(input_dim, units)`` is stored
``(input_dim, ceil(units / 2))``, an embedding table ``(input_dim,
output_dim)`` as ``(input_dim, ceil(output_dim / 2))``.  Two schemes, chosen
by ``Int4QuantizationConfig.block_size`` (default 128) or, for a layer read
from a file, by its ``Int4DTypePolicy`` (``"int4/<block_size>"``):

* per channel (``block_size`` None or -1): symmetric abs-max with one scale
  per output unit (Dense, ``(units,)``) or per row (Embedding, ``(input_dim,)``);
  ``x ~ q / scale``;
* grouped: asymmetric with a scale and an int8 zero point per group of
  ``block_size`` along the reduced axis (Dense: input rows, scales
  ``(groups, units)``; Embedding: each row's columns, ``(input_dim, groups)``),
  plus ``g_idx``, each position's group; ``x ~ (q - zero) * scale``.

Files hold ``kernel, bias, kernel_scale[, kernel_zero, g_idx]`` and
``embeddings, embeddings_scale[, embeddings_zero, g_idx]``.
"""
import math

import numpy as np

from cornu import backend, ops
from cornu.dtype_policies.quantized import Int4DTypePolicy
from cornu.layers.core import quantized_common as qc
from cornu.quantizers.quantization_config import Int4QuantizationConfig, QuantizationConfig
from cornu.quantizers.quantizers import (
    AbsMaxQuantizer,
    abs_max_quantize_grouped_with_zero_point,
    dequantize_with_sz_map,
    pack_int4,
    unpack_int4,
)

DENSE_SPEC = ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx")
EMBEDDING_SPEC = ("_embeddings", "embeddings_scale", "embeddings_zero", "g_idx")


def block_size_for(layer, config):
    """The group size: the config's, else the layer's ``Int4DTypePolicy``'s; ``None`` means per channel."""
    if isinstance(config, Int4QuantizationConfig):
        block = config.block_size
    else:
        block = getattr(layer.dtype_policy, "block_size", None)
    return None if block in (None, -1) else block


def group_variables(layer, prefix, scale_shape, positions, block):
    """The scale (and, grouped, the zero points and ``g_idx``) variables of an int4 layer."""
    scale = qc.add_frozen(layer, f"{prefix}_scale", scale_shape)
    if block is None:
        return scale, None, None
    zero = qc.add_frozen(layer, f"{prefix}_zero", scale_shape, "int8")
    g_idx = qc.add_frozen(layer, "g_idx", (positions,), "float32")
    g_idx.assign(np.arange(positions, dtype="float32") // block)
    return scale, zero, g_idx


def finish(layer, block, config):
    """Record the group size and set the ``int4/<block>`` policy (after ``quantize()``)."""
    layer.quantization_config = config
    layer.dtype_policy = Int4DTypePolicy(f"int4/{block or -1}", layer.dtype_policy.name)


# -- Dense -----------------------------------------------------------------------------
def build_dense(layer, kernel_shape, config):
    """The int4 variables of a Dense layer (values come from ``quantize_dense`` or a file)."""
    rows, units = kernel_shape
    block = block_size_for(layer, config)
    layer.kernel = qc.add_frozen(layer, "kernel", (rows, (units + 1) // 2), "int8")
    scale_shape = (units,) if block is None else (math.ceil(rows / block), units)
    layer.kernel_scale, zero, g_idx = group_variables(layer, "kernel", scale_shape, rows, block)
    if block is not None:
        layer.kernel_zero, layer.g_idx = zero, g_idx
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, None)
    object.__setattr__(layer, "_int4_block_size", block)
    object.__setattr__(layer, "_int4_units", units)
    qc.install(layer, _dense_call, DENSE_SPEC)


def quantize_dense(layer, config):
    """``Dense.quantize("int4")``."""
    block = block_size_for(layer, config)
    kernel = qc.weight_values(layer.kernel)
    zero = None
    if block is None:
        quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=0,
                                                                                           value_range=(-8, 7)))
        values, scale = quantizer(kernel, to_numpy=True)
        scale = ops.squeeze(scale, axis=0)
    else:
        values, scale, zero = abs_max_quantize_grouped_with_zero_point(kernel, block_size=block)
    packed, _, _ = pack_int4(values, axis=-1)
    qc.drop_variable(layer, layer.kernel)
    build_dense(layer, kernel.shape, config)
    layer.kernel.assign(packed)
    layer.kernel_scale.assign(scale)
    if zero is not None:
        layer.kernel_zero.assign(zero)
    finish(layer, block, config)


def _dense_call(self, inputs, training=None):
    compute = self.compute_dtype
    unpacked = ops.cast(unpack_int4(self.kernel, self._int4_units, axis=-1), compute)  # (input_dim, units)
    scale = ops.cast(self.kernel_scale, compute)
    if self._int4_block_size is not None:
        float_kernel = dequantize_with_sz_map(unpacked, scale, self.kernel_zero, self.g_idx, group_axis=0)
        x = ops.matmul(inputs, ops.cast(float_kernel, compute))
    elif self.inputs_quantizer is None:
        x = ops.divide(ops.matmul(inputs, unpacked), scale)
    else:
        q_inputs, inputs_scale = self.inputs_quantizer(inputs, axis=-1)
        x = ops.matmul(ops.cast(q_inputs, "float32"), ops.cast(unpacked, "float32"))
        x = ops.divide(ops.cast(x, compute), ops.multiply(scale, inputs_scale))
        x = qc.straight_through(x, ops.matmul(inputs, ops.divide(unpacked, scale)))
    if self.bias is not None:
        x = ops.add(x, self.bias)
    return self.activation(x) if self.activation is not None else x


# -- Embedding -------------------------------------------------------------------------
def build_embedding(layer, config):
    """The int4 variables of an Embedding layer."""
    rows, width = layer.input_dim, layer.output_dim
    block = block_size_for(layer, config)
    layer._embeddings = qc.add_frozen(layer, "embeddings", (rows, (width + 1) // 2), "int8")
    scale_shape = (rows,) if block is None else (rows, math.ceil(width / block))
    layer.embeddings_scale, zero, g_idx = group_variables(layer, "embeddings", scale_shape, width, block)
    if block is not None:
        layer.embeddings_zero, layer.g_idx = zero, g_idx
    object.__setattr__(layer, "_int4_block_size", block)
    qc.install(layer, _embedding_call, EMBEDDING_SPEC)


def quantize_embedding(layer, config):
    """``Embedding.quantize("int4")``."""
    block = block_size_for(layer, config)
    table = qc.weight_values(layer._embeddings)
    zero = None
    if block is None:
        quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=-1,
                                                                                           value_range=(-8, 7)))
        values, scale = quantizer(table, to_numpy=True)
        scale = ops.squeeze(scale, axis=-1)
    else:  # groups run along each row: quantize the transposed table, then transpose back
        values, scale, zero = abs_max_quantize_grouped_with_zero_point(table.T, block_size=block)
        values, scale, zero = (ops.transpose(t) for t in (values, scale, zero))
    packed, _, _ = pack_int4(values, axis=-1)
    qc.drop_variable(layer, layer._embeddings)
    build_embedding(layer, config)
    layer._embeddings.assign(packed)
    layer.embeddings_scale.assign(scale)
    if zero is not None:
        layer.embeddings_zero.assign(zero)
    finish(layer, block, config)


def _embedding_call(self, inputs):
    if backend.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
        inputs = ops.cast(inputs, "int32")
    table = unpack_int4(self._embeddings, self.output_dim, axis=-1)  # (input_dim, output_dim)
    rows = ops.cast(ops.take(table, inputs, axis=0), self.compute_dtype)  # (..., output_dim)
    scale = ops.take(self.embeddings_scale, inputs, axis=0)
    if self._int4_block_size is None:
        return ops.divide(rows, ops.expand_dims(scale, axis=-1))
    zero = ops.take(self.embeddings_zero, inputs, axis=0)  # (..., groups)
    return ops.cast(dequantize_with_sz_map(rows, scale, zero, self.g_idx, group_axis=-1), self.compute_dtype)


__all__ = ["block_size_for", "group_variables", "finish", "build_dense", "quantize_dense", "build_embedding", "quantize_embedding"]
