"""``TorchModuleWrapper``: a ``torch.nn.Module`` used as a layer (torch engine only)."""
from cornu import backend
from cornu.backend import KerasTensor
from cornu.layers.layer import Layer
from cornu.layers.layer_utils import _shape_to_specs
from cornu.serialization import in_safe_mode, register_builtin

_UNSAFE_MESSAGE = (
    "Requested the deserialization of a `torch.nn.Module` stored as a pickle in the config of "
    "layer `TorchModuleWrapper`. Unpickling can run arbitrary code, so it is disallowed by "
    "default. If you trust the source of the file, pass `safe_mode=False` to the loading "
    "function, or call `cornu.config.enable_unsafe_deserialization()`."
)


class TorchModuleWrapper(Layer):
    """Wraps a ``torch.nn.Module`` so it can be used as a layer.

    The module's parameters become the layer's weights (trainable when they
    require grad), its persistent buffers (e.g. BatchNorm running statistics)
    non-trainable weights. They are the module's own tensors, not copies:
    ``fit`` with any cornu optimizer trains the module in place, and
    ``get_weights``/``set_weights``, ``summary`` and weight files see them.

    ``call`` runs ``module(*args, **kwargs)``. ``training=True``/``False`` puts
    the module in train/eval mode first (``fit`` passes ``True``, ``predict``
    and ``evaluate`` ``False``; when unset the module keeps its own mode), and
    is also passed to ``forward`` when it has a ``training`` argument.

    Lazy modules (``torch.nn.LazyLinear``...) are initialized when the layer is
    built, i.e. by its first call (symbolic or eager): the module runs once in
    eval mode on zeros of the input shape.

    Only available on the torch engine; constructing it on another engine
    raises ``ValueError``. As in Keras, the config holds the module as a
    ``torch.save`` pickle: saving works, and loading requires
    ``safe_mode=False``.

    Args:
        module: the ``torch.nn.Module`` instance to wrap.
        name: the layer's name.
        output_shape: optional output shape (batch dimension included, e.g.
            ``(None, 10)``); inferred by tracing the module when omitted.
        **kwargs: other ``Layer`` arguments (``trainable``, ``dtype``).
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        wrapper = backend.module_wrapper
        if not wrapper.SUPPORTED:
            raise ValueError(wrapper.UNSUPPORTED_MESSAGE)
        if not wrapper.is_module(module):
            raise ValueError(
                "Argument `module` of `TorchModuleWrapper` must be a `torch.nn.Module` instance. "
                f"Received: module={module!r} (of type {type(module).__name__})."
            )
        if output_shape is not None and not isinstance(output_shape, (list, tuple, dict)):
            raise ValueError(
                "Argument `output_shape` of `TorchModuleWrapper` must be a tuple such as (None, 10), "
                f"or None to infer it. Received: output_shape={output_shape!r}."
            )
        super().__init__(name=name, **kwargs)
        self.module = wrapper.attach(self, module)
        self._module_output_shape = _as_tuple(output_shape)
        self._forward_takes_training = wrapper.accepts_training(module)
        self._named_variables = []
        if not wrapper.has_uninitialized_parameters(module):
            self._track_module_tensors()
            self.built = True

    def _track_module_tensors(self):
        self._named_variables = backend.module_wrapper.module_variables(self.module, self.name)
        self._own_variables.extend(variable for _, variable in self._named_variables)

    def build(self, input_shape=None):
        wrapper = backend.module_wrapper
        if wrapper.has_uninitialized_parameters(self.module):
            if input_shape is None:
                raise ValueError(
                    f"TorchModuleWrapper '{self.name}' wraps a lazy module that needs the input shape "
                    "to initialize; call the layer on an input (or `build(input_shape)`)."
                )
            try:
                wrapper.materialize(self.module, input_shape, self.compute_dtype)
            except Exception as e:
                raise ValueError(
                    f"TorchModuleWrapper '{self.name}' could not initialize its lazy module on zeros "
                    f"of shape {input_shape}: {type(e).__name__}: {e}. Call the module once on a real "
                    "input before wrapping it."
                ) from e
            self._track_module_tensors()
        self.built = True

    def call(self, *args, training=None, **kwargs):
        if self._forward_takes_training:
            kwargs["training"] = self.module.training if training is None else bool(training)
        return backend.module_wrapper.call_module(self.module, self._named_variables, args, kwargs,
                                                  training)

    def compute_output_shape(self, input_shape):
        if self._module_output_shape is not None:
            return self._module_output_shape
        spec = self.compute_output_spec(KerasTensor(tuple(input_shape), dtype=self.compute_dtype))
        return tuple(spec.shape)

    def compute_output_spec(self, *args, **kwargs):
        if self._module_output_shape is not None:
            return _shape_to_specs(self._module_output_shape, self.compute_dtype)
        return backend.compute_output_spec(self._call_for_spec, *args, **kwargs)

    # -- weights files: the module's state_dict, by key (as Keras writes it) ------------------
    def save_own_variables(self, store):
        """Write the module's ``state_dict`` (parameters and buffers) into ``store`` by key."""
        for key, value in backend.module_wrapper.state_arrays(self.module).items():
            store[key] = value

    def load_own_variables(self, store):
        """Read the module's ``state_dict`` back from ``store`` (written by cornu or Keras)."""
        arrays = {}
        for key in store.keys():
            name = key.decode() if isinstance(key, bytes) else str(key)
            arrays[name] = store[key]
        backend.module_wrapper.load_state_arrays(self.module, arrays)

    # -- config -------------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config["module"] = backend.module_wrapper.dump_module(self.module)
        shape = self._module_output_shape
        config["output_shape"] = None if shape is None else list(shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        wrapper = backend.module_wrapper
        if not wrapper.SUPPORTED:
            raise ValueError(wrapper.UNSUPPORTED_MESSAGE)
        config = dict(config)
        if "module" not in config:
            raise ValueError(f"The config of a `TorchModuleWrapper` needs a 'module' entry. Received: {config!r}")
        if not wrapper.is_module(config["module"]):
            if in_safe_mode():
                raise ValueError(_UNSAFE_MESSAGE)
            config["module"] = wrapper.load_module(config["module"])
        return super().from_config(config)


def _as_tuple(shape):
    if isinstance(shape, list):
        return tuple(_as_tuple(s) if isinstance(s, list) else s for s in shape)
    return shape


register_builtin("keras.layers", TorchModuleWrapper)
