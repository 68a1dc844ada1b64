"""``StackedRNNCells``: several cells acting as one (each feeds the next)."""
from cornu import ops, serialization
from cornu.layers.layer import Layer
from cornu.utils import tree


def _cell_output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        size = cell.state_size
        size = size[0] if isinstance(size, (list, tuple)) else size
    return size


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so ``RNN`` runs them as one deep cell.

    At each step the first cell reads the input, every later cell reads the
    output of the one before, and the states are the list of each cell's states.

    Args:
        cells: a list of cells (objects with ``call``, ``state_size`` and
            optionally ``output_size``).
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(
                f"Argument `cells` of layer '{self.name}' (StackedRNNCells) must be a non-empty "
                f"list of RNN cells; received cells={cells!r}."
            )
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
                raise ValueError(
                    f"Every cell given to StackedRNNCells '{self.name}' needs a `call` method and a "
                    f"`state_size` attribute; received {cell!r}."
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return _cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        """Each cell's initial states, in a list."""
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append([ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size])
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_list = tree.is_nested(cell_states)
            cell_states = list(cell_states) if was_list else [cell_states]
            cell_kwargs = dict(kwargs)
            if isinstance(cell, Layer):
                if cell._call_signature.accepts_training:
                    cell_kwargs["training"] = training
            call_fn = cell if callable(cell) else cell.call
            inputs, cell_states = call_fn(inputs, cell_states, **cell_kwargs)
            if not tree.is_nested(cell_states):
                cell_states = [cell_states]
            cell_states = list(cell_states)
            new_states.append(cell_states if was_list or len(cell_states) != 1 else cell_states[0])
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (input_shape[0], _cell_output_size(cell))  # next cell reads this output
        self.built = True

    def get_config(self):
        config = super().get_config()
        config["cells"] = [serialization.serialize_keras_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [serialization.deserialize_keras_object(c, custom_objects=custom_objects)
                 for c in config.pop("cells")]
        return cls(cells, **config)
