"""Make ``import keras`` (and its submodules, Keras 1/2 paths included) resolve to cornu.

An import hook maps ``keras.X`` to a cornu module.  Keras 3 paths give the cornu
module itself (``keras is cornu``, ``keras.layers is cornu.layers``), so
``from keras.layers import Dense`` gives ``cornu.layers.Dense``.

Keras 1/2 paths (``keras.layers.core``, ``keras.utils.np_utils``,
``keras.engine.topology``...) work and give one ``DeprecationWarning`` per path
per process.  Care is taken that importing them never replaces a cornu
attribute: Python sets ``parent.child = module`` after every submodule import,
and the parent of ``keras.layers.core`` *is* ``cornu.layers``.  So a legacy path
whose last name is already a cornu submodule (``core``, ``convolutional``,
``pooling``, ``normalization``) resolves to that very submodule, which gains a
fallback ``__getattr__`` serving the rest of the family (``Reshape`` from
``keras.layers.core``); other legacy paths get a small read-only shim module.
Imported cornu modules keep their own ``__spec__`` and ``__loader__``.
"""
import importlib
import importlib.abc
import importlib.util
import sys
import types

from cornu.legacy.deprecation import warn_once

# Keras 3 public module paths -> cornu modules (no warning).  Paths not listed
# resolve to ``cornu.<same path>`` when that module exists.
MODULE_MAP = {
    "keras": "cornu",
    "keras.backend": "cornu.backend",
    "keras.mixed_precision": "cornu.dtype_policies",
}

# Keras 1/2 module paths -> the cornu modules that now hold their names (searched in order).
LEGACY_MODULES = {
    "keras.layers.core": ("cornu.layers",),
    "keras.layers.convolutional": ("cornu.layers",),
    "keras.layers.pooling": ("cornu.layers",),
    "keras.layers.recurrent": ("cornu.layers",),
    "keras.layers.normalization": ("cornu.layers",),
    "keras.layers.embeddings": ("cornu.layers",),
    "keras.layers.merge": ("cornu.layers", "cornu.legacy.layers"),
    "keras.layers.advanced_activations": ("cornu.layers",),
    "keras.layers.wrappers": ("cornu.layers",),
    "keras.layers.noise": ("cornu.layers",),
    "keras.layers.local": ("cornu.layers",),
    "keras.layers.cudnn_recurrent": ("cornu.layers",),
    "keras.layers.convolutional_recurrent": ("cornu.layers",),
    "keras.layers.experimental": ("cornu.layers",),
    "keras.layers.experimental.preprocessing": ("cornu.layers",),
    "keras.engine": ("cornu.layers", "cornu.models", "cornu.legacy.engine"),
    "keras.engine.topology": ("cornu.layers", "cornu.models", "cornu.legacy.engine"),
    "keras.engine.training": ("cornu.models", "cornu.legacy.engine"),
    "keras.engine.sequential": ("cornu.models",),
    "keras.engine.functional": ("cornu.models", "cornu.legacy.engine"),
    "keras.engine.base_layer": ("cornu.layers",),
    "keras.engine.input_layer": ("cornu.layers",),
    "keras.engine.input_spec": ("cornu.layers",),
    "keras.utils.np_utils": ("cornu.utils", "cornu.legacy.utils"),
    "keras.utils.generic_utils": ("cornu.utils", "cornu.legacy.utils"),
    "keras.utils.data_utils": ("cornu.utils", "cornu.legacy.utils"),
    "keras.utils.vis_utils": ("cornu.visualization", "cornu.utils"),
    "keras.utils.layer_utils": ("cornu.utils", "cornu.legacy.utils"),
    "keras.utils.conv_utils": ("cornu.legacy.utils",),
    "keras.utils.io_utils": ("cornu.utils",),
    "keras.optimizers.legacy": ("cornu.optimizers",),
    "keras.optimizer_v1": ("cornu.optimizers",),
    "keras.optimizer_v2": ("cornu.optimizers",),
    "keras.legacy.layers": ("cornu.legacy.layers", "cornu.layers"),
    "keras.legacy.interfaces": ("cornu.legacy.layers",),
    "keras.wrappers": ("cornu.layers",),
}

# Keras 2's ``keras.layers.merge`` was a module; Keras 1's ``keras.layers.merge`` a function.
_CALLABLE_MODULES = {"keras.layers.merge": ("cornu.legacy.layers", "merge")}


class LegacyModule(types.ModuleType):
    """A read-only view of a Keras 1/2 module path over the cornu modules holding its names."""

    def __init__(self, name, targets):
        super().__init__(name, f"Keras 1/2 module path, served by {', '.join(targets)}.")
        self.__dict__["_targets"] = tuple(targets)
        self.__dict__["__path__"] = []  # a package: deeper legacy paths may be imported below it

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        for target in self._targets:
            module = importlib.import_module(target)
            try:
                return getattr(module, name)
            except AttributeError:
                continue
        raise AttributeError(f"module {self.__name__!r} (a Keras 1/2 path) has no attribute {name!r}")

    def __dir__(self):
        names = set()
        for target in self._targets:
            names.update(n for n in dir(importlib.import_module(target)) if not n.startswith("_"))
        return sorted(names)


class _CallableLegacyModule(LegacyModule):
    """``keras.layers.merge``: the Keras 2 module of merge layers, callable as Keras 1's ``merge``."""

    def __call__(self, *args, **kwargs):
        module_name, function = _CALLABLE_MODULES[self.__name__]
        return getattr(importlib.import_module(module_name), function)(*args, **kwargs)


# Fallback lookups injected into real cornu modules: {module name: {"children": {name: keras path},
# "families": (cornu modules serving Keras 1 family names)}}.
_FALLBACKS = {}
_SHIMS = {}


