"""``BaseConvTranspose``: the N-D transposed convolution behind ``Conv1DTranspose`` etc."""
from cornu import activations, constraints, initializers, ops, regularizers
from cornu.backend import standardize_data_format
from cornu.backend.common.conv_utils import conv_transpose_output_length
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.convolutional.base_conv import BaseConv
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseConvTranspose(Layer):
    """N-D transposed convolution ("deconvolution"): the gradient of a convolution
    with respect to its input, used to upsample.

    Args:
        rank: number of spatial dimensions.
        filters: number of output channels.
        kernel_size, strides, dilation_rate: int or tuple of ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        output_padding: None, or int / tuple of ``rank`` ints, each smaller
            than its stride: extra length at the end of each spatial axis.
            Output length per axis (``k`` the dilated kernel extent): without
            it ``n * s + max(k - s, 0)`` ("valid") or ``n * s`` ("same");
            with it ``(n - 1) * s + k - 2 * pad + output_padding``, ``pad``
            being ``k // 2`` for "same" and 0 for "valid".
        data_format, activation, use_bias, initializers, regularizers,
        constraints: as in ``Conv2D``.

    Weights: ``kernel`` of shape ``kernel_size + (filters, in_channels)``,
    then ``bias`` of shape ``(filters,)``.
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = ac.positive_int(self, filters, "filters")
        self.kernel_size = ac.int_tuple(self, kernel_size, rank, "kernel_size")
        self.strides = ac.int_tuple(self, strides, rank, "strides")
        self.dilation_rate = ac.int_tuple(self, dilation_rate, rank, "dilation_rate")
        self.padding = ac.padding_mode(self, padding)
        self.output_padding = None if output_padding is None else \
            ac.int_tuple(self, output_padding, rank, "output_padding", allow_zero=True)
        self.data_format = standardize_data_format(data_format)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': `output_padding` must be smaller than "
                f"`strides` on every axis; received output_padding={self.output_padding}, "
                f"strides={self.strides}."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': `strides > 1` is not supported together "
                f"with `dilation_rate > 1`; received strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}."
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    _channel_axis = BaseConv._channel_axis
    _add_bias_and_activate = BaseConv._add_bias_and_activate
    _with_channels = BaseConv._with_channels

    def build(self, input_shape):
        ac.check_rank(self, input_shape, self.rank)
        channels = ac.channels_of(self, input_shape, self.data_format)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, channels), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        outputs = ops.conv_transpose(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                     output_padding=self.output_padding, data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        return self._add_bias_and_activate(outputs, self.filters)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.rank)
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        out_pad = self.output_padding or (None,) * self.rank
        spatial = tuple(conv_transpose_output_length(n, k, s, self.padding, p, d) for n, k, s, p, d in
                        zip(spatial, self.kernel_size, self.strides, out_pad, self.dilation_rate))
        return self._with_channels(input_shape, spatial, self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
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
        return config
