"""``BaseDepthwiseConv``: the depthwise convolution behind ``DepthwiseConv1D``/``2D``."""
from cornu import activations, constraints, initializers, ops, regularizers
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.convolutional.base_conv import BaseConv
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseDepthwiseConv(Layer):
    """Depthwise convolution: each input channel convolved with its own
    ``depth_multiplier`` kernels; output channel ``c * depth_multiplier + m``.

    Args:
        rank: number of spatial dimensions.
        depth_multiplier: output channels per input channel.
        kernel_size, strides, dilation_rate: int or tuple of ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        data_format, activation, use_bias: as in ``Conv2D``.
        depthwise_initializer, bias_initializer, depthwise_regularizer,
        bias_regularizer, activity_regularizer, depthwise_constraint,
        bias_constraint: for the depthwise kernel and the bias.

    Weights: ``kernel`` of shape ``kernel_size + (in_channels,
    depth_multiplier)``, then ``bias`` of shape ``(in_channels * depth_multiplier,)``.
    """

    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = ac.positive_int(self, depth_multiplier, "depth_multiplier")
        self.kernel_size = ac.int_tuple(self, kernel_size, rank, "kernel_size")
        self.strides = ac.int_tuple(self, strides, rank, "strides")
        self.dilation_rate = ac.int_tuple(self, dilation_rate, rank, "dilation_rate")
        self.padding = ac.padding_mode(self, padding)
        self.data_format = standardize_data_format(data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': `strides > 1` is not supported together "
                f"with `dilation_rate > 1`; received strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}."
            )
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    _channel_axis = BaseConv._channel_axis
    _add_bias_and_activate = BaseConv._add_bias_and_activate
    _with_channels = BaseConv._with_channels
    _spatial_output_shape = BaseConv._spatial_output_shape

    def build(self, input_shape):
        ac.check_rank(self, input_shape, self.rank)
        channels = ac.channels_of(self, input_shape, self.data_format)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(channels * self.depth_multiplier,),
                                        initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        outputs = ops.depthwise_conv(inputs, self.kernel, strides=self.strides, padding=self.padding,
                                     data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._add_bias_and_activate(outputs, self.kernel.shape[-2] * self.depth_multiplier)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.rank)
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        out_channels = None if channels is None else channels * self.depth_multiplier
        return self._with_channels(input_shape, self._spatial_output_shape(input_shape), out_channels)

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
