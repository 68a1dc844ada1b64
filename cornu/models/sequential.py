"""``Sequential``: a plain stack of layers, one input and one output."""
from cornu.backend import KerasTensor
from cornu.layers.core.input_layer import InputLayer
from cornu.layers.layer import Layer
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.utils import tree


class Sequential(Model):
    """A linear stack of layers.

    ``Sequential([Input(shape=(784,)), Dense(512), Dense(10)])``, or ``add()``
    layers one at a time.  With an input shape known (an ``Input``, or
    ``input_shape=`` on the first layer) the model is built immediately;
    otherwise it is built on its first call or ``fit``.
    """

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._layers = []
        self._functional = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append a layer (or an ``Input`` tensor) to the stack."""
        if isinstance(layer, KerasTensor):
            history = layer._keras_history
            layer = history.operation if history is not None else InputLayer(input_tensor=layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `cornu.layers.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer) and self._layers and isinstance(self._layers[0], InputLayer):
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use an input "
                f"shape {self._layers[0].batch_shape}. You cannot add a different Input layer to it."
            )
        if isinstance(layer, InputLayer) and self._layers:
            raise ValueError("An Input/InputLayer can only be the first layer of a Sequential model.")
        names = {x.name for x in self._layers}
        if layer.name in names:
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model."
            )
        if not self._layers and not isinstance(layer, InputLayer):
            batch_shape = getattr(layer, "_batch_input_shape", None)
            if batch_shape is not None:
                self._layers.append(InputLayer(batch_shape=batch_shape, name=f"{layer.name}_input"))
        self._layers.append(layer)
        self._track_value("layers", layer)
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        removable = [layer for layer in self._layers if not isinstance(layer, InputLayer)]
        if not removable:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        self._tracked_layers.remove(layer) if layer in self._tracked_layers else None
        self._backend_untrack_layer(layer)
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        if self._layers and isinstance(self._layers[0], InputLayer) and len(self._layers) > 1:
            self.build(self._layers[0].batch_shape)

    def build(self, input_shape=None):
        """Connect the layers into a functional graph for inputs of ``input_shape``."""
        if not self._layers:
            raise ValueError(f"Sequential model '{self.name}' cannot be built: it has no layers.")
        if isinstance(self._layers[0], InputLayer):
            input_layer = self._layers[0]
            if input_shape is not None and tuple(input_shape) != input_layer.batch_shape and \
                    len(tuple(input_shape)) != len(input_layer.batch_shape):
                raise ValueError(
                    f"Sequential model '{self.name}' expects inputs of shape {input_layer.batch_shape}; "
                    f"got {tuple(input_shape)}."
                )
        else:
            if input_shape is None:
                raise ValueError(f"You must provide an `input_shape` argument to build '{self.name}'.")
            input_layer = InputLayer(batch_shape=tuple(input_shape), name=f"{self.name}_input")
            self._layers.insert(0, input_layer)
        x = input_layer.output
        inputs = x
        for layer in self._layers[1:]:
            x = layer(x)
        self._functional = Functional(inputs=inputs, outputs=x, name=f"{self.name}_functional",
                                      trainable=True)
        self.built = True
        self._build_shapes = tuple(input_layer.batch_shape)

    def call(self, inputs, training=None, mask=None):
        if self._functional is None:
            self.build(tuple([None] + list(tree.flatten(inputs)[0].shape[1:])))
        return self._functional.call(inputs, training=training, mask=mask)

    def _maybe_build(self, args, kwargs):
        if not self.built and args:
            self.build(tuple([None] + list(tree.flatten(args[0])[0].shape[1:])))

    def compute_output_spec(self, inputs, training=None, mask=None):
        self._maybe_build((inputs,), {})
        return self._functional.compute_output_spec(inputs, training=training, mask=mask)

    def compute_output_shape(self, input_shape):
        self._maybe_build((KerasTensor(tuple(input_shape)),), {})
        return self._functional.compute_output_shape(input_shape)

    @property
    def layers(self):
        """The model's layers (the input layer is not listed, as in Keras)."""
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    @layers.setter
    def layers(self, value):
        raise AttributeError("`Sequential.layers` is read-only; use `add()`/`pop()`.")

    def _sublayers(self):
        return [layer for layer in self._layers]

    @property
    def inputs(self):
        return self._functional.inputs if self._functional else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional else None

    @property
    def input(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has not been built yet; it has no input.")
        return self._functional.input

    @property
    def output(self):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has not been built yet; it has no output.")
        return self._functional.output

    @property
    def input_shape(self):
        return tuple(self.input.shape)

    @property
    def output_shape(self):
        return tuple(self.output.shape)

    def get_config(self):
        from cornu.serialization import serialize_keras_object  # noqa: PLC0415

        layer_configs = []
        for layer in self._layers:
            config = serialize_keras_object(layer)
            build = layer.get_build_config() if not isinstance(layer, InputLayer) else None
            if build:
                config["build_config"] = build
            layer_configs.append(config)
        config = {"name": self.name, "trainable": self.trainable, "dtype": Layer.get_config(self)["dtype"],
                  "layers": layer_configs}
        if self._build_shapes is not None:
            config["build_input_shape"] = list(self._build_shapes)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.layers.deserialize import deserialize_layer  # noqa: PLC0415

        config = dict(config)
        layer_configs = config.pop("layers", None)
        if layer_configs is None and isinstance(config, list):
            layer_configs = config
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in layer_configs:
            layer = deserialize_layer(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        if not model._functional:
            shape = config.get("build_input_shape")
            if model._layers and isinstance(model._layers[0], InputLayer):
                model._maybe_rebuild()
            elif shape is not None:
                model.build(tuple(shape))
        return model

