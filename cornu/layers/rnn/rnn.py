"""``RNN``: run any recurrent cell over the time axis of a sequence."""
import inspect

import numpy as np

from cornu import backend, ops, serialization
from cornu.layers.layer import Layer
from cornu.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from cornu.layers.rnn.stacked_rnn_cells import StackedRNNCells
from cornu.utils import tree


def _accepts_training(cell):
    if isinstance(cell, Layer):
        return cell._call_signature.accepts_training
    try:
        params = inspect.signature(cell.call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        size = cell.state_size
        size = size[0] if isinstance(size, (list, tuple)) else size
    return size


class RNN(Layer):
    """Base recurrent layer: applies ``cell`` to each time step of its input.

    A cell is any object (usually a ``Layer``) with a ``state_size`` (an int,
    or a list of ints, one per state), optionally an ``output_size``, and
    ``call(inputs_t, states, training=None) -> (output_t, new_states)``; it
    may define ``get_initial_state(batch_size)``.  A list of cells is stacked.

    Args:
        cell: the cell, or a list of cells (wrapped in ``StackedRNNCells``).
        return_sequences: return the output of every step ``(batch, time, units)``
            instead of the last one ``(batch, units)``.
        return_state: also return the final states (``[output, *states]``).
        go_backwards: process the sequence in reverse (and return the reversed sequence).
        stateful: each batch starts from the last states of the previous
            batch (sample ``i`` continues sample ``i``); needs a fixed batch
            size; ``reset_state()`` zeroes the states.
        unroll: unroll the loop (a Python loop; needs a known number of steps).
        zero_output_for_mask: with a mask, masked steps output zeros instead
            of repeating the previous output.

    Call arguments:
        sequences: ``(batch, time, features...)``.
        initial_state: a state tensor or list of them (default zeros).
        mask: ``(batch, time)`` booleans; masked steps keep the states.
        training: passed to the cell (dropout).
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        kwargs.pop("implementation", None)  # Keras 2 spelling, no effect
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"Argument `cell` of {type(self).__name__} must have a `call` method; "
                f"received cell={cell!r}."
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                f"The cell given to {type(self).__name__} must have a `state_size` attribute "
                f"(an integer or a list of integers, one per state); received cell={cell!r} "
                f"with state_size={state_size!r}."
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = None
        object.__setattr__(self, "states", None)
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # -- shapes ------------------------------------------------------------------------
    def _state_shapes(self, batch_size):
        out = []
        for size in self.state_size:
            if isinstance(size, int):
                out.append((batch_size, size))
            else:
                out.append([(batch_size, s) for s in size])
        return out

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        output_size = _output_size(self.cell)
        if not isinstance(output_size, int):
            raise ValueError(
                f"Layer '{self.name}': the cell's `output_size` must be an integer; "
                f"received {output_size!r}."
            )
        if self.return_sequences:
            output_shape = (batch_size, length, output_size)
        else:
            output_shape = (batch_size, output_size)
        if self.return_state:
            return (output_shape, *self._state_shapes(batch_size))
        return output_shape

    def compute_mask(self, _, mask):
        if mask is not None:
            mask = tree.flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state and output_mask is not None:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- build and states ----------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        if self.unroll and sequences_shape[1] is None:
            raise ValueError(
                f"Layer '{self.name}' cannot unroll a sequence whose time dimension is "
                "undefined; give the `Input` a fixed number of steps."
            )
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        f"Layer '{self.name}' uses `stateful=True`, which needs a static batch "
                        f"size; received inputs of shape {tuple(sequences_shape)}. Pass "
                        "`batch_size=...` to the `Input` of the model (or `batch_input_shape`)."
                    )
                self._create_state_variables(sequences_shape[0])
        self.built = True

    def get_build_config(self):
        shapes = self._build_shapes
        if isinstance(shapes, dict) and "sequences_shape" in shapes:
            return {"input_shape": list(shapes["sequences_shape"])}
        return super().get_build_config()

    def _create_state_variables(self, batch_size):
        initial = self.get_initial_state(batch_size)
        states = tree.map_structure(
            lambda value: backend.Variable(np.zeros(tuple(value.shape)), trainable=False,
                                           dtype=self.variable_dtype, name="rnn_state"),
            initial)
        object.__setattr__(self, "states", states)
        for v in tree.flatten(states):
            v._path = f"{self.name}/{v.name}"
            # Not weights (Keras saves none), but carried through compiled steps.
            self._add_carried_variable(v)

    def get_initial_state(self, batch_size):
        """Zero states for ``batch_size`` samples (or the cell's own ``get_initial_state``)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [ops.zeros((batch_size, d), dtype=dtype) for d in self.state_size]
        state = fn(batch_size=batch_size)
        if not tree.is_nested(state):
            state = [state]
        return list(state)

    def reset_state(self, states=None):
        """Zero the states of a stateful layer (or set them to ``states``)."""
        if self.states is None:
            return
        flat = tree.flatten(self.states)
        if states is None:
            for v in flat:
                v.assign(ops.zeros(v.shape, dtype=v.dtype))
            return
        values = tree.flatten(states)
        if len(values) != len(flat):
            raise ValueError(
                f"Layer '{self.name}' has {len(flat)} state(s); reset_state received "
                f"{len(values)} value(s)."
            )
        for v, value in zip(flat, values):
            v.assign(value)

    def reset_states(self, states=None):
        """Alias of ``reset_state`` (Keras 2 name)."""
        self.reset_state(states)

    # -- the loop ----------------------------------------------------------------------
    def _config_dropout_masks(self, cell, step_input, states):
        """Draw each cell's dropout masks before the loop (no random draws inside it)."""
        if isinstance(cell, StackedRNNCells):
            x = step_input
            for sub, sub_states in zip(cell.cells, states):
                self._config_dropout_masks(sub, x, sub_states)
                x = ops.zeros((ops.shape(step_input)[0], _output_size(sub)), dtype=x.dtype)
            return
        if isinstance(cell, DropoutRNNCell):
            state = states[0] if tree.is_nested(states) else states
            cell.get_dropout_mask(step_input)
            cell.get_recurrent_dropout_mask(state)

    def _reset_dropout_masks(self, cell):
        if isinstance(cell, StackedRNNCells):
            for sub in cell.cells:
                self._reset_dropout_masks(sub)
        elif isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The generic loop: ``ops.rnn`` over the cell; returns ``(last, outputs, states)``."""
        cell_kwargs = {"training": training} if _accepts_training(self.cell) else {}
        cell = self.cell

        call_fn = cell if callable(cell) else cell.call

        def step(inputs, states):
            output, new_states = call_fn(inputs, states, **cell_kwargs)
            if not tree.is_nested(new_states):
                new_states = [new_states]
            return output, list(new_states)

        return ops.rnn(step, sequences, initial_state, go_backwards=self.go_backwards, mask=mask,
                       unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
                       return_all_outputs=self.return_sequences)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(
                f"Layer '{self.name}' cannot unroll a sequence whose time dimension is "
                "undefined; give the `Input` a fixed number of steps."
            )
        if initial_state is None:
            if self.stateful:
                # Copies: the variables are overwritten in place after the call.
                initial_state = tree.map_structure(lambda v: ops.copy(v.value), self.states)
            else:
                initial_state = self.get_initial_state(batch_size=ops.shape(sequences)[0])
        if not tree.is_nested(initial_state):
            initial_state = [initial_state]
        initial_state = tree.map_structure(
            lambda s: ops.convert_to_tensor(s, dtype=self.compute_dtype), list(initial_state))
        if mask is not None:
            mask = tree.flatten(mask)[0]
        if training:
            self._config_dropout_masks(self.cell, sequences[:, 0], initial_state)
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, training)
        finally:
            self._reset_dropout_masks(self.cell)
        if self.stateful:
            for variable, value in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(ops.stop_gradient(value))
        output = outputs if self.return_sequences else last_output
        output = ops.cast(output, self.compute_dtype)
        if self.return_state:
            states = tree.map_structure(lambda s: ops.cast(s, self.compute_dtype), list(states))
            return (output, *states)
        return output

    # -- config ------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialization.serialize_keras_object(self.cell),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = serialization.deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)
