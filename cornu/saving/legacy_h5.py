"""The legacy ``.h5`` format (Keras 2 layout), read and written; Keras 1 files read.

Layout (as Keras 2 and Keras 3's legacy writer produce it): root attributes
``backend``, ``keras_version``, ``model_config`` (JSON ``{"class_name",
"config"}``) and ``training_config`` (JSON); group ``model_weights`` with
attributes ``layer_names``, ``backend``, ``keras_version`` and one group per
layer whose ``weight_names`` attribute lists dataset paths inside it
(``dense/kernel:0`` in Keras 2, ``dense/kernel`` in Keras 3, ``dense_1_W`` in
Keras 1); group ``optimizer_weights`` with ``weight_names``.  Attributes
larger than HDF5's 64 KiB header limit are split into ``name0``, ``name1``...
A weights-only file has the ``model_weights`` layout at its root.

Keras 1 (checked on files written by Keras 1.2.2 itself): root attributes
``keras_version`` (absent before 1.1), ``model_config`` and ``training_config``
only, no ``backend``; a Sequential's config is a plain list; ``model_weights``
carries only ``layer_names``, which follows ``Sequential.flattened_layers``
(the layers of merged branch models, one by one); weightless layers have an
empty ``weight_names``.  Keras 0.x weights files number their groups instead:
``nb_layers``, ``layer_<k>`` with ``nb_params`` and ``param_<p>``.
"""
import json
import warnings

import numpy as np

from cornu import backend
from cornu.saving import h5_guard, keras1_configs, legacy_configs
from cornu.saving.errors import LoadError
from cornu.saving.weights_io import assign, to_numpy

_HEADER_LIMIT = 64512


# -- writing -------------------------------------------------------------------------------
def _write_string_list(group, name, values):
    data = np.asarray([v.encode("utf-8") for v in values]) if values else np.asarray([])
    chunks = 1
    while data.size and any(part.nbytes > _HEADER_LIMIT for part in np.array_split(data, chunks)):
        chunks += 1
    if chunks == 1:
        group.attrs[name] = data
    else:
        for i, part in enumerate(np.array_split(data, chunks)):
            group.attrs[f"{name}{i}"] = part


