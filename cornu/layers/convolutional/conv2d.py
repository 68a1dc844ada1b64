"""``Conv2D``: 2D convolution."""
from cornu.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2D convolution layer (spatial convolution over images).

    Convolves the input with ``filters`` kernels of ``kernel_size`` and returns
    ``activation(conv(inputs, kernel) + bias)``.  Inputs are
    ``(batch, rows, cols, channels)`` with ``data_format="channels_last"``
    or ``(batch, channels, rows, cols)`` with ``"channels_first"``.

    Args:
        filters: number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
        dilation_rate: int or tuple of 2 ints.
        groups: number of channel groups (``filters`` and the input channels must divide by it).
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in ``Dense``.

    Weights: ``kernel`` ``kernel_size + (in_channels // groups, filters)``, ``bias`` ``(filters,)``.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(
            rank=2, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs)
