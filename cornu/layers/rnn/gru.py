"""``GRUCell`` and ``GRU`` (Cho et al. 2014), Keras gate order z, r, h."""
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
              "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
              "dropout", "recurrent_dropout", "reset_after")


class GRUCell(Layer, DropoutRNNCell):
    """One GRU step; state and output ``h``.

    ``z = σ(x W_z + h U_z + b)``, ``r = σ(x W_r + h U_r + b)``; the candidate is
    ``tanh(x W_h + r * (h U_h + b_rh))`` with ``reset_after=True`` (default,
    cuDNN-compatible, separate input and recurrent biases: ``bias (2, 3u)``)
    or ``tanh(x W_h + (r * h) U_h + b)`` with ``reset_after=False``
    (``bias (3u,)``); ``h' = z * h + (1 - z) * candidate``.

    Args:
        units: size of the state.
        activation: default ``"tanh"``; recurrent_activation: default ``"sigmoid"``.
        use_bias: add the biases.
        kernel_initializer, recurrent_initializer, bias_initializer: as in ``LSTMCell``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout, recurrent_dropout: dropout fractions (masks drawn once per sequence).
        reset_after: apply the reset gate after the recurrent matmul.
        seed: int seed of the dropout masks.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None,
                 **kwargs):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = _checks.check_units(self, units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
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
            self.dropout_mask_count = 3
        self.reset_after = bool(reset_after)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        u = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 3 * u), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(u, 3 * u), name="recurrent_kernel", initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (2, 3 * u) if self.reset_after else (3 * u,)
            self.bias = self.add_weight(shape=shape, name="bias", initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if tree.is_nested(states) else states
        u = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rec_dp = self.get_recurrent_dropout_mask(h_tm1) if training and 0.0 < self.recurrent_dropout < 1.0 \
            else None
        # Each gate may see its own dropped copy of x and h (one mask per gate).
        if isinstance(dp, list):
            xs = [inputs * m for m in dp]
        else:
            xs = [inputs * dp if dp is not None else inputs] * 3
        hs = [h_tm1 * m for m in rec_dp] if isinstance(rec_dp, list) else \
            [h_tm1 * rec_dp if rec_dp is not None else h_tm1] * 3
        if xs[0] is xs[1]:
            x = ops.matmul(xs[0], self.kernel)  # (b, f) @ (f, 3u) -> (b, 3u)
            if input_bias is not None:
                x = ops.add(x, input_bias)
            x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        else:
            x_z, x_r, x_h = (ops.matmul(xi, self.kernel[:, k * u:(k + 1) * u]) for k, xi in enumerate(xs))
            if input_bias is not None:
                x_z, x_r, x_h = x_z + input_bias[:u], x_r + input_bias[u:2 * u], x_h + input_bias[2 * u:]
        if self.reset_after and hs[0] is hs[2]:
            inner = ops.matmul(hs[0], self.recurrent_kernel)  # (b, u) @ (u, 3u)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
        else:
            r_z = ops.matmul(hs[0], self.recurrent_kernel[:, :u])
            r_r = ops.matmul(hs[1], self.recurrent_kernel[:, u:2 * u])
            if recurrent_bias is not None:
                r_z, r_r = r_z + recurrent_bias[:u], r_r + recurrent_bias[u:2 * u]
            if self.reset_after:
                r_h = ops.matmul(hs[2], self.recurrent_kernel[:, 2 * u:])
                if recurrent_bias is not None:
                    r_h = r_h + recurrent_bias[2 * u:]
        z = self.recurrent_activation(x_z + r_z)
        r = self.recurrent_activation(x_r + r_r)
        if self.reset_after:
            hh = self.activation(x_h + r * r_h)
        else:
            hh = self.activation(x_h + ops.matmul(r * hs[2], self.recurrent_kernel[:, 2 * u:]))
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if tree.is_nested(states) else h)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self):
        config = super().get_config()
        config.update(cell_config(self, _CELL_ARGS))
        config["seed"] = self.seed
        return config


class GRU(CellLayerMixin, RNN):
    """Gated Recurrent Unit layer over ``(batch, time, features)`` inputs.

    Runs the fused kernel (torch's native GRU / a fused ``lax.scan`` step)
    when ``activation="tanh"``, ``recurrent_activation="sigmoid"``,
    ``recurrent_dropout=0``, ``unroll=False``, ``use_bias=True`` and (torch)
    ``reset_after=True`` with no mask or a right-padded one.

    Args:
        units ... seed, reset_after: as in ``GRUCell``.
        activity_regularizer: applied to the output.
        return_sequences, return_state, go_backwards, stateful, unroll: as in ``RNN``.
        use_cudnn: ``"auto"``, ``True`` (require the fused kernel) or ``False``.
    """

    _cell_args = _CELL_ARGS
    _layer_config_args = ("use_cudnn",)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", seed=seed, implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = _checks.check_choice(self, use_cudnn, "use_cudnn", ("auto", True, False))

    def _fused_ok(self):
        return fused_kernel_ok(self, GRUCell)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if tree.is_nested(mask):
            mask = mask[0]
        state = initial_state[0] if tree.is_nested(initial_state) else initial_state
        if self.use_cudnn in ("auto", True) and self._fused_ok():
            cell = self.cell
            fused_inputs = fused_kernel_inputs(cell, sequences, training)
            try:
                return ops.gru(fused_inputs, state, cell.kernel, cell.recurrent_kernel, cell.bias, mask=mask,
                               go_backwards=self.go_backwards, return_sequences=self.return_sequences,
                               zero_output_for_mask=self.zero_output_for_mask,
                               reset_after=cell.reset_after)
            except NotImplementedError:
                if self.use_cudnn is True and not cell.reset_after:
                    raise ValueError(
                        f"Layer '{self.name}' was given use_cudnn=True, but this engine's fused GRU "
                        "needs reset_after=True. Pass use_cudnn='auto' to fall back."
                    ) from None
        elif self.use_cudnn is True:
            raise no_fused_kernel_error(self)
        return super().inner_loop(sequences, initial_state, mask, training)


forward_to_cell(GRU, _CELL_ARGS)
