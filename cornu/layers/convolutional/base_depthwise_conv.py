"""``BaseDepthwiseConv``: the depthwise convolution behind ``DepthwiseConv1D``/``2D``."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import _conv_layer_utils as cc
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
        cc.store_geometry(self, rank, kernel_size, strides, dilation_rate, padding)
        self.data_format = standardize_data_format(data_format)
        cc.check_strides_and_dilation(self)
        cc.store_weight_args(self, activation, use_bias, depthwise_initializer=depthwise_initializer,
                             bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
                             bias_regularizer=bias_regularizer, depthwise_constraint=depthwise_constraint,
                             bias_constraint=bias_constraint)
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
        self.kernel._prefer_memory_order(cc.depthwise_kernel_memory_order(self.rank))
        self.bias = cc.add_bias(self, channels * self.depth_multiplier)
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
            **cc.geometry_config(self),
            **cc.weight_config(self, ("depthwise", "bias")),
        })
        return config
