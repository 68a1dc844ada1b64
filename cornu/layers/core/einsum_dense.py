"""``EinsumDense``: a dense layer whose product is an arbitrary ``einsum`` equation."""
import copy
import re

from cornu import activations, constraints, initializers, ops, quantizers, regularizers
from cornu.layers.core import quantized_common, quantized_einsum
from cornu.initializers.random_initializers import VarianceScaling
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin

_PLAIN = re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")
_LEFT = re.compile(r"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$")
_RIGHT = re.compile(r"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$")


def split_equation(equation, owner="EinsumDense"):
    """``(input_spec, kernel_spec, output_spec, ellipsis)`` with ``ellipsis`` in ``None``/``"left"``/``"right"``."""
    if not isinstance(equation, str):
        raise ValueError(
            f"{owner}: argument `equation` must be a string such as 'ab,bc->ac'; received equation={equation!r}."
        )
    compact = equation.replace(" ", "")
    for pattern, where in ((_PLAIN, None), (_LEFT, "left"), (_RIGHT, "right")):
        found = pattern.match(compact)
        if found:
            return found.group(1), found.group(2), found.group(3), where
    raise ValueError(
        f"{owner}: invalid einsum equation {equation!r}; expected the form 'X,Y->Z', '...X,Y->...Z' or "
        "'X...,Y->Z...' where X, Y, Z are letters (X holds the input axes, Y the kernel's, Z the output's)."
    )