def legacy_weights(layer):
    """A layer's weights in the legacy order: trainable, then non-trainable."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def write_weights_group(group, model):
    """Fill ``group`` with the Keras 2 weights layout of ``model``."""
    from cornu.saving.archive import KERAS_VERSION  # noqa: PLC0415

    _write_string_list(group, "layer_names", [layer.name for layer in model.layers])
    group.attrs["backend"] = backend.backend()
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in sorted(model.layers, key=lambda x: x.name):
        _write_subset(group.create_group(layer.name), legacy_weights(layer))
    layer_owned = {id(v) for layer in model.layers for v in layer.weights}
    top = [v for v in model.weights if id(v) not in layer_owned]
    _write_subset(group.create_group("top_level_model_weights"), top)


def _write_subset(group, variables):
    names, used = [], set()
    for variable in variables:
        name = str(getattr(variable, "path", None) or variable.name)
        base, k = name, 1
        while name in used:
            name = f"{base}_{k}"
            k += 1
        used.add(name)
        names.append(name)
    _write_string_list(group, "weight_names", names)
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=to_numpy(variable))


# Keras 3 arguments Keras 2 does not know, dropped from legacy files when they hold their default.
_KERAS3_DEFAULTS = {"use_cudnn": "auto", "lora_rank": None, "lora_alpha": None, "quantization_config": None,
                    "input_axes": None, "output_axes": None}


def _without_keras3_defaults(value):
    if isinstance(value, list):
        return [_without_keras3_defaults(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: _without_keras3_defaults(v) for k, v in value.items()
            if not (k in _KERAS3_DEFAULTS and v == _KERAS3_DEFAULTS[k])}


def _keras2_nodes(nodes, nested_models):
    """Keras 3 node dicts -> Keras 2's ``[[layer, node, tensor, kwargs], ...]``, or None when a node is
    not expressible (one positional argument, a tensor or a list of tensors; plain keyword arguments).
    Keras 2 numbers the calls of a nested model from 1 (node 0 is the model's own graph)."""
    out = []
    for node in nodes:
        if not isinstance(node, dict):
            return None
        args, kwargs = node.get("args") or [], node.get("kwargs") or {}
        first = args[0] if len(args) == 1 else None
        tensors = first if isinstance(first, list) else [first]
        if not tensors or not all(isinstance(t, dict) and t.get("class_name") == "__keras_tensor__" for t in tensors):
            return None
        if any(isinstance(v, (dict, list)) for v in kwargs.values()):
            return None
        refs = [list(t["config"]["keras_history"]) for t in tensors]
        out.append([_keras2_ref(ref, nested_models) + [dict(kwargs)] for ref in refs])
    return out


def _keras2_ref(ref, nested_models):
    return [ref[0], ref[1] + 1] + list(ref[2:]) if ref and ref[0] in nested_models else list(ref)


def _legacy_model_config(config):
    """A Sequential/Functional config as Keras' legacy writer stores it.  A functional graph is written
    in Keras 2's node format when every node allows it (Keras 2 then reads the file), else in Keras 3's."""
    config = dict(config)
    if not isinstance(config.get("layers"), list):
        return config
    entries = [_legacy_layer_entry(e) for e in config["layers"]]
    if "output_layers" in config:
        nested = frozenset(e.get("name") for e in entries
                           if isinstance(e, dict) and legacy_configs.has_own_input_node(e))
        converted = [_keras2_nodes(e.get("inbound_nodes") or [], nested) if isinstance(e, dict) else None
                     for e in entries]
        if all(c is not None for c in converted):
            for entry, nodes in zip(entries, converted):
                entry["inbound_nodes"] = nodes
            outputs = config["output_layers"]
            if isinstance(outputs, list) and outputs and isinstance(outputs[0], list):
                config["output_layers"] = [_keras2_ref(r, nested) for r in outputs]
            elif isinstance(outputs, list):
                config["output_layers"] = _keras2_ref(outputs, nested)
            elif isinstance(outputs, dict):
                config["output_layers"] = {k: _keras2_ref(r, nested) for k, r in outputs.items()}
    config["layers"] = entries
    return config


def _legacy_layer_entry(entry):
    """Layer entries as Keras' legacy writer stores them (plain dtype names, no build configs)."""
    if not isinstance(entry, dict):
        return entry
    entry = {k: v for k, v in entry.items() if k not in ("build_config", "compile_config")}
    config = entry.get("config")
    if isinstance(config, dict):
        config = _without_keras3_defaults(dict(config))
        dtype = config.get("dtype")
        if isinstance(dtype, dict) and dtype.get("class_name") == "DTypePolicy":
            name = (dtype.get("config") or {}).get("name", "float32")
            if not str(name).startswith("mixed"):
                config["dtype"] = name
        if entry.get("class_name") == "InputLayer" and "batch_shape" in config:
            config["batch_input_shape"] = config.pop("batch_shape")
        if isinstance(config.get("layers"), list):
            config = _legacy_model_config(config)
        entry["config"] = config
    return entry


def save_legacy_model(h5, model, include_optimizer=True):
    """Write ``model`` into an open, writable HDF5 file in the Keras 2 full-model layout."""
    from cornu.models.functional import Functional  # noqa: PLC0415
    from cornu.models.sequential import Sequential  # noqa: PLC0415
    from cornu.saving.archive import KERAS_VERSION  # noqa: PLC0415
    from cornu.saving.model_config import compile_config_of  # noqa: PLC0415

    if not isinstance(model, (Functional, Sequential)):
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model or a "
            "Sequential model. It does not work for subclassed models. Use the `.keras` format "
            f"instead (model: {type(model).__name__}).")
    from cornu.saving.model_config import keras_module_names  # noqa: PLC0415

    config = _legacy_model_config(keras_module_names(model.get_config()))
    h5.attrs["backend"] = backend.backend()
    h5.attrs["keras_version"] = KERAS_VERSION
    h5.attrs["model_config"] = json.dumps({"class_name": type(model).__name__, "config": config})
    compile_config = compile_config_of(model) if include_optimizer else None
    if compile_config is not None:
        training = {k: v for k, v in compile_config.items() if k != "optimizer"}
        optimizer = compile_config.get("optimizer")
        if isinstance(optimizer, dict):
            training["optimizer_config"] = {"class_name": optimizer.get("class_name"),
                                            "config": optimizer.get("config")}
        h5.attrs["training_config"] = json.dumps(training)
    write_weights_group(h5.create_group("model_weights"), model)
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and getattr(optimizer, "built", False):
        group = h5.create_group("optimizer_weights")
        _write_subset(group, list(optimizer.variables))


