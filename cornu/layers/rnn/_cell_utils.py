"""Helpers shared by the layer-level RNNs (``SimpleRNN``, ``LSTM``, ``GRU``, ``ConvLSTM``)."""
from cornu import activations, constraints, initializers, ops, regularizers


def cell_config(cell, names):
    """The serialized values of the cell arguments ``names`` (plus ``units`` or ``filters``)."""
    out = {}
    for name in names:
        value = getattr(cell, name)
        if name.endswith("activation"):
            value = activations.serialize(value)
        elif name.endswith("initializer"):
            value = initializers.serialize(value)
        elif name.endswith("regularizer"):
            value = regularizers.serialize(value)
        elif name.endswith("constraint"):
            value = constraints.serialize(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


def forward_to_cell(cls, names):
    """Give the layer class read-only properties reading ``self.cell.<name>``."""
    for name in names:
        setattr(cls, name, property(lambda self, _n=name: getattr(self.cell, _n),
                                    doc=f"The cell's ``{name}``."))
    return cls


def is_activation(fn, name):
    """True when ``fn`` is the built-in activation ``name`` (``"tanh"``, ``"sigmoid"``)."""
    return fn is getattr(activations, name) or fn is getattr(ops, name)


class CellLayerMixin:
    """What the layers wrapping one built-in cell share (``SimpleRNN``, ``GRU``, ``LSTM``, ``ConvLSTM``).

    Put it before ``RNN`` in the bases and set ``_cell_args`` (the cell
    arguments the config lists, in order) and, when needed,
    ``_layer_config_args`` (layer attributes listed after ``seed``). The
    config is flat, as in Keras: the cell's arguments instead of ``cell``.
    """

    _cell_args = ()
    _layer_config_args = ()

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        config.update(cell_config(self.cell, self._cell_args))
        config["seed"] = self.cell.seed
        for name in self._layer_config_args:
            config[name] = getattr(self, name)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def fused_kernel_ok(layer, cell_class):
    """Whether ``layer`` (``GRU``/``LSTM``) can run the engine's fused kernel."""
    cell = layer.cell
    return (type(cell) is cell_class and not cell.recurrent_dropout and not layer.unroll and cell.use_bias
            and is_activation(cell.activation, "tanh")
            and is_activation(cell.recurrent_activation, "sigmoid"))


def fused_kernel_inputs(cell, sequences, training):
    """The sequences for a fused kernel: the cell's input dropout applied (one mask per sequence)."""
    if training and 0.0 < cell.dropout < 1.0:
        dp = cell.get_dropout_mask(sequences[:, 0])  # (b, f), the same at every step
        return sequences * ops.expand_dims(dp, 1)
    return sequences


def no_fused_kernel_error(layer):
    """The error for ``use_cudnn=True`` on a configuration the fused kernel cannot run."""
    return ValueError(
        f"Layer '{layer.name}' was given use_cudnn=True, but its configuration cannot use the "
        "fused kernel (it needs tanh/sigmoid activations, recurrent_dropout=0, "
        "unroll=False and use_bias=True). Pass use_cudnn='auto' to fall back."
    )
