"""``LSTMCell`` and ``LSTM`` (Hochreiter & Schmidhuber 1997), Keras gate order i, f, c, o."""
from cornu import activations, constraints, initializers, ops, random, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.rnn import _checks
from cornu.layers.rnn._cell_utils import (CellLayerMixin, cell_config, forward_to_cell, fused_kernel_inputs,
                                          fused_kernel_ok, no_fused_kernel_error)
from cornu.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from cornu.layers.rnn.rnn import RNN
from cornu.utils import tree

_CELL_ARGS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
              "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
              "bias_constraint", "dropout", "recurrent_dropout")


class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step; states ``[h, c]``, output ``h``.

    ``z = x W + h U + b`` split into gates ``i, f, g, o`` (in that order);
    ``c' = σ(f) c + σ(i) tanh(g)``, ``h' = σ(o) tanh(c')`` with ``σ`` the
    recurrent activation and ``tanh`` the activation.

    Args:
        units: size of ``h`` and ``c``.
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias: add ``bias`` ``(4 * units,)``.
        kernel_initializer: ``kernel`` ``(features, 4 * units)``, default ``"glorot_uniform"``.
        recurrent_initializer: ``recurrent_kernel`` ``(units, 4 * units)``, default ``"orthogonal"``.
        bias_initializer: default ``"zeros"``.
        unit_forget_bias: initialize the forget-gate bias to 1 (the rest with ``bias_initializer``).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped in training; recurrent_dropout:
            fraction of ``h`` dropped (masks drawn once per sequence, one per
            gate when ``recurrent_dropout`` is set).
        seed: int seed of the dropout masks.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = _checks.check_units(self, units)
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
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        u = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * u), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(u, 4 * u), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                base = self.bias_initializer

                def init(shape, dtype=None):  # (i, f, c, o): the forget block starts at 1
                    return ops.concatenate([base((u,), dtype=dtype), ops.ones((u,), dtype=dtype),
                                            base((2 * u,), dtype=dtype)])

            self.bias = self.add_weight(shape=(4 * u,), name="bias", initializer=init,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec_dp = self.get_recurrent_dropout_mask(h_tm1) if training and 0.0 < self.recurrent_dropout < 1.0 \
            else None
        if isinstance(dp, list) or isinstance(rec_dp, list):
            # One mask per gate: each gate sees its own dropped copy of x and h.
            xs = [inputs * m for m in dp] if dp is not None else [inputs] * 4
            hs = [h_tm1 * m for m in rec_dp] if rec_dp is not None else [h_tm1] * 4
            kernels = ops.split(self.kernel, 4, axis=1)
            recurrent = ops.split(self.recurrent_kernel, 4, axis=1)
            biases = ops.split(self.bias, 4, axis=0) if self.bias is not None else [None] * 4
            z = []
            for x, h, k, r, b in zip(xs, hs, kernels, recurrent, biases):
                zi = ops.matmul(x, k)
                if b is not None:
                    zi = zi + b
                z.append(zi + ops.matmul(h, r))
        else:
            if dp is not None:
                inputs = inputs * dp
            z = ops.matmul(inputs, self.kernel)  # (b, f) @ (f, 4u) -> (b, 4u)
            z = ops.add(z, ops.matmul(h_tm1, self.recurrent_kernel))
            if self.bias is not None:
                z = ops.add(z, self.bias)
            z = ops.split(z, 4, axis=1)  # i, f, c, o
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_ARGS))
        config["seed"] = self.seed
        return config


class LSTM(CellLayerMixin, RNN):
    """Long Short-Term Memory layer over ``(batch, time, features)`` inputs.

    Runs the fused kernel (torch's native LSTM / a fused ``lax.scan`` step)
    when the configuration allows: ``activation="tanh"``,
    ``recurrent_activation="sigmoid"``, ``recurrent_dropout=0``, ``unroll=False``,
    ``use_bias=True`` (and, on torch, no mask or a right-padded one); the
    generic cell loop gives the same numbers otherwise.

    Args:
        units ... seed: as in ``LSTMCell``.
        activity_regularizer: applied to the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: ``"auto"`` (fused kernel when possible), ``True`` (require it)
            or ``False`` (always the generic loop).
    """

    _cell_args = _CELL_ARGS
    _layer_config_args = ("use_cudnn",)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="lstm_cell", seed=seed,
            implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = _checks.check_choice(self, use_cudnn, "use_cudnn", ("auto", True, False))

    def _fused_ok(self):
        return fused_kernel_ok(self, LSTMCell)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if tree.is_nested(mask):
            mask = mask[0]
        if self.use_cudnn in ("auto", True) and self._fused_ok():
            cell = self.cell
            fused_inputs = fused_kernel_inputs(cell, sequences, training)
            try:
                return ops.lstm(fused_inputs, initial_state[0], initial_state[1], cell.kernel,
                                cell.recurrent_kernel, cell.bias, mask=mask, go_backwards=self.go_backwards,
                                return_sequences=self.return_sequences,
                                zero_output_for_mask=self.zero_output_for_mask)
            except NotImplementedError:
                pass  # the generic loop below
        elif self.use_cudnn is True:
            raise no_fused_kernel_error(self)
        return super().inner_loop(sequences, initial_state, mask, training)


forward_to_cell(LSTM, _CELL_ARGS)
