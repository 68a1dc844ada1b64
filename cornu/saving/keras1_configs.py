"""Keras 1 ``Sequential`` configs: ``Merge`` of whole models, input dtypes, Keras 0.x entries.

Facts from Keras 1.2.2's ``Sequential.get_config``/``from_config``: the config
is a plain list of ``{"class_name", "config"}`` entries; when the first layer
is a ``Merge`` of models, its entry is ``{"class_name": "Merge", "config":
{..., "layers": [{"class_name": "Sequential", "config": [...]}, ...]}}``; the
first layer carries ``batch_input_shape`` and ``input_dtype`` (the dtype of
the *input*, not of the layer); Keras 0.x entries had no ``class_name`` but
``{"name": <class>, "custom_name": <name>}``.

A ``Merge`` of models becomes a functional model (named as the ``Merge``)
calling each branch model on its own input and merging the outputs, which
``cornu.legacy`` lets a ``Sequential`` start with.  Keras 1 lists the weights
of such a model branch by branch (``Sequential.flattened_layers``); see
``flattened_layers``.
"""
from cornu.saving import legacy_configs


def normalize_entry(entry):
    """A Keras 0.x entry ``{"name": "Dense", "custom_name": "d1", ...}`` -> ``{"class_name", "config"}``."""
    if isinstance(entry, dict) and "class_name" not in entry and isinstance(entry.get("name"), str):
        config = dict(entry)
        class_name = config.pop("name")
        config["name"] = config.pop("custom_name", None)
        return {"class_name": class_name, "config": config}
    return entry


def _is_float(dtype):
    return dtype is None or str(dtype).startswith(("float", "bfloat", "half", "double"))


def translate_sequential_layers(entries):
    """A Keras 1 Sequential's layer entries, translated (a first ``Merge`` of models included)."""
    out = []
    for i, entry in enumerate(normalize_entry(e) for e in entries):
        config = entry.get("config") if isinstance(entry, dict) else None
        if i == 0 and entry.get("class_name") == "Merge" and isinstance(config, dict) \
                and isinstance(config.get("layers"), list):
            out.append(merge_of_models_entry(entry))
            continue
        translated = legacy_configs.translate_layer_config(entry, keras1=True)
        input_dtype = config.get("input_dtype") if isinstance(config, dict) else None
        inner = translated.get("config") if isinstance(translated, dict) else None
        if i == 0 and not _is_float(input_dtype) and isinstance(inner, dict) and "batch_input_shape" in inner \
                and translated.get("class_name") != "InputLayer":
            # Keras 1 builds the input layer with `input_dtype` (an Embedding's int32 indices).
            name = f"{inner.get('name') or 'layer'}_input"
            out.append({"class_name": "InputLayer", "config": {
                "batch_input_shape": inner.pop("batch_input_shape"), "dtype": str(input_dtype), "name": name}})
        out.append(translated)
    return out


def _input_entries(layers, refs):
    by_name = {e.get("name") or (e.get("config") or {}).get("name"): e for e in layers if isinstance(e, dict)}
    specs = []
    for ref in refs or []:
        entry = by_name.get(ref[0]) if isinstance(ref, list) and ref else None
        if entry is None or entry.get("class_name") != "InputLayer":
            return None
        specs.append(_input_spec(entry.get("config") or {}))
    return specs


def _input_spec(config):
    shape = config.get("batch_shape", config.get("batch_input_shape"))
    return (list(shape) if shape is not None else None), (config.get("dtype") or "float32")


