"""``ConvLSTMCell`` and the ``ConvLSTM`` base: an LSTM whose matmuls are convolutions."""
import inspect

from cornu import activations, backend, constraints, initializers, ops, random, regularizers
from cornu.backend.common import conv_utils
from cornu.layers.convolutional import arg_checks
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.rnn import _checks
from cornu.layers.rnn._cell_utils import CellLayerMixin, cell_config, forward_to_cell
from cornu.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from cornu.layers.rnn.rnn import RNN
from cornu.utils import tree

_CELL_ARGS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
              "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
              "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
              "recurrent_dropout")


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One step of a convolutional LSTM over ``rank``-D inputs (gates i, f, c, o).

    Each gate is ``conv(x, W_gate) + b_gate + conv_same(h, U_gate)``; the
    input convolution uses ``strides``/``padding``/``dilation_rate``, the
    recurrent one stride 1 and ``"same"`` padding.

    Args:
        rank: 1, 2 or 3 spatial dimensions.
        filters: output channels of every gate.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution.
        activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
        bias_initializer, unit_forget_bias, kernel_regularizer, recurrent_regularizer,
        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint,
        dropout, recurrent_dropout, seed: as in ``LSTMCell`` (the dropout masks are one per gate).
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        if rank not in (1, 2, 3):
            raise ValueError(
                f"Layer '{self.name}' (ConvLSTMCell): `rank` must be 1, 2 or 3; received rank={rank!r}."
            )
        self.rank = rank
        self.filters = arg_checks.positive_int(self, filters, "filters")
        self.kernel_size = arg_checks.int_tuple(self, kernel_size, rank, "kernel_size")
        self.strides = arg_checks.int_tuple(self, strides, rank, "strides")
        self.padding = arg_checks.padding_mode(self, padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.dilation_rate = arg_checks.int_tuple(self, dilation_rate, rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"Layer '{self.name}' (ConvLSTMCell): `strides > 1` is not compatible with "
                f"`dilation_rate > 1`; received strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _checks.check_rate(self, dropout, "dropout")
        self.recurrent_dropout = _checks.check_rate(self, recurrent_dropout, "recurrent_dropout")
        self.dropout_mask_count = 4
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1  # the states are feature maps; see get_initial_state

    def build(self, inputs_shape, states_shape=None):
        channels_first = self.data_format == "channels_first"
        self.spatial_dims = tuple(inputs_shape[2:] if channels_first else inputs_shape[1:-1])
        if None in self.spatial_dims:
            raise ValueError(
                f"ConvLSTM layer '{self.name}' needs static spatial dimensions; received input shape "
                f"{tuple(inputs_shape)}."
            )
        self.input_dim = arg_checks.channels_of(self, inputs_shape, self.data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2, shape=(None,) + tuple(inputs_shape[1:]))
        f = self.filters
        self.kernel = self.add_weight(shape=self.kernel_size + (self.input_dim, 4 * f), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (f, 4 * f), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                base = self.bias_initializer

                def init(shape, dtype=None):  # (i, f, c, o): the forget block starts at 1
                    return ops.concatenate([base((f,), dtype=dtype), ops.ones((f,), dtype=dtype),
                                            base((2 * f,), dtype=dtype)])

            self.bias = self.add_weight(shape=(4 * f,), name="bias", initializer=init,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def _input_conv(self, x, w, b):
        out = ops.conv(x, w, strides=self.strides, padding=self.padding, data_format=self.data_format,
                       dilation_rate=self.dilation_rate)
        if b is not None:
            shape = (1,) * (self.rank + 1) + (self.filters,) if self.data_format == "channels_last" \
                else (1, self.filters) + (1,) * self.rank
            out = out + ops.reshape(b, shape)  # broadcast the bias over batch and space
        return out

    def _recurrent_conv(self, h, w):
        return ops.conv(h, w, strides=1, padding="same", data_format=self.data_format)

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec = self.get_recurrent_dropout_mask(h_tm1) if training and 0.0 < self.recurrent_dropout < 1.0 else None
        xs = [inputs * m for m in dp] if dp is not None else [inputs] * 4
        hs = [h_tm1 * m for m in rec] if rec is not None else [h_tm1] * 4
        kernels = ops.split(self.kernel, 4, axis=self.rank + 1)
        recurrent = ops.split(self.recurrent_kernel, 4, axis=self.rank + 1)
        biases = ops.split(self.bias, 4) if self.bias is not None else [None] * 4
        z = [self._input_conv(x, k, b) + self._recurrent_conv(h, r)
             for x, h, k, r, b in zip(xs, hs, kernels, recurrent, biases)]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        channels_first = self.data_format == "channels_first"
        spatial = inputs_shape[2:] if channels_first else inputs_shape[1:-1]
        out = tuple(None if d is None else conv_utils.conv_output_length(d, k, s, self.padding, r)
                    for d, k, s, r in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        shape = (inputs_shape[0], self.filters) + out if channels_first else (inputs_shape[0],) + out + (self.filters,)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + self.spatial_dims + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + self.spatial_dims
        shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(shape, dtype=self.compute_dtype), ops.zeros(shape, dtype=self.compute_dtype)]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_ARGS))
        config.update({"rank": self.rank, "seed": self.seed})
        return config


class ConvLSTM(CellLayerMixin, RNN):
    """Base of ``ConvLSTM1D/2D/3D``: an LSTM over sequences of feature maps.

    Inputs are ``(batch, time, *spatial, channels)`` (``channels_last``) or
    ``(batch, time, channels, *spatial)``; arguments as in ``ConvLSTMCell``
    plus ``return_sequences``, ``return_state``, ``go_backwards``, ``stateful``.
    """

    _cell_args = _CELL_ARGS

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.rank = rank
        self.input_spec = InputSpec(ndim=rank + 3)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.compute_output_shape((batch,) + tuple(sequences_shape[2:]))[0][1:]
        output = (batch, steps) + state if self.return_sequences else (batch,) + state
        if self.return_state:
            return output, (batch,) + state, (batch,) + state
        return output

    def compute_mask(self, _, mask):
        if mask is not None:
            mask = tree.flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state and output_mask is not None:
            return [output_mask, None, None]
        return output_mask


forward_to_cell(ConvLSTM, _CELL_ARGS)


def fixed_rank_init(rank):
    """An ``__init__`` for ``ConvLSTM{rank}D``: ``ConvLSTM``'s, with ``rank`` fixed.

    The subclasses take ``ConvLSTM``'s arguments in the same order, less
    ``rank``; the returned function forwards them and carries that signature
    (so ``inspect.signature`` and the legacy argument mapping see it).
    """

    def __init__(self, *args, **kwargs):
        ConvLSTM.__init__(self, rank, *args, **kwargs)

    base = inspect.signature(ConvLSTM.__init__)
    __init__.__signature__ = base.replace(
        parameters=[p for name, p in base.parameters.items() if name != "rank"])
    return __init__

