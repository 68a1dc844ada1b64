"""``Dense``: ``activation(inputs @ kernel + bias)``."""
from cornu import activations, backend, constraints, initializers, ops, regularizers
from cornu import quantizers
from cornu.layers.core import quantized_common, quantized_dense
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class Dense(Layer):
    """A densely connected layer: ``output = activation(dot(input, kernel) + bias)``.

    Args:
        units: output size (positive int).
        activation: activation name or callable (default: linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        quantization_config: a ``keras.quantizers`` config used when the
            layer is built under a quantized dtype policy (``"int8_from_float32"``);
            see ``quantize()``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units` of layer '{self.name}': expected a "
                f"positive integer, got {units!r}."
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.quantization_config = quantizers.get(quantization_config)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Layer '{self.name}' needs a known last input dimension; received input shape {input_shape}."
            )
        if self.dtype_policy.quantization_mode is not None:  # int8 kernel + scale; `call` replaced once
            quantized_dense.build_dense_kernel(self, (input_dim, self.units))
        else:
            self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                          regularizer=self.kernel_regularizer,
                                          constraint=self.kernel_constraint, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs, training=None):
        x = None
        if self.bias is not None:
            # One kernel for the product and the bias where the engine has it (torch's addmm).
            x = backend.fused_dense(inputs, self.kernel, self.bias)
        if x is None:
            x = ops.matmul(inputs, self.kernel)  # (..., input_dim) @ (input_dim, units) -> (..., units)
            if self.bias is not None:
                x = ops.add(x, self.bias)
        return self.activation(x) if self.activation is not None else x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the built layer in place, as Keras does: ``"int8"`` (int8 kernel with a float scale per
        unit, inputs quantized per row at each call) or ``"int4"`` (packed int4 kernel, per unit or in groups
        of input rows); the kernel is frozen."""
        quantized_dense.quantize_dense(self, mode, config, type_check and type(self) is not Dense)

    @property
    def quantization_mode(self):
        """``None``, or the mode the layer is quantized with (``"int8"``)."""
        return self.dtype_policy.quantization_mode

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return quantized_common.quantized_config(self, config)
