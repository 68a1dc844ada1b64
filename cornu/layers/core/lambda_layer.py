"""``Lambda``: wrap an arbitrary function as a layer."""
import base64
import inspect
import marshal
import types

from cornu import backend
from cornu.layers.layer import Layer
from cornu.serialization import in_safe_mode, serialize_keras_object, deserialize_keras_object


class Lambda(Layer):
    """Wraps ``function(inputs, **arguments)`` as a layer.

    Args:
        function: the function to apply.
        output_shape: optional output shape (tuple, or callable of the input shape);
            inferred by tracing the function when omitted.
        mask: optional mask, or callable ``(inputs, mask) -> mask``.
        arguments: extra keyword arguments passed to ``function``.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda layer '{self.name}': `function` must be callable, got {function!r}.")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None
        self._accepts_mask = "mask" in inspect.signature(function).parameters
        self._accepts_training = "training" in inspect.signature(function).parameters
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._accepts_mask:
            kwargs["mask"] = mask
        if self._accepts_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return backend.compute_output_spec(self.call, *args, **kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        shape = tuple(self._output_shape)
        if len(shape) and isinstance(input_shape, tuple) and len(shape) == len(input_shape) - 1:
            return (input_shape[0],) + shape
        return (input_shape[0],) + shape if not shape or shape[0] is not None else shape

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self):
        config = super().get_config()
        config.update({"function": _serialize_function(self.function), "arguments": self.arguments})
        if self._output_shape is not None:
            config["output_shape"] = _serialize_function(self._output_shape) if callable(self._output_shape) \
                else list(self._output_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["function"] = _deserialize_function(config["function"], custom_objects)
        if isinstance(config.get("output_shape"), dict):
            config["output_shape"] = _deserialize_function(config["output_shape"], custom_objects)
        config.pop("function_type", None)
        config.pop("output_shape_type", None)
        config.pop("module", None)
        config.pop("output_shape_module", None)
        return super().from_config(config)


def _serialize_function(fn):
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>" or not hasattr(fn, "__name__"):
        code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
        defaults = list(fn.__defaults__) if fn.__defaults__ else None
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": defaults, "closure": None}}
    return serialize_keras_object(fn)


def _deserialize_function(config, custom_objects=None):
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if in_safe_mode():
            raise ValueError(
                "Requested the deserialization of a Python lambda stored as bytecode in the file. "
                "This carries a potential risk of arbitrary code execution and is disallowed by "
                "default. If you trust the source of the file, pass `safe_mode=False` to the "
                "loading function, or call `cornu.config.enable_unsafe_deserialization()`."
            )
        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
        return types.FunctionType(code, globals(), "lambda", defaults)
    return deserialize_keras_object(config, custom_objects=custom_objects, printable_module_name="function")