def _fallback_getattr(module):
    """The ``__getattr__`` injected into a cornu module standing for Keras 1/2 paths."""
    previous = module.__dict__.get("__getattr__")
    entry = _FALLBACKS[module.__name__]

    def __getattr__(name):
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        fullname = entry["children"].get(name)
        if fullname is not None and _FINDER in sys.meta_path:
            # `from keras.utils import np_utils`: the import system asks the parent (cornu.utils).
            return importlib.import_module(fullname)
        if entry["families"] and not name.startswith("_") and (name[:1].isupper() or name in _FALLBACK_FUNCTIONS):
            for target in entry["families"]:
                found = getattr(importlib.import_module(target), name, None)
                if found is not None:
                    return found
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    return __getattr__


def _register_fallback(module, child=None, fullname=None, families=None):
    entry = _FALLBACKS.setdefault(module.__name__, {"children": {}, "families": ()})
    if child is not None:
        entry["children"][child] = fullname
    if families and not entry["families"]:
        entry["families"] = tuple(families)
    if module.__dict__.get("_cornu_legacy_fallback") is not True:
        module.__dict__["__getattr__"] = _fallback_getattr(module)
        module.__dict__["_cornu_legacy_fallback"] = True


# Lower-case names a legacy path may serve (merge functions of Keras 2's ``keras.layers.merge``).
_FALLBACK_FUNCTIONS = frozenset({"add", "subtract", "multiply", "average", "maximum", "minimum",
                                 "concatenate", "dot", "merge"})


def _cornu_name(keras_name):
    return MODULE_MAP.get(keras_name, "cornu" + keras_name[len("keras"):])


def _install_parent_fallbacks():
    """Let ``from keras.utils import np_utils`` work: the parent (``cornu.utils``) answers the child."""
    for fullname in LEGACY_MODULES:
        parent_name, _, child = fullname.rpartition(".")
        if parent_name in LEGACY_MODULES:
            continue  # a shim parent finds its children through the import system
        try:
            parent = importlib.import_module(_cornu_name(parent_name))
        except ImportError:
            continue
        if not isinstance(parent.__dict__.get(child), types.ModuleType):
            _register_fallback(parent, child=child, fullname=fullname)


_IMPORT_ATTRS = ("__spec__", "__loader__", "__path__", "__package__", "__file__", "__cached__")
_ABSENT = object()


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, fullname, build):
        self.fullname = fullname
        self.build = build
        self._saved = None

    def create_module(self, spec):
        module = self.build()
        self._saved = {name: module.__dict__.get(name, _ABSENT) for name in _IMPORT_ATTRS}
        return module

    def exec_module(self, module):
        # `module_from_spec` gave the cornu module the alias's spec, loader and package
        # attributes: put the module's own back (shims keep the alias's).
        if isinstance(module, LegacyModule):
            return
        for name, value in self._saved.items():
            if value is _ABSENT:
                module.__dict__.pop(name, None)
            else:
                module.__dict__[name] = value


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``keras`` and ``keras.*`` imports to cornu modules."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        build = self._builder(fullname)
        if build is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(fullname, build),
                                               is_package=True)

    def _builder(self, fullname):
        if fullname in LEGACY_MODULES:
            return lambda: legacy_module(fullname)
        cornu_name = _cornu_name(fullname)
        try:
            if importlib.util.find_spec(cornu_name) is None:
                return None
        except (ImportError, ValueError):
            return None
        return lambda: importlib.import_module(cornu_name)


def legacy_module(fullname, warn=True):
    """The module object standing for the Keras 1/2 path ``fullname`` (one per process)."""
    targets = LEGACY_MODULES[fullname]
    if warn:
        warn_once(("module", fullname),
                  f"`{fullname}` is a Keras 1/2 module path; its names now live in "
                  f"`{targets[0].replace('cornu', 'keras', 1)}`. Import them from there.")
    if fullname in _SHIMS:
        return _SHIMS[fullname]
    parent_name, _, child = fullname.rpartition(".")
    parent = sys.modules.get(_cornu_name(parent_name))
    existing = parent.__dict__.get(child) if parent is not None else None
    if isinstance(existing, types.ModuleType) and not isinstance(existing, LegacyModule) \
            and existing.__name__.startswith("cornu."):
        # e.g. `keras.layers.core` -> `cornu.layers.core`: a real submodule; serve the rest from `targets`.
        _register_fallback(existing, families=targets)
        module = existing
    else:
        cls = _CallableLegacyModule if fullname in _CALLABLE_MODULES else LegacyModule
        module = cls(fullname, targets)
    _SHIMS[fullname] = module
    return module


_FINDER = KerasAliasFinder()


def install_keras_alias():
    """Make ``import keras`` give cornu in this process (idempotent)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _install_parent_fallbacks()
    for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
        module = sys.modules[name]
        if not (getattr(module, "__name__", "").startswith("cornu") or isinstance(module, LegacyModule)):
            del sys.modules[name]


def uninstall_keras_alias():
    """Undo ``install_keras_alias`` (the shims imports attached to cornu modules go too)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == "keras" or n.startswith("keras.")]:
        del sys.modules[name]
    for fullname, module in _SHIMS.items():
        parent_name, _, child = fullname.rpartition(".")
        parent = sys.modules.get(_cornu_name(parent_name))
        if isinstance(module, LegacyModule) and fullname not in _CALLABLE_MODULES and parent is not None \
                and parent.__dict__.get(child) is module:
            del parent.__dict__[child]


__all__ = ["install_keras_alias", "uninstall_keras_alias", "legacy_module", "KerasAliasFinder", "LegacyModule",
           "MODULE_MAP", "LEGACY_MODULES"]
