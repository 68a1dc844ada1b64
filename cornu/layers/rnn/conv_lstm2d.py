"""``ConvLSTM2D``: a convolutional LSTM over sequences of 2-D feature maps."""
from cornu.layers.rnn.conv_lstm import ConvLSTM, fixed_rank_init


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM: the LSTM's matmuls become 2-D convolutions.

    Inputs: ``(batch, time, rows, cols, channels)`` (``channels_last``) or
    channels before the spatial axes (``channels_first``).  The output has
    ``filters`` channels: the last step, or every step with ``return_sequences``.

    Args:
        filters: output channels.
        kernel_size, strides, padding (``"valid"``/``"same"``), data_format, dilation_rate:
            of the input convolution (the recurrent one uses stride 1, ``"same"``).
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout, seed: as in ``LSTM``.
        return_sequences, return_state, go_backwards, stateful: as in ``RNN``.
    """

    __init__ = fixed_rank_init(2)