# -- reading -------------------------------------------------------------------------------
def is_legacy_weights_root(h5):
    """True for a Keras 1/2 weights group (it lists ``layer_names``) or a Keras 0.x one (``nb_layers``)."""
    return any(h5_guard.read_attr(h5, name) is not None for name in ("layer_names", "layer_names0", "nb_layers"))


def _load_numbered_layers(group, layers, by_name, skip_mismatch, backend_name):
    """Keras 0.x ``save_weights``: ``nb_layers``, groups ``layer_<k>`` with ``nb_params`` and datasets
    ``param_<p>``, one group per layer (weightless ones included), matched by position."""
    if by_name:
        raise ValueError("The weight file you are trying to load is in a legacy format (Keras 0.x `nb_layers`) "
                         "that does not support name-based weight loading.")
    count = h5_guard.read_attr(group, "nb_layers")
    if not isinstance(count, (int, np.integer)) or count < 0:
        raise LoadError(f"Invalid 'nb_layers' attribute: {count!r}.")
    if int(count) != len(layers):
        raise ValueError(f"You are trying to load a weight file containing {int(count)} layers into a model "
                         f"with {len(layers)} layers.")
    for k, layer in enumerate(layers):
        layer_group = h5_guard.child(group, f"layer_{k}")
        if layer_group is None or not h5_guard.is_group(layer_group):
            raise LoadError(f"Group 'layer_{k}' is missing from the weight file ('nb_layers' is {int(count)}).")
        n_params = h5_guard.read_attr(layer_group, "nb_params", 0)
        if not isinstance(n_params, (int, np.integer)) or not 0 <= n_params <= 10_000:
            raise LoadError(f"Invalid 'nb_params' attribute of 'layer_{k}': {n_params!r}.")
        names = [f"param_{p}" for p in range(int(n_params))]
        values = _read_layer_values(layer_group, names, _budget(layer.weights), f"Group 'layer_{k}'")
        _assign_layer(layer, values, None, backend_name, skip_mismatch, k)


def _read_layer_values(group, weight_names, budget, where):
    datasets = []
    for name in weight_names:
        ds = h5_guard.get_path(group, name)
        if ds is None or not h5_guard.is_dataset(ds):
            raise LoadError(f"{where}: weight {name!r} listed in 'weight_names' is missing from the file.")
        h5_guard.check_dataset(ds, name)
        datasets.append(ds)
    declared = sum(int(np.prod(ds.shape, dtype=np.int64)) * ds.dtype.itemsize for ds in datasets)
    if declared > budget:
        raise LoadError(f"{where}: the saved weights declare {declared} bytes, far more than the layer's "
                        "variables hold; refused before reading.")
    return [h5_guard.read_dataset(ds) for ds in datasets]


def _budget(variables):
    return 4 * sum(int(np.prod(v.shape, dtype=np.int64)) * 8 for v in variables) + 2**20


def _layer_config(layer):
    try:
        return layer.get_config()
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return {}


