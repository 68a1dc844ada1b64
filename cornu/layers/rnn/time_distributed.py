"""``TimeDistributed``: apply one layer to every time step of a sequence."""
from cornu import ops, serialization
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.layer import Layer


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every temporal slice (axis 1) of its input, with shared weights.

    ``TimeDistributed(Dense(8))`` on ``(batch, 10, 16)`` gives ``(batch, 10, 8)``;
    ``TimeDistributed(Conv2D(...))`` on ``(batch, time, h, w, c)`` runs the
    convolution on each frame.  Layers whose result for a sample does not
    depend on the rest of the batch run once on the ``(batch * time, ...)``
    reshaped input; layers with non-trainable state or randomness
    (``BatchNormalization``, ``Dropout``) run step by step, as in Keras 3.

    Args:
        layer: a ``Layer`` instance.

    Call arguments:
        inputs: ``(batch, time, ...)``.
        training: passed to the layer when it takes it.
        mask: ``(batch, time, ...)``, passed (per step) to the layer when it takes one.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"TimeDistributed must wrap a `Layer` instance; received layer={layer!r}."
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed layer '{self.name}' needs inputs with at least 3 dimensions "
                f"(batch, time, ...); received input_shape={input_shape}."
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        child_shape = self._child_input_shape(input_shape)
        if not self.layer.built:
            self.layer.build(child_shape)
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def _per_sample(self):
        for sub in self.layer._flatten_layers():
            if any(not v.trainable for v in sub._own_variables) or sub._seed_generators or \
                    sub._carried_variables:
                return False
        return True

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        batch, steps = shape[0], shape[1]
        if mask is not None and tuple(mask.shape[:2]) != (inputs.shape[0], inputs.shape[1]):
            raise ValueError(
                f"TimeDistributed layer '{self.name}' needs a mask of shape (batch, time, ...) = "
                f"({inputs.shape[0]}, {inputs.shape[1]}, ...); received mask.shape={tuple(mask.shape)}."
            )
        sig = self.layer._call_signature
        kwargs = {}
        if sig.accepts_training:
            kwargs["training"] = training
        if self._per_sample():
            flat = ops.reshape(inputs, (batch * steps, *shape[2:]))  # (b, t, ...) -> (b*t, ...)
            if sig.accepts_mask and mask is not None:
                kwargs["mask"] = ops.reshape(mask, (batch * steps, *ops.shape(mask)[2:]))
            out = self.layer(flat, **kwargs)
            out_shape = ops.shape(out)
            return ops.reshape(out, (batch, steps, *out_shape[1:]))  # (b*t, ...) -> (b, t, ...)
        outputs = []
        for t in range(steps):
            if sig.accepts_mask and mask is not None:
                kwargs["mask"] = mask[:, t]
            outputs.append(self.layer(inputs[:, t], **kwargs))
        return ops.stack(outputs, axis=1)  # t x (b, ...) -> (b, t, ...)

    def get_config(self):
        config = super().get_config()
        config["layer"] = serialization.serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.layers.deserialize import deserialize_layer  # noqa: PLC0415 - avoids an import cycle

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
