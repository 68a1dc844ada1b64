"""``BaseSeparableConv``: depthwise then pointwise convolution, behind ``SeparableConv1D``/``2D``."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import _conv_layer_utils as cc
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.convolutional.base_conv import BaseConv
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseSeparableConv(Layer):
    """Depthwise separable convolution: a depthwise convolution (each channel
    with ``depth_multiplier`` kernels) followed by a 1x1 convolution to
    ``filters`` channels, then bias and activation.

    Args:
        rank: number of spatial dimensions.
        depth_multiplier: depthwise output channels per input channel.
        filters: number of output channels.
        kernel_size, strides, dilation_rate: int or tuple of ``rank`` ints.
        padding: ``"valid"`` or ``"same"``.
        data_format, activation, use_bias: as in ``Conv2D``.
        depthwise_*, pointwise_*, bias_* initializer/regularizer/constraint:
            for each weight; ``activity_regularizer`` for the output.

    Weights: ``depthwise_kernel`` ``kernel_size + (in_channels,
    depth_multiplier)``, ``pointwise_kernel`` ``(1,) * rank +
    (in_channels * depth_multiplier, filters)``, ``bias`` ``(filters,)``.
    """

    def __init__(self, rank, depth_multiplier, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = ac.positive_int(self, depth_multiplier, "depth_multiplier")
        self.filters = ac.positive_int(self, filters, "filters")
        cc.store_geometry(self, rank, kernel_size, strides, dilation_rate, padding)
        self.data_format = standardize_data_format(data_format)
        cc.check_strides_and_dilation(self)
        cc.store_weight_args(self, activation, use_bias, depthwise_initializer=depthwise_initializer,
                             pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                             depthwise_regularizer=depthwise_regularizer,
                             pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                             depthwise_constraint=depthwise_constraint,
                             pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)

    _channel_axis = BaseConv._channel_axis
    _add_bias_and_activate = BaseConv._add_bias_and_activate
    _with_channels = BaseConv._with_channels
    _spatial_output_shape = BaseConv._spatial_output_shape

    def build(self, input_shape):
        ac.check_rank(self, input_shape, self.rank)
        channels = ac.channels_of(self, input_shape, self.data_format)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.depthwise_kernel._prefer_memory_order(cc.depthwise_kernel_memory_order(self.rank))
        self.pointwise_kernel._prefer_memory_order(cc.conv_kernel_memory_order(self.rank, self.data_format))
        self.bias = cc.add_bias(self, self.filters)
        self.built = True

    def call(self, inputs):
        outputs = ops.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                     strides=self.strides, padding=self.padding,
                                     data_format=self.data_format, dilation_rate=self.dilation_rate)
        return self._add_bias_and_activate(outputs, self.filters)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.rank)
        return self._with_channels(input_shape, self._spatial_output_shape(input_shape), self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **cc.geometry_config(self),
            **cc.weight_config(self, ("depthwise", "pointwise", "bias")),
        })
        return config