def _assign_layer(layer, values, keras_version, backend_name, skip_mismatch, index):
    variables = legacy_weights(layer)
    values = legacy_configs.convert_legacy_weights(
        type(layer).__name__, _layer_config(layer), values, [tuple(v.shape) for v in variables],
        keras_version, backend_name)
    if len(values) != len(variables):
        message = (f"Layer #{index} (named '{layer.name}' in the current model) expects "
                   f"{len(variables)} weight(s), but the saved weights have {len(values)} element(s).")
        if skip_mismatch:
            warnings.warn(f"Skipping loading of weights for layer #{index} (named {layer.name}) due to "
                          f"mismatch in number of weights. {message}", stacklevel=4)
            return
        raise ValueError(message)
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(np.shape(value)):
            message = (f"Shape mismatch in layer #{index} (named {layer.name}) for weight "
                       f"{variable.name}. Weight expects shape {tuple(variable.shape)}. Received saved "
                       f"weight with shape {tuple(np.shape(value))}")
            if skip_mismatch:
                warnings.warn(f"Skipping loading weights for layer #{index} (named {layer.name}) due to "
                              f"mismatch in shape. {message}", stacklevel=4)
                return
            raise ValueError(message)
    for variable, value in zip(variables, values):
        assign(variable, value)


def load_weights_group(group, model, by_name=False, skip_mismatch=False, keras_version=None,
                       backend_name=None):
    """Load a Keras 1/2 ``model_weights`` group into ``model`` (topological order or by name)."""
    keras_version = h5_guard.read_attr(group, "keras_version", keras_version)
    backend_name = h5_guard.read_attr(group, "backend", backend_name)
    # Keras 1 lists a Sequential's merged branches layer by layer (`flattened_layers`).
    layers = keras1_configs.flattened_layers(model) if legacy_configs.is_keras1(keras_version) else model.layers
    if h5_guard.read_attr(group, "nb_layers") is not None:
        _load_numbered_layers(group, layers, by_name, skip_mismatch, backend_name)
        return
    layer_names = h5_guard.read_string_list_attr(group, "layer_names")
    saved = []
    for name in layer_names:
        layer_group = h5_guard.child(group, name)
        if layer_group is None or not h5_guard.is_group(layer_group):
            raise LoadError(f"Layer {name!r} is listed in 'layer_names' but missing from the file.")
        saved.append((name, layer_group, h5_guard.read_string_list_attr(layer_group, "weight_names")))
    if by_name:
        index = {}
        for layer in layers:
            index.setdefault(layer.name, []).append(layer)
        for k, (name, layer_group, weight_names) in enumerate(saved):
            for layer in index.get(name, []):
                values = _read_layer_values(layer_group, weight_names, _budget(layer.weights), f"Layer {name!r}")
                _assign_layer(layer, values, keras_version, backend_name, skip_mismatch, k)
        return
    model_layers = [layer for layer in layers if legacy_weights(layer)]
    saved = [entry for entry in saved if entry[2]]
    if len(saved) != len(model_layers):
        raise ValueError(f"Layer count mismatch when loading weights from file. Model expected "
                         f"{len(model_layers)} layers, found {len(saved)} saved layers.")
    for k, (layer, (name, layer_group, weight_names)) in enumerate(zip(model_layers, saved)):
        values = _read_layer_values(layer_group, weight_names, _budget(layer.weights), f"Layer {name!r}")
        _assign_layer(layer, values, keras_version, backend_name, skip_mismatch, k)
    top = h5_guard.child(group, "top_level_model_weights")
    if top is not None and h5_guard.is_group(top):
        names = h5_guard.read_string_list_attr(top, "weight_names")
        layer_owned = {id(v) for layer in model.layers for v in layer.weights}
        own = [v for v in model.weights if id(v) not in layer_owned]
        if names and len(names) == len(own):
            for variable, value in zip(own, _read_layer_values(top, names, _budget(own), "top level")):
                assign(variable, value)