def analyze_equation(equation, bias_axes, input_shape, partial_output_shape, owner="EinsumDense"):
    """Shapes implied by an ``EinsumDense`` equation for one input shape.

    Returns ``(kernel_shape, bias_shape, output_shape, input_axes, output_axes)``:
    ``bias_shape`` is ``None`` without ``bias_axes``; ``input_axes`` /
    ``output_axes`` are the kernel axes shared with the input / the output
    (the fans of a variance-scaling initializer).
    """
    in_spec, k_spec, out_spec, ellipsis = split_equation(equation, owner)
    input_shape = tuple(input_shape)
    rank = len(input_shape)
    elided = rank - len(in_spec)
    if elided < 0 or (ellipsis is None and elided != 0):
        raise ValueError(
            f"{owner}: equation {equation!r} expects inputs of rank {len(in_spec)}"
            f"{' or more' if ellipsis else ''}; received input_shape={input_shape}."
        )
    if isinstance(partial_output_shape, int):
        partial_output_shape = (partial_output_shape,)
    partial = list(partial_output_shape)
    # Full output shape: batch, then any leading elided axes, the given partial
    # shape, then any trailing elided axes.
    if ellipsis == "left":
        if len(partial) != len(out_spec):
            raise ValueError(
                f"{owner}: `output_shape` must give one size per output letter of {out_spec!r}; received "
                f"output_shape={tuple(partial_output_shape)}."
            )
        full = list(input_shape[:elided]) + partial
        in_index = {c: elided + i for i, c in enumerate(in_spec)}
        out_index = {c: elided + i for i, c in enumerate(out_spec)}
    else:
        if len(partial) != len(out_spec) - 1:
            raise ValueError(
                f"{owner}: `output_shape` must give one size per output letter of {out_spec!r} except the first "
                f"(the batch axis), i.e. {len(out_spec) - 1} sizes; received "
                f"output_shape={tuple(partial_output_shape)}."
            )
        full = [input_shape[0]] + partial + list(input_shape[rank - elided:])
        in_index = {c: i for i, c in enumerate(in_spec)}
        out_index = {c: i for i, c in enumerate(out_spec)}
    for c in in_spec:
        if c in out_index:
            want, have = full[out_index[c]], input_shape[in_index[c]]
            if want is not None and have is not None and want != have:
                raise ValueError(
                    f"{owner}: input and output disagree on the shared axis {c!r} of equation {equation!r}: "
                    f"the input has {have}, `output_shape` says {want}."
                )
            if want is None:
                full[out_index[c]] = have  # a size the input fixes
    for c in out_spec:
        if c not in in_spec and c not in k_spec:
            raise ValueError(
                f"{owner}: output axis {c!r} of equation {equation!r} appears in neither the input spec "
                f"{in_spec!r} nor the kernel spec {k_spec!r}."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, c in enumerate(k_spec):
        if c in out_index:
            kernel_shape.append(full[out_index[c]])
            output_axes.append(i)
        elif c in in_index:
            kernel_shape.append(input_shape[in_index[c]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"{owner}: kernel axis {c!r} of equation {equation!r} matches no input or output axis; every "
                "kernel axis must be sized by the input or the output."
            )
    bias_shape = None
    if bias_axes is not None:
        bias_axes = str(bias_axes)
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"{owner}: bias axis {c!r} of bias_axes={bias_axes!r} is not an output axis of equation "
                    f"{equation!r} (output spec {out_spec!r})."
                )
        start = min(out_spec.index(c) for c in bias_axes)
        offset = elided if ellipsis == "left" else 0
        # The bias broadcasts from its first biased axis to the end of the output.
        bias_shape = [full[offset + i] if c in bias_axes else 1 for i, c in enumerate(out_spec) if i >= start]
        if ellipsis == "right":
            bias_shape += [1] * elided
    return kernel_shape, bias_shape, tuple(full), input_axes, output_axes


class EinsumDense(Layer):
    """A dense layer computing ``activation(einsum(equation, inputs, kernel) + bias)``.

    The equation names the input axes, the kernel axes and the output axes,
    e.g. ``"ab,bc->ac"`` (an ordinary ``Dense``), ``"abc,cd->abd"`` (a dense
    map on each step of a sequence), ``"abc,cde->abde"`` (a projection into
    heads) or ``"...b,bc->...c"`` (any leading axes, written with an ellipsis).
    Kernel sizes come from the input axes they share and from
    ``output_shape`` for the others.

    Args:
        equation: ``"X,Y->Z"``, ``"...X,Y->...Z"`` or ``"X...,Y->Z..."``.
        output_shape: output sizes without the batch axis and without the axes
            the ellipsis covers (an int for one axis); ``None`` for a size the
            input decides.
        activation: activation name or callable (default: linear).
        bias_axes: output letters that get a bias (e.g. ``"c"``); ``None``: no bias.
        kernel_initializer, bias_initializer: initializers (a variance-scaling
            kernel initializer counts fans over the kernel's input and output axes).
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        lora_rank, lora_alpha, gptq_unpacked_column_size: Keras's low-rank
            adaptation and GPTQ; only the defaults (``None``) are supported.
        quantization_config: a ``keras.quantizers`` config, used under a
            quantized dtype policy; see ``quantize()``.
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        split_equation(equation, f"EinsumDense '{self.name}'")
        if isinstance(output_shape, int) and not isinstance(output_shape, bool):
            output_shape = (output_shape,)
        if not isinstance(output_shape, (list, tuple)) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in output_shape):
            raise ValueError(
                f"EinsumDense '{self.name}': argument `output_shape` must be an int or a tuple of positive ints "
                f"(None for sizes the input decides); received output_shape={output_shape!r}."
            )
        if bias_axes is not None and (not isinstance(bias_axes, str) or not bias_axes.isalpha()):
            raise ValueError(
                f"EinsumDense '{self.name}': argument `bias_axes` must be None or a string of output letters "
                f"such as 'c'; received bias_axes={bias_axes!r}."
            )
        for arg, value in (("lora_rank", lora_rank), ("gptq_unpacked_column_size", gptq_unpacked_column_size)):
            if value is not None:
                raise ValueError(
                    f"EinsumDense '{self.name}': `{arg}` is not supported by cornu (LoRA and quantization are "
                    f"not implemented); received {arg}={value!r}, expected None."
                )
        self.equation = equation
        self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = None
        self.lora_alpha = lora_alpha
        self.lora_enabled = False
        self.quantization_config = quantizers.get(quantization_config)

    def _analyze(self, input_shape):
        return analyze_equation(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                f"EinsumDense '{self.name}'")

    def _kernel_initializer_for(self, input_axes, output_axes):
        init = self.kernel_initializer
        if isinstance(init, VarianceScaling) and (init.input_axes is None or init.output_axes is None):
            # Fans over the kernel's real input/output axes; the copy keeps the seed object.
            init = copy.copy(init)
            init.input_axes, init.output_axes = list(input_axes), list(output_axes)
        return init

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = self._analyze(input_shape)
        for what, shape in (("kernel", kernel_shape), ("bias", bias_shape)):
            if shape is not None and any(d is None for d in shape):
                raise ValueError(
                    f"EinsumDense '{self.name}': the {what} shape {tuple(shape)} has unknown sizes for input shape "
                    f"{tuple(input_shape)}; give those sizes in `output_shape` or in the input shape."
                )
        self.input_spec = InputSpec(ndim=len(input_shape))
        if self.dtype_policy.quantization_mode is not None:  # int8 kernel + scale; `call` replaced once
            quantized_einsum.build_kernel(self, tuple(kernel_shape), len(input_shape))
        else:
            self._kernel = self.add_weight(name="kernel", shape=tuple(kernel_shape),
                                           initializer=self._kernel_initializer_for(input_axes, output_axes),
                                           regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if bias_shape is not None:
            self.bias = self.add_weight(name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    @property
    def kernel(self):
        """The kernel variable (the layer must be built)."""
        if not self.built:
            raise AttributeError(
                f"EinsumDense '{self.name}' is not built yet; call it or `build()` it before reading `kernel`."
            )
        return self._kernel

    def call(self, inputs, training=None):
        x = ops.einsum(self.equation, inputs, self._kernel)  # input axes x kernel axes -> output axes
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return self._analyze(input_shape)[2]

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the built layer in place (``"int8"``): int8 kernel with a float scale per output channel,
        frozen; inputs are quantized at each call, as in Keras."""
        quantized_einsum.quantize(self, mode, config, type_check and type(self) is not EinsumDense)

    @property
    def quantization_mode(self):
        """``None``, or the mode the layer is quantized with (``"int8"``)."""
        return self.dtype_policy.quantization_mode

    def get_config(self):
        config = super().get_config()
        config.update({
            "output_shape": list(self.partial_output_shape),
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return quantized_common.quantized_config(self, config)


register_builtin("keras.layers", EinsumDense)
