"""``DepthwiseConv1D``: 1D depthwise convolution."""
from cornu.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution: each input channel convolved with its own
    ``depth_multiplier`` kernels (output channel ``c * depth_multiplier + m``).

    Inputs are ``(batch, steps, channels)`` or channels-first.

    Args:
        kernel_size, strides, dilation_rate: int or tuple of 1 ints.
        padding: ``"valid"`` or ``"same"``.
        depth_multiplier: output channels per input channel (default 1).
        data_format, activation, use_bias: as in ``Conv1D``.
        depthwise_initializer, bias_initializer, depthwise_regularizer,
        bias_regularizer, activity_regularizer, depthwise_constraint,
        bias_constraint: for the kernel and the bias.

    Weights: ``kernel`` ``kernel_size + (in_channels, depth_multiplier)``,
    ``bias`` ``(in_channels * depth_multiplier,)``.
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, depth_multiplier=depth_multiplier, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint, **kwargs)