def load_legacy_model(h5, custom_objects=None, compile=True):
    """Build and load a model from an open, vetted legacy ``.h5`` file (inside the loading scopes)."""
    from cornu.saving.model_config import build_model, compile_from_config  # noqa: PLC0415

    model_config = h5_guard.read_json_attr(h5, "model_config")
    if model_config is None:
        raise ValueError("No model config found in the file; it holds weights only. Build the model "
                         "and call `model.load_weights(filepath)`.")
    keras_version = h5_guard.read_attr(h5, "keras_version")
    backend_name = h5_guard.read_attr(h5, "backend")
    model = build_model(model_config, custom_objects,
                        keras_version=keras_version if keras_version is not None else "1")
    weights = h5_guard.child(h5, "model_weights")
    if weights is None or not h5_guard.is_group(weights):
        raise LoadError("The file has a model config but no 'model_weights' group.")
    load_weights_group(weights, model, keras_version=keras_version, backend_name=backend_name)
    training_config = h5_guard.read_json_attr(h5, "training_config") if compile else None
    if training_config is not None:
        compile_from_config(model, training_config, custom_objects)
        optimizer_group = h5_guard.child(h5, "optimizer_weights")
        if optimizer_group is not None and h5_guard.is_group(optimizer_group) and model.optimizer is not None:
            load_optimizer_group(optimizer_group, model.optimizer)
    return model


def load_optimizer_group(group, optimizer):
    """Restore an optimizer's state from ``optimizer_weights`` (Keras 3, Keras 2 and Keras 2 V2 layouts).

    On any mismatch the optimizer keeps its fresh state and a warning says so (as Keras does).
    """
    names = h5_guard.read_string_list_attr(group, "weight_names")
    variables = list(optimizer.variables)
    budget = _budget(variables)
    try:
        values = _read_layer_values(group, names, budget, "optimizer_weights")
    except LoadError as e:
        warnings.warn(f"Error in loading the saved optimizer state ({e}); starting with a freshly "
                      "initialized optimizer.", stacklevel=3)
        return
    plan = _match_optimizer(names, values, variables)
    if plan is None:
        warnings.warn(
            f"Error in loading the saved optimizer state: the file has {len(values)} optimizer "
            f"variables, optimizer '{optimizer.name}' has {len(variables)}. As a result, your model "
            "is starting with a freshly initialized optimizer.", stacklevel=3)
        return
    for variable, value in plan:
        assign(variable, value)


def _match_optimizer(names, values, variables):
    def fits(pairs):
        return all(tuple(v.shape) == tuple(np.shape(x)) for v, x in pairs)

    if len(values) == len(variables) and fits(zip(variables, values)):
        return list(zip(variables, values))
    reordered = _regroup_v2_slots(names, values)
    for candidate in ([values] if reordered is None else [values, reordered]):
        # Keras 2 optimizers keep no learning-rate variable: [iteration, slots...].
        if len(variables) >= 2 and len(candidate) == len(variables) - 1 and \
                "learning_rate" in str(variables[1].name):
            pairs = [(variables[0], candidate[0])] + list(zip(variables[2:], candidate[1:]))
            if fits(pairs):
                return pairs
    return None


def _regroup_v2_slots(names, values):
    """Keras 2 ``OptimizerV2`` order [iter, m(all vars)..., v(all vars)...] -> per variable, interleaved."""
    if not names or len(names) != len(values):
        return None
    slots = {}
    order = []
    head = []
    for name, value in zip(names, values):
        clean = name.split(":")[0]
        parts = clean.split("/")
        if parts[-1] in ("iter", "iteration", "iterations"):
            head.append(value)
            continue
        if len(parts) < 2:
            return None
        key = "/".join(parts[1:-1]) or parts[0]
        if key not in slots:
            slots[key] = []
            order.append(key)
        slots[key].append(value)
    if len(head) != 1:
        return None
    return head + [value for key in order for value in slots[key]]


__all__ = ["save_legacy_model", "write_weights_group", "load_legacy_model", "load_weights_group",
           "load_optimizer_group", "is_legacy_weights_root", "legacy_weights"]
