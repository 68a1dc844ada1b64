"""``Model``: a layer with training (compile/fit/evaluate/predict), saving and summary."""
from cornu import backend
from cornu.backend import KerasTensor
from cornu.layers.layer import Layer
from cornu.trainers.trainer import Trainer
from cornu.utils import tree


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features.

    Two ways to make one: functional, ``Model(inputs, outputs)``; or subclassing,
    defining layers in ``__init__`` and the forward pass in ``call``.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model:
            from cornu.models.functional import Functional, is_functional_init  # noqa: PLC0415

            if is_functional_init(args, kwargs):
                return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or any(k in kwargs for k in ("inputs", "outputs")):
            raise TypeError("Model(...) got positional arguments; use Model(inputs, outputs) or subclass Model.")
        Trainer.__init__(self)
        Layer.__init__(self, **kwargs)

    # -- structure ---------------------------------------------------------------
    @property
    def layers(self):
        """Direct sub-layers (for functional/sequential models: the graph's layers)."""
        return [layer for layer in self._sublayers()]

    @layers.setter
    def layers(self, value):
        raise AttributeError("`Model.layers` is read-only; use `add()` on a Sequential model.")

    def get_layer(self, name=None, index=None):
        """A layer by ``name`` or by ``index`` (in ``model.layers`` order)."""
        if isinstance(name, int) and index is None:
            name, index = None, name
        if index is not None and name is not None:
            raise ValueError("Provide only a layer `name` or an `index`, not both.")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model '{self.name}' only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}."
            )
        raise ValueError("Provide either a layer `name` or an `index` to `get_layer`.")

    def build(self, input_shape=None):
        """Build a subclassed model by tracing ``call`` on symbolic inputs of ``input_shape``."""
        if self.built:
            return
        if input_shape is None:
            raise ValueError(f"Model '{self.name}' cannot be built without an `input_shape`.")
        if isinstance(input_shape, dict):
            x = {k: KerasTensor(tuple(v)) for k, v in input_shape.items()}
        elif isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            x = [KerasTensor(tuple(s)) for s in input_shape]
        else:
            x = KerasTensor(tuple(input_shape))
        self.built = True  # set first: the traced call below must not re-enter build()
        try:
            backend.compute_output_spec(self._call_for_spec, x)
        except Exception:
            self.built = False
            raise
        self._build_shapes = tree.map_structure(lambda t: tuple(t.shape), x)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of layers, output shapes and parameter counts."""
        from cornu.models.summary import print_summary  # noqa: PLC0415

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantize the weights of the built model in place (``"int8"`` or ``"int4"``).

        Every layer that supports it (int8: ``Dense``, ``EinsumDense``,
        ``Embedding``; int4: ``Dense``, ``Embedding``) gets integer kernels with
        float scales, frozen, and a quantized dtype policy; other layers are
        skipped with a warning, as in Keras.

        Args:
            mode: ``"int8"`` or ``"int4"`` (optional when ``config`` is given).
            config: a ``keras.quantizers.Int8QuantizationConfig`` or
                ``Int4QuantizationConfig`` choosing the quantizers (int4: the
                group size, ``block_size``).
            filters: a regex (or list of them) matched against layer names, or
                a callable ``layer -> bool``: only those layers are quantized.
        """
        from cornu.layers.core.quantized_common import quantize_model  # noqa: PLC0415

        quantize_model(self, mode, config=config, filters=filters, **kwargs)

    def get_config(self):
        config = Layer.get_config(self)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Functional configs (``layers``/``input_layers``/``output_layers``) rebuild the graph."""
        if cls is Model and "input_layers" in config and "layers" in config:
            from cornu.models.functional import Functional  # noqa: PLC0415

            return Functional.from_config(config, custom_objects=custom_objects)
        return super().from_config(config)

    # -- saving: the saving room (a higher stratum) registers its functions here ----
    def save(self, filepath, overwrite=True, **kwargs):
        """Save the model (``.keras`` archive or legacy ``.h5``)."""
        return _saving_hook("save_model")(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Save only the weights (``.weights.h5`` or legacy ``.h5``)."""
        return _saving_hook("save_weights")(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights saved by ``save_weights`` (or Keras)."""
        return _saving_hook("load_weights")(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        """The model's config as a JSON string (Keras 3 layout)."""
        import json  # noqa: PLC0415

        from cornu.serialization import serialize_keras_object  # noqa: PLC0415

        return json.dumps(serialize_keras_object(self), **kwargs)


SAVING_HOOKS = {}


def _saving_hook(name):
    try:
        return SAVING_HOOKS[name]
    except KeyError:
        raise RuntimeError(
            f"`{name}` is provided by `cornu.saving`, which is not loaded; `import cornu` loads it."
        ) from None
