"""Objects <-> JSON-able configs, in Keras 3's layout.

A serialized object is ``{"module", "class_name", "config", "registered_name"}``
(plus ``build_config``/``compile_config`` where relevant).  Built-in
functions such as activations serialize to their plain name.
"""
import inspect

import numpy as np

from cornu.serialization import registry


def _public_module(obj):
    cls = obj if inspect.isclass(obj) or inspect.isfunction(obj) else type(obj)
    for module, objects in registry._BUILTINS.items():
        if objects.get(getattr(cls, "__name__", None)) is cls:
            return module
    return getattr(cls, "__module__", None)


def serialize_keras_object(obj):
    """Return a JSON-able description of ``obj``."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, (np.generic,)):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, type) and not hasattr(obj, "get_config"):
        return obj.__name__
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = registry.get_registered_name(obj)
        module = _public_module(obj)
        if obj in registry._CUSTOM_NAMES or not (module or "").startswith("keras"):
            return {"module": module, "class_name": "function", "config": name, "registered_name": name}
        return name
    if hasattr(obj, "get_config"):
        cls = type(obj)
        registered = registry._CUSTOM_NAMES.get(cls)
        return {
            "module": _public_module(obj),
            # A class may carry the name Keras writes for it when that differs from its own.
            "class_name": cls.__dict__.get("_keras_class_name", cls.__name__),
            "config": serialize_keras_object(obj.get_config()),
            "registered_name": registered,
        }
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}.")


def deserialize_keras_object(config, module_objects=None, custom_objects=None,
                             printable_module_name="object", **kwargs):
    """Rebuild an object from ``serialize_keras_object`` output (or a plain name).

    Names are resolved only through the registry (never by importing the
    module path stored in the config).
    """
    if config is None or isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, str):
        obj = registry.get_registered_object(config, custom_objects, module_objects)
        if obj is None:
            raise ValueError(
                f"Unknown {printable_module_name}: {config!r}. Please ensure you are using a "
                "`cornu.utils.register_keras_serializable` decorator or pass the object in "
                "`custom_objects`."
            )
        return obj
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, module_objects, custom_objects, printable_module_name) for c in config]
    if not isinstance(config, dict):
        raise TypeError(f"Cannot deserialize {printable_module_name} from {config!r}.")
    class_name = config.get("class_name")
    if class_name == "__numpy__":
        inner = config["config"]
        return np.array(inner["value"], dtype=inner["dtype"])
    inner = config.get("config", {})
    if class_name == "function":
        name = config.get("registered_name") or inner
        obj = registry.get_registered_object(name, custom_objects, module_objects)
        if obj is None and isinstance(inner, str):
            obj = registry.get_registered_object(inner, custom_objects, module_objects)
        if obj is None:
            raise ValueError(f"Unknown {printable_module_name} function: {name!r}.")
        return obj
    cls = None
    for name in (config.get("registered_name"), class_name):
        if name:
            cls = registry.get_registered_object(name, custom_objects, module_objects)
            if cls is not None:
                break
    if cls is None:
        module = config.get("module")
        if module:
            for candidate in _module_candidates(module):
                cls = registry.builtin_objects(candidate).get(class_name)
                if cls is not None:
                    break
    if cls is None:
        raise ValueError(
            f"Unknown {printable_module_name}: {class_name!r}. Please ensure you are using a "
            "`cornu.utils.register_keras_serializable` decorator or pass the class in "
            "`custom_objects`."
        )
    if not inspect.isclass(cls):
        return cls
    if hasattr(cls, "from_config"):
        return cls.from_config(inner if isinstance(inner, dict) else {})
    return cls(**(inner or {}))


def _module_candidates(module):
    """Public modules to search for ``keras.src.optimizers.schedules.x`` / ``cornu.layers``:
    the longest public prefix first (``keras.optimizers.schedules``), then shorter ones."""
    parts = module.replace("cornu", "keras").split(".")
    if len(parts) > 1 and parts[1] == "src":
        parts = parts[:1] + parts[2:]
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
