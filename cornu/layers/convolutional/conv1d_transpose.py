"""``Conv1DTranspose``: 1D transposed convolution."""
from cornu.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution ("deconvolution"), the upsampling counterpart of ``Conv1D``.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or
    ``(batch, channels, steps)`` (``channels_first``).

    Args:
        filters: number of output channels.
        kernel_size, strides, dilation_rate: int or tuple of 1 ints.
        padding: ``"valid"`` or ``"same"``.
        output_padding: None or int / tuple of 1 ints (each ``< strides``).
        data_format, activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in ``Conv1D``.

    Weights: ``kernel`` ``kernel_size + (filters, in_channels)``, ``bias`` ``(filters,)``.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(
            rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)
