"""``Pipeline``: a plain layer that applies a list of layers one after another."""
from cornu import serialization
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin
from cornu.utils import tree


def _mask_of(outputs):
    masks = tree.map_structure(lambda t: getattr(t, "_keras_mask", None), outputs)
    return masks if any(m is not None for m in tree.flatten(masks)) else None


class Pipeline(Layer):
    """Applies ``layers`` in order, each to the previous one's output.

    Unlike ``Sequential`` it is a layer, not a model (no ``fit``), which suits
    preprocessing and data augmentation chains:
    ``Pipeline([RandomFlip(), RandomRotation(0.1)])``.  Each layer receives
    the ``training`` flag when it takes one (``True`` unless the call or an
    enclosing model says otherwise, so augmentations are active when the
    pipeline is called on its own) and the mask produced by the previous
    layer when it takes a ``mask``.

    Args:
        layers: a list of ``Layer`` instances.
        name: the layer's name.
    """

    def __init__(self, layers, name=None, **kwargs):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(
                f"Pipeline expects `layers` to be a list of `Layer` instances; received layers={layers!r}."
            )
        super().__init__(name=name, **kwargs)
        # Attribute named `layers`, so weight files use Keras's `layers/<snake_case>` paths.
        self.layers = list(layers)

    def build(self, input_shape=None):
        self.built = True

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self.layers:
            sig = layer._call_signature
            kwargs = {}
            if sig.accepts_mask:
                kwargs["mask"] = mask
            if sig.accepts_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            mask = _mask_of(outputs)
            inputs = outputs
        return outputs

    def get_config(self):
        return {"layers": [serialization.serialize_keras_object(x) for x in self.layers], "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.layers.deserialize import deserialize_layer  # noqa: PLC0415 - avoids an import cycle

        config = dict(config)
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "Pipeline config must hold a `layers` list of serialized layers; received "
                f"layers={layers!r}."
            )
        config["layers"] = [deserialize_layer(x, custom_objects=custom_objects) for x in layers]
        return cls(**config)


register_builtin("keras.layers", Pipeline)