def branch_input_specs(entry):
    """``[(batch_shape, dtype), ...]`` of a translated model entry, or None when unknown."""
    inner = entry.get("config") if isinstance(entry, dict) else None
    if not isinstance(inner, dict):
        return None
    layers = inner.get("layers") or []
    if entry.get("class_name") in ("Functional", "Model"):
        return _input_entries(layers, inner.get("input_layers"))
    first = layers[0] if layers and isinstance(layers[0], dict) else None
    if first is None:
        return None
    first_config = first.get("config") or {}
    if first.get("class_name") == "InputLayer" or "batch_input_shape" in first_config:
        spec = _input_spec(first_config)
        if first.get("class_name") != "InputLayer":
            spec = (spec[0], "float32")
        return [spec] if spec[0] is not None else None
    if first.get("class_name") in ("Functional", "Model"):
        return branch_input_specs(first)
    return None


def merge_of_models_entry(entry):
    """``Merge([model_a, model_b], mode=...)`` -> a ``Functional`` entry calling each branch on its inputs."""
    config = dict(entry.get("config") or {})
    branches = config.pop("layers")
    merge_name = config.get("name") or "merge"
    if len(branches) < 2:
        raise ValueError(f"Keras 1 Merge '{merge_name}' lists {len(branches)} model(s); it needs at least 2.")
    merge_class, merge_config = legacy_configs._translate_merge(config)
    merge_config["name"] = f"{merge_name}_{merge_class.lower()}"
    layers, input_refs, branch_refs = [], [], []
    for k, branch in enumerate(branches):
        branch = legacy_configs.translate_layer_config(normalize_entry(branch), keras1=True)
        if not isinstance(branch, dict) or branch.get("class_name") not in ("Sequential", "Functional"):
            raise ValueError(f"Keras 1 Merge '{merge_name}': branch #{k} is not a model config; cornu reads "
                             "Merge entries of Sequential or Model branches.")
        specs = branch_input_specs(branch)
        if not specs:
            raise ValueError(f"Keras 1 Merge '{merge_name}': the input shape of branch #{k} is not in the "
                             "file (its first layer has no `batch_input_shape`).")
        branch_name = f"{merge_name}_branch_{k}"
        branch = dict(branch, name=branch_name, config=dict(branch["config"], name=branch_name))
        refs = []
        for i, (shape, dtype) in enumerate(specs):
            input_name = f"{branch_name}_input" if len(specs) == 1 else f"{branch_name}_input_{i}"
            layers.append({"class_name": "InputLayer", "name": input_name, "inbound_nodes": [],
                           "config": {"batch_input_shape": shape, "dtype": dtype, "name": input_name}})
            input_refs.append([input_name, 0, 0])
            refs.append([input_name, 0, 0, {}])
        branch["inbound_nodes"] = [refs]
        layers.append(branch)
        branch_refs.append([branch_name, 0, 0, {}])
    layers.append({"class_name": merge_class, "name": merge_config["name"], "config": merge_config,
                   "inbound_nodes": [branch_refs]})
    return {"class_name": "Functional", "name": merge_name, "config": {
        "name": merge_name, "trainable": True, "layers": layers, "input_layers": input_refs,
        "output_layers": [[merge_config["name"], 0, 0]]}}


def _is_multi_input_model(layer):
    inputs = getattr(layer, "inputs", None) if hasattr(layer, "layers") else None
    return isinstance(inputs, list) and len(inputs) > 1


def flattened_layers(model):
    """Keras 1's ``Sequential.flattened_layers``: for a Sequential starting with a merge of models,
    the layers of each branch (nested branches flattened too), then the following layers; otherwise
    ``model.layers``.  Keras 1 files list their weights in this order."""
    layers = list(model.layers)
    if type(model).__name__ != "Sequential" or not layers or not _is_multi_input_model(layers[0]):
        return layers
    head = layers[0]
    out = []
    for layer in head.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        for sub in (flattened_layers(layer) if hasattr(layer, "layers") else [layer]):
            if all(sub is not seen for seen in out):
                out.append(sub)
    return out + [layer for layer in layers[1:] if all(layer is not seen for seen in out)]


__all__ = ["translate_sequential_layers", "merge_of_models_entry", "branch_input_specs", "flattened_layers",
           "normalize_entry"]
