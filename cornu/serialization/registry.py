"""The name registry: how a class name in a config becomes a class, safely.

Nothing is ever imported from a module path written in a file: names resolve
only through objects cornu registered itself (``register_builtin``), objects
the user registered (``register_keras_serializable``), and ``custom_objects``
passed explicitly or through ``CustomObjectScope``.
"""
import threading

_BUILTINS = {}  # public module name ("keras.layers") -> {name: object}
_CUSTOM = {}  # "Package>Name" -> object
_CUSTOM_NAMES = {}  # object -> "Package>Name"
_scope = threading.local()


def register_builtin(module, obj, name=None):
    """Register one of cornu's own objects under its public Keras module (e.g. ``keras.layers``)."""
    name = name or getattr(obj, "__name__", None)
    _BUILTINS.setdefault(module, {})[name] = obj
    return obj


def builtin_objects(module):
    """The dict of cornu objects registered under ``module`` (e.g. ``keras.losses``)."""
    return dict(_BUILTINS.get(module, {}))


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a user class or function as ``package>name`` for loading."""

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__}: a class registered for serialization "
                "must implement `get_config()`."
            )
        _CUSTOM[registered] = obj
        _CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj):
    """``package>name`` for registered user objects, else the plain class/function name."""
    if obj in _CUSTOM_NAMES:
        return _CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Look ``name`` up in scopes, ``custom_objects``, the user registry, then ``module_objects``."""
    for scope in reversed(getattr(_scope, "stack", [])):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM:
        return _CUSTOM[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def clear_custom_objects():
    """Forget every ``register_keras_serializable`` registration (tests)."""
    _CUSTOM.clear()
    _CUSTOM_NAMES.clear()


def get_custom_objects():
    """The live dict of user-registered objects (``package>name`` -> object)."""
    return _CUSTOM


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes names resolvable while loading."""

    def __init__(self, *custom_objects):
        merged = {}
        for objects in custom_objects:
            merged.update(objects or {})
        self.custom_objects = merged

    def __enter__(self):
        if not hasattr(_scope, "stack"):
            _scope.stack = []
        _scope.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope.stack.pop()
        return False


custom_object_scope = CustomObjectScope
