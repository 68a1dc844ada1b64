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
