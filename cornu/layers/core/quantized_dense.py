"""int8 ``Dense`` and ``Embedding`` (see ``quantized_common``; int4 in ``quantized_int4``).

Dense: the kernel ``(input_dim, units)`` is quantized per output unit
(``scale = 127 / (max_i |kernel[i, u]| + 1e-7)``, shape ``(units,)``); each
call quantizes the inputs per row the same way (unless the config has no
activation quantizer), multiplies the int8 values exactly and divides by both
scales.  Files hold ``kernel, bias, kernel_scale``.

Embedding: the table ``(input_dim, output_dim)`` is quantized per row (per
token), scale shape ``(input_dim,)``; files hold ``embeddings,
embeddings_scale``.
"""
from cornu import backend, ops
from cornu.layers.core import quantized_common as qc
from cornu.layers.core import quantized_int4
from cornu.quantizers.quantization_config import QuantizationConfig
from cornu.quantizers.quantizers import AbsMaxQuantizer

DENSE_SPEC = ("kernel", "bias", "kernel_scale")
EMBEDDING_SPEC = ("_embeddings", "embeddings_scale")


def _check_mode(layer):
    mode = layer.dtype_policy.quantization_mode
    if mode not in qc.IMPLEMENTED_MODES:
        raise qc.unsupported_mode_error(layer, mode)


# -- Dense -----------------------------------------------------------------------------
def build_dense_kernel(layer, kernel_shape):
    """``Dense.build`` under a quantized dtype policy: an int8 kernel and its scale (values come from a file)."""
    _check_mode(layer)
    if layer.dtype_policy.quantization_mode == "int4":
        quantized_int4.build_dense(layer, kernel_shape, layer.quantization_config)
        return
    layer.kernel = qc.add_frozen(layer, "kernel", kernel_shape, "int8")
    layer.kernel_scale = qc.add_frozen(layer, "kernel_scale", (kernel_shape[1],))
    _setup_dense(layer, layer.quantization_config)


def quantize_dense(layer, mode, config, refuse_subclass):
    """``Dense.quantize``: int8 kernel and per-unit scales computed on the host, as Keras does."""
    if refuse_subclass:
        raise NotImplementedError(f"Layer {type(layer).__name__} does not have a `quantize` method implemented.")
    mode, config = qc.resolve(layer, mode, config)
    if mode == "int4":
        quantized_int4.quantize_dense(layer, config)
        return
    quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=0))
    values, scale = quantizer(qc.weight_values(layer.kernel), to_numpy=True)
    scale = ops.squeeze(scale, axis=0)
    shape = tuple(layer.kernel.shape)
    layer.quantization_config = config
    qc.drop_variable(layer, layer.kernel)
    layer.kernel = qc.add_frozen(layer, "kernel", shape, "int8")
    layer.kernel_scale = qc.add_frozen(layer, "kernel_scale", (shape[1],))
    layer.kernel.assign(values)
    layer.kernel_scale.assign(scale)
    qc.set_quantized_policy(layer, mode)
    _setup_dense(layer, config)


def _setup_dense(layer, config):
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())

    qc.install(layer, _dense_int8_call, DENSE_SPEC)


def _dense_int8_call(self, inputs, training=None):
    compute = self.compute_dtype
    kernel_scale = ops.cast(self.kernel_scale, compute)
    float_kernel = ops.cast(self.kernel, compute)
    if self.inputs_quantizer is None:  # weight-only: float inputs times the int8 kernel
        x = ops.divide(ops.matmul(inputs, float_kernel), kernel_scale)
    else:
        q_inputs, inputs_scale = self.inputs_quantizer(inputs, axis=-1)  # (..., input_dim), (..., 1)
        # Integer products summed in float32 (exact up to 2**24).
        x = ops.matmul(ops.cast(q_inputs, "float32"), ops.cast(self.kernel, "float32"))  # (..., units)
        x = ops.divide(ops.cast(x, compute), ops.multiply(kernel_scale, inputs_scale))
        x = qc.straight_through(x, ops.matmul(inputs, ops.divide(float_kernel, kernel_scale)))
    if self.bias is not None:
        x = ops.add(x, self.bias)
    return self.activation(x) if self.activation is not None else x


# -- Embedding -------------------------------------------------------------------------
def build_embeddings(layer):
    """``Embedding.build`` under a quantized dtype policy: an int8 table and a scale per row."""
    _check_mode(layer)
    if layer.dtype_policy.quantization_mode == "int4":
        quantized_int4.build_embedding(layer, layer.quantization_config)
        return
    layer._embeddings = qc.add_frozen(layer, "embeddings", (layer.input_dim, layer.output_dim), "int8")
    layer.embeddings_scale = qc.add_frozen(layer, "embeddings_scale", (layer.input_dim,))
    qc.install(layer, _embedding_int8_call, EMBEDDING_SPEC)


def quantize_embedding(layer, mode, config, refuse_subclass):
    """``Embedding.quantize``: each row quantized to int8 with its own scale."""
    if refuse_subclass:
        raise NotImplementedError(f"Layer {type(layer).__name__} does not have a `quantize` method implemented.")
    mode, config = qc.resolve(layer, mode, config)
    if mode == "int4":
        quantized_int4.quantize_embedding(layer, config)
        return
    quantizer = QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=-1))
    values, scale = quantizer(qc.weight_values(layer._embeddings), to_numpy=True)
    scale = ops.squeeze(scale, axis=-1)
    layer.quantization_config = config
    qc.drop_variable(layer, layer._embeddings)
    shape = (layer.input_dim, layer.output_dim)
    layer._embeddings = qc.add_frozen(layer, "embeddings", shape, "int8")
    layer.embeddings_scale = qc.add_frozen(layer, "embeddings_scale", (layer.input_dim,))
    layer._embeddings.assign(values)
    layer.embeddings_scale.assign(scale)
    qc.set_quantized_policy(layer, mode)
    qc.install(layer, _embedding_int8_call, EMBEDDING_SPEC)


def _embedding_int8_call(self, inputs):
    if backend.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
        inputs = ops.cast(inputs, "int32")
    rows = ops.take(self._embeddings, inputs, axis=0)  # (...,) -> (..., output_dim), int8
    scale = ops.take(self.embeddings_scale, inputs, axis=0)  # (...,)
    return ops.divide(ops.cast(rows, self.compute_dtype), ops.expand_dims(scale, axis=-1))


__all__ = ["build_dense_kernel", "quantize_dense", "build_embeddings", "quantize_embedding"]
