"""``Bidirectional``: run a recurrent layer forwards and backwards and merge the two."""
import copy

from cornu import ops, serialization
from cornu.layers.layer import Layer
from cornu.layers.rnn import _checks

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed_copy(layer, prefix, **overrides):
    config = layer.get_config()
    name = layer.name
    for p in ("forward_", "backward_"):
        if name.startswith(p):
            name = name[len(p):]
    config["name"] = prefix + name
    config.update(overrides)
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The wrapped layer is re-created twice from its config (it keeps no
    weights of the original): ``forward_<name>`` reads the sequence in order
    and ``backward_<name>`` reads it reversed; with ``return_sequences`` the
    backward outputs are flipped back to the input order before merging, and
    masked steps output zeros in both.

    Args:
        layer: an ``RNN`` (``LSTM``, ``GRU``, ...) or any sequence layer with
            ``go_backwards``, ``return_sequences``, ``return_state`` and a config.
        merge_mode: ``"concat"`` (default), ``"sum"``, ``"mul"``, ``"ave"``, or
            ``None`` (return both outputs in a list).
        weights: optional initial weights, forward ones then backward ones.
        backward_layer: an explicit layer for the backward direction (its
            ``go_backwards`` must differ from ``layer``'s; ``stateful``,
            ``return_sequences`` and ``return_state`` must match).

    Call arguments: as the wrapped layer's; an ``initial_state`` list gives
    the forward states first, then the backward ones.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Bidirectional must wrap a `Layer` instance (an RNN such as LSTM); received layer={layer!r}."
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"Argument `backward_layer` of Bidirectional must be a `Layer` instance; "
                f"received backward_layer={backward_layer!r}."
            )
        super().__init__(**kwargs)
        # Layer keeps the constructor arguments, and scans them for sub-layers; the
        # template `layer` is not a sub-layer (it is copied into forward/backward).
        object.__setattr__(self, "_init_args", ((), {}))
        _checks.check_choice(self, merge_mode, "merge_mode", _MERGE_MODES)
        self.forward_layer = _renamed_copy(layer, "forward_")
        if backward_layer is None:
            self.backward_layer = _renamed_copy(layer, "backward_", go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences  # masked steps give zeros
        self.merge_mode = merge_mode
        if weights:
            n = len(weights)
            self.forward_layer._initial_weights = list(weights[: n // 2])
            self.backward_layer._initial_weights = list(weights[n // 2:])
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                f"Bidirectional '{self.name}': the forward and backward layers must have different "
                f"`go_backwards` values; received {fwd.go_backwards} for both."
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f"Bidirectional '{self.name}': the forward and backward layers must have the same "
                    f"`{attr}`; received {getattr(fwd, attr)} (forward) and {getattr(bwd, attr)} (backward)."
                )

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
                sub.built = True
                if sub._initial_weights is not None:
                    sub.set_weights(sub._initial_weights)
                    sub._initial_weights = None
        self.built = True

    def get_build_config(self):
        shapes = self._build_shapes
        if isinstance(shapes, dict) and "sequences_shape" in shapes:
            return {"input_shape": list(shapes["sequences_shape"])}
        return super().get_build_config()

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        if self.return_state:
            outs = (output_shape, output_shape) if self.merge_mode is None else (output_shape,)
            return outs + state_shapes + state_shapes
        if self.merge_mode is None:
            return [tuple(output_shape), tuple(output_shape)]
        return tuple(output_shape)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_signature.accepts_training:
            kwargs["training"] = training
        if self.forward_layer._call_signature.accepts_mask:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)  # back to the input's time order
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (tuple(output) if self.merge_mode is None else (output,)) + states
        return output

    def compute_mask(self, _, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if not self.merge_mode else mask
        else:
            output_mask = [None, None] if not self.merge_mode else None
        if self.return_state and self.states is not None:
            none_states = [None for _ in self.states]
            if isinstance(output_mask, list):
                return output_mask + none_states
            return [output_mask] + none_states
        return output_mask

    @property
    def states(self):
        """The stateful states, forward then backward (None unless stateful and built)."""
        fwd, bwd = getattr(self.forward_layer, "states", None), getattr(self.backward_layer, "states", None)
        if fwd and bwd:
            return tuple(fwd) + tuple(bwd)
        return None

    def reset_state(self, states=None):
        """Reset the states of both directions (the layer must be stateful)."""
        if not self.stateful:
            raise AttributeError(f"Bidirectional layer '{self.name}' is not stateful; it has no state to reset.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self, states=None):
        """Alias of ``reset_state`` (Keras 2 name)."""
        self.reset_state(states)

    def get_config(self):
        config = super().get_config()
        config.update({
            "merge_mode": self.merge_mode,
            "layer": serialization.serialize_keras_object(self.forward_layer),
            "backward_layer": serialization.serialize_keras_object(self.backward_layer),
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.layers.deserialize import deserialize_layer  # noqa: PLC0415 - avoids an import cycle

        config = copy.deepcopy(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_layer(backward, custom_objects=custom_objects)
        return cls(**config)
