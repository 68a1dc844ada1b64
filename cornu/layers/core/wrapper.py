"""``Wrapper``: the base class of layers that wrap another layer."""
from cornu import serialization
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin


class Wrapper(Layer):
    """Base class of layers that take another layer and change how it is applied.

    A wrapper holds the wrapped layer in ``self.layer``, builds it with the
    wrapper's input shape unless it is already built, and stores it in its
    config under ``"layer"``. It is not meant to be used on its own:
    subclasses (``TimeDistributed``, ``SpectralNormalization``) define
    ``call``.

    Args:
        layer: the ``Layer`` instance to wrap.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__} must wrap a `Layer` instance; received layer={layer!r} "
                f"of type {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

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


register_builtin("keras.layers", Wrapper)
