"""Vetting a model config before anything is built from it.

The registry already guarantees that class names resolve only to objects
cornu or the user registered (nothing is imported from a module path in a
file).  This pass adds the checks that public Keras advisories showed are
needed on top of that, and runs before any object is created:

* Python bytecode (``__lambda__`` functions, Keras 1/2 ``function_type:
  "lambda"``) is refused unless safe mode is off (CVE-2024-3660,
  CVE-2025-9905 for ``.h5``);
* a function reference inside a config may only name a user-registered
  function or one from the math modules (activations, losses, metrics, ops):
  never a file, download, saving or configuration helper such as
  ``get_file``, ``load_model`` or ``enable_unsafe_deserialization``
  (CVE-2025-1550, CVE-2025-8747, CVE-2025-9906);
* every layer call recorded in the graph must receive a tensor: a call on
  bare strings is how a config smuggled a file path into a function;
* in safe mode, layers that load external code or files are refused:
  ``TorchModuleWrapper`` (pickle, CVE-2025-49655), ``TFSMLayer``
  (SavedModel, CVE-2026-1462), ``JaxLayer``/``FlaxLayer``, and lookup layers
  given a vocabulary *file path* (CVE-2025-12058);
* nesting depth and size are bounded.
"""
from cornu.saving.errors import MAX_JSON_DEPTH, UnsafeFileError

_SAFE_FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics", "keras.ops",
                          "keras.backend", "keras.regularizers", "keras.initializers",
                          "keras.constraints", "keras.layers.activations",
                          "keras.saving.legacy_functions")  # Keras 1/2 math (keras2_hard_sigmoid)
_NEVER_FUNCTIONS = {"get", "serialize", "deserialize", "load_model", "save_model", "get_file",
                    "enable_unsafe_deserialization", "set_global_attribute", "load_weights",
                    "model_from_json", "model_from_config", "model_from_yaml"}
_CODE_LAYERS = {"TorchModuleWrapper", "JaxLayer", "FlaxLayer", "TFSMLayer"}
_FILE_ARGUMENTS = {"StringLookup": ("vocabulary",), "IntegerLookup": ("vocabulary",),
                   "TextVectorization": ("vocabulary", "idf_weights"), "Hashing": (),
                   "Discretization": ()}
_LAMBDA_MESSAGE = (
    "Requested the deserialization of a Python lambda stored as bytecode in the file. This carries "
    "a potential risk of arbitrary code execution and is disallowed by default. If you trust the "
    "source of the file, pass `safe_mode=False` to the loading function, or call "
    "`cornu.config.enable_unsafe_deserialization()`.")


def _normalize_module(module):
    parts = str(module).replace("cornu", "keras", 1).split(".")
    if len(parts) > 1 and parts[1] == "src":
        parts = parts[:1] + parts[2:]
    return ".".join(parts)


def _check_function_reference(node, where):
    module = node.get("module")
    name = node.get("registered_name") or node.get("config")
    if isinstance(name, str) and name.split(">")[-1] in _NEVER_FUNCTIONS:
        raise UnsafeFileError(f"{where}: the config refers to the function {name!r}, which a model "
                              "file may not call. Refused.")
    if isinstance(module, str) and module.split(".")[0] in ("keras", "cornu", "tf_keras"):
        normalized = _normalize_module(module)
        if not normalized.startswith(_SAFE_FUNCTION_MODULES):
            raise UnsafeFileError(
                f"{where}: the config refers to the function {name!r} of module {module!r}; only "
                "activation, loss, metric and op functions (or functions you registered) may be "
                "referenced from a model file. Refused.")


def _has_tensor(value, depth=0):
    if depth > MAX_JSON_DEPTH:
        return False
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return True
        return any(_has_tensor(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(v, depth + 1) for v in value)
    return False


def _check_inbound_nodes(nodes, where):
    if not isinstance(nodes, list):
        raise UnsafeFileError(f"{where}: 'inbound_nodes' must be a list.")
    for node in nodes:
        if isinstance(node, dict):
            if not _has_tensor(node.get("args")) and not _has_tensor(node.get("kwargs")):
                raise UnsafeFileError(
                    f"{where}: a recorded call of this layer receives no tensor (only constants). "
                    "A model graph always feeds layers tensors; the config is refused.")
        elif isinstance(node, list):  # Keras 1/2: [[layer_name, node_index, tensor_index, kwargs], ...]
            if not node or not all(isinstance(ref, list) and ref and isinstance(ref[0], str) for ref in node):
                raise UnsafeFileError(f"{where}: malformed Keras 2 'inbound_nodes' entry.")
        else:
            raise UnsafeFileError(f"{where}: malformed 'inbound_nodes' entry of type {type(node).__name__}.")


def _check_layer(node, safe_mode, where):
    class_name = node.get("class_name")
    inner = node.get("config")
    if safe_mode and class_name in _CODE_LAYERS:
        raise UnsafeFileError(
            f"{where}: layer class {class_name!r} loads external code or files when it is built, "
            "which safe mode does not allow. Pass `safe_mode=False` only for files you trust.")
    if safe_mode and class_name in _FILE_ARGUMENTS and isinstance(inner, dict):
        for key in _FILE_ARGUMENTS[class_name]:
            if isinstance(inner.get(key), str):
                raise UnsafeFileError(
                    f"{where}: {class_name} argument {key}={inner[key]!r} is a file path; reading "
                    "files named by a model file is refused in safe mode.")
    if isinstance(inner, dict) and inner.get("function_type") == "lambda" and safe_mode:
        raise UnsafeFileError(f"{where}: {_LAMBDA_MESSAGE}")
    if "inbound_nodes" in node:
        _check_inbound_nodes(node["inbound_nodes"], where)


def audit_config(config, safe_mode=True):
    """Raise ``UnsafeFileError`` if ``config`` (a parsed JSON structure) asks for anything refused."""
    stack = [(config, 0, "config")]
    seen = 0
    while stack:
        node, depth, where = stack.pop()
        seen += 1
        if depth > MAX_JSON_DEPTH:
            raise UnsafeFileError(f"Config nested more than {MAX_JSON_DEPTH} levels deep; refused.")
        if isinstance(node, dict):
            class_name = node.get("class_name")
            if class_name is not None and not isinstance(class_name, str):
                raise UnsafeFileError(f"{where}: 'class_name' must be a string, got {type(class_name).__name__}.")
            if "module" in node and node["module"] is not None and not isinstance(node["module"], str):
                raise UnsafeFileError(f"{where}: 'module' must be a string.")
            if class_name == "__lambda__" and safe_mode:
                raise UnsafeFileError(f"{where}: {_LAMBDA_MESSAGE}")
            if class_name == "function":
                _check_function_reference(node, where)
            if class_name is not None:
                _check_layer(node, safe_mode, where)
                inner = node.get("config")
                name = node.get("name") or (inner.get("name") if isinstance(inner, dict) else None)
                where = f"{class_name} {name!r}" if isinstance(name, str) else class_name
            for value in node.values():
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1, where))
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1, where))
    return config


__all__ = ["audit_config"]
