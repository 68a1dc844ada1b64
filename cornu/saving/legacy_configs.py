"""Keras 1 and Keras 2 configs and weights, translated to what Keras 3 (and cornu) reads.

A translation table, applied to configs read from legacy ``.h5`` files (and
JSON/YAML strings): Keras 1 class names (``Convolution2D``, ``Merge``) and
argument names (``output_dim``, ``init``, ``W_regularizer``, ``border_mode``,
``dim_ordering``, ``p``...), and Keras 2 leftovers (``time_major``, ``Policy``
dtypes, list-valued batch-norm axes, ``Custom>Adam`` optimizer names,
``lr``/``decay``).  Weight conversions follow Keras 2's own loader: Keras 1
recurrent weights stored per gate are concatenated (LSTM gates reordered
i, c, f, o -> i, f, c, o), Keras 1 Theano-ordered kernels transposed, and
kernels saved by the Theano backend flipped spatially.
"""
import copy
import inspect

import numpy as np

from cornu.saving.config_walk import rewrite_objects
from cornu.saving.legacy_functions import keras2_activations

_DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": "channels_last"}

_CLASS_RENAMES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "AtrousConvolution1D": "Conv1D", "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose", "SeparableConvolution2D": "SeparableConv2D",
    "Model": "Functional",
}

_COMMON = {"input_dtype": "dtype", "dim_ordering": "data_format", "border_mode": "padding",
           "init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
           "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
           "b_constraint": "bias_constraint", "bias": "use_bias", "subsample": "strides",
           "atrous_rate": "dilation_rate", "nb_filter": "filters"}

# Per class: Keras 1 argument -> Keras 2/3 argument (on top of _COMMON).
_ARG_RENAMES = {
    "Dense": {"output_dim": "units"},
    "Dropout": {"p": "rate"},
    "SpatialDropout1D": {"p": "rate"}, "SpatialDropout2D": {"p": "rate"}, "SpatialDropout3D": {"p": "rate"},
    "GaussianNoise": {"sigma": "stddev"}, "GaussianDropout": {"p": "rate"},
    "Embedding": {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                  "W_constraint": "embeddings_constraint"},
    "Conv1D": {"filter_length": "kernel_size", "subsample_length": "strides"},
    "MaxPooling1D": {"pool_length": "pool_size", "stride": "strides"},
    "AveragePooling1D": {"pool_length": "pool_size", "stride": "strides"},
    "BatchNormalization": {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
    "SimpleRNN": {"output_dim": "units", "inner_init": "recurrent_initializer",
                  "U_regularizer": "recurrent_regularizer", "dropout_W": "dropout",
                  "dropout_U": "recurrent_dropout", "inner_activation": "recurrent_activation"},
}
_ARG_RENAMES["LSTM"] = _ARG_RENAMES["GRU"] = _ARG_RENAMES["SimpleRNN"]

_DROP_KEYS = {"consume_less", "time_major", "forget_bias_init", "nb_row", "nb_col", "nb_depth",
              "concat_axis", "dot_axes", "output_shape_type", "mode_type", "arguments_type"}
_LAYER_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights", "name",
                 "trainable", "dtype", "activity_regularizer", "autocast"}
_RNN = {"LSTM", "GRU", "SimpleRNN"}
_MERGE_MODES = {"concat": "Concatenate", "sum": "Add", "mul": "Multiply", "ave": "Average",
                "max": "Maximum", "dot": "Dot", "cos": "Dot"}
_OPTIMIZER_DROP = {"is_legacy_optimizer", "jit_compile"}


def is_keras3(keras_version):
    """Configs from Keras 3 (its legacy ``.h5`` writer included) need no translation."""
    return keras_version is not None and str(keras_version).split(".")[0] in ("3", "4")


def mark_op_nodes(config):
    """Keras 3's legacy ``.h5`` writer drops the ``module`` of op nodes (``x + y`` is saved as class
    ``Add`` with only a name); a node called on several positional tensors is such an op."""
    inner = config.get("config") if isinstance(config, dict) else None
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        return config
    for entry in inner["layers"]:
        if not isinstance(entry, dict) or "module" in entry:
            continue
        if entry.get("class_name") in ("Sequential", "Functional"):
            mark_op_nodes(entry)
            continue
        nodes = entry.get("inbound_nodes") or []
        layer_config = entry.get("config") or {}
        if nodes and isinstance(nodes[0], dict) and len(nodes[0].get("args") or []) > 1 \
                and set(layer_config) <= {"name"}:
            entry["module"] = "keras.src.ops.numpy"
            entry["registered_name"] = entry.get("class_name")
    return config


def shift_keras2_nested_refs(config):
    """cornu's legacy writer stores a functional graph in Keras 2's node lists when every node allows it
    (so that Keras 2 reads the file), numbering nested-model calls from 1 as Keras 2 does; Keras 3 writes
    node dicts.  In a config (Keras 3 version) whose nodes are all lists, shift those numbers back."""
    inner = config.get("config") if isinstance(config, dict) else None
    if not isinstance(inner, dict) or not isinstance(inner.get("layers"), list):
        return config
    for entry in inner["layers"]:
        if isinstance(entry, dict) and entry.get("class_name") in ("Sequential", "Functional"):
            shift_keras2_nested_refs(entry)
    nodes = [node for entry in inner["layers"] if isinstance(entry, dict)
             for node in (entry.get("inbound_nodes") or [])]
    if "output_layers" in inner and nodes and all(isinstance(node, list) for node in nodes):
        _shift_nested_model_nodes(inner)
    return config


def is_keras1(keras_version):
    """Keras 2 treats files without a version, or with ``1.x``, as Keras 1 files."""
    return keras_version is None or str(keras_version).startswith("1")


# -- model and layer configs ------------------------------------------------------------
def translate_model_config(config, keras_version=None):
    """A ``{"class_name", "config"}`` model config from any Keras era, in Keras 3's vocabulary."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Invalid model config: expected a dict with 'class_name', got {type(config).__name__}.")
    config = copy.deepcopy(config)
    keras1 = is_keras1(keras_version)
    class_name = _CLASS_RENAMES.get(config["class_name"], config["class_name"])
    inner = config.get("config")
    if class_name == "Sequential":
        if isinstance(inner, list):  # Keras 1 / early Keras 2: the config is the list of layers
            inner = {"name": "sequential", "layers": inner}
        inner = dict(inner or {})
        if keras1:
            from cornu.saving.keras1_configs import translate_sequential_layers  # noqa: PLC0415

            inner["layers"] = translate_sequential_layers(inner.get("layers", []))
        else:
            inner["layers"] = [translate_layer_config(layer, keras1) for layer in inner.get("layers", [])]
    elif class_name == "Functional" or (isinstance(inner, dict) and "input_layers" in inner):
        class_name = "Functional" if class_name in ("Functional", "Model") else class_name
        inner = dict(inner or {})
        inner["layers"] = [translate_layer_config(layer, keras1) for layer in inner.get("layers", [])]
    config["class_name"] = class_name
    config["config"] = keras2_activations(inner)  # Keras 1/2's "hard_sigmoid" is not Keras 3's
    if class_name == "Functional" and isinstance(inner, dict):
        _shift_nested_model_nodes(config["config"])
    return config


def has_own_input_node(entry):
    """Keras 1/2 nested models built on an input keep a first node the config leaves out."""
    name = entry.get("class_name")
    inner = entry.get("config")
    if name in ("Functional", "Model"):
        return True
    if name == "Sequential" and isinstance(inner, dict):
        layers = inner.get("layers") or []
        first = layers[0] if layers and isinstance(layers[0], dict) else {}
        return first.get("class_name") == "InputLayer" or "batch_input_shape" in (first.get("config") or {})
    return False


def _shift_nested_model_nodes(inner):
    """Keras 1/2 number the calls of a nested model from 1 (its build node is node 0); Keras 3 from 0."""
    nested = {e.get("name") or (e.get("config") or {}).get("name") for e in inner.get("layers", [])
              if isinstance(e, dict) and has_own_input_node(e)}
    nested.discard(None)
    if not nested:
        return

    def shift(ref):
        if isinstance(ref, list) and len(ref) >= 3 and ref[0] in nested and isinstance(ref[1], int) and ref[1] > 0:
            return [ref[0], ref[1] - 1] + ref[2:]
        return ref

    for entry in inner.get("layers", []):
        nodes = entry.get("inbound_nodes") if isinstance(entry, dict) else None
        if isinstance(nodes, list):
            entry["inbound_nodes"] = [[shift(r) for r in node] if isinstance(node, list) else node
                                      for node in nodes]
    for key in ("input_layers", "output_layers"):
        refs = inner.get(key)
        if isinstance(refs, list):
            inner[key] = [shift(r) for r in refs]
        elif isinstance(refs, dict):
            inner[key] = {k: shift(r) for k, r in refs.items()}


def drop_unknown_none_arguments(config):
    """Drop ``key: null`` entries a cornu class does not accept (newer Keras arguments left at their
    default, such as ``quantization_config`` or an initializer's ``input_axes``); recursive."""
    return rewrite_objects(config, _drop_unknown_nones)


def _drop_unknown_nones(entry):
    cls = _builtin_class(entry.get("module"), entry["class_name"])
    accepted = _accepted_args(cls) if cls is not None else None
    if accepted is not None:
        entry["config"] = {k: v for k, v in entry["config"].items() if v is not None or k in accepted}
    return entry


def _builtin_class(module, class_name):
    from cornu.serialization import builtin_objects  # noqa: PLC0415

    modules = []
    if isinstance(module, str):
        parts = module.replace("cornu", "keras", 1).split(".")
        if len(parts) > 1 and parts[1] == "src":
            parts = parts[:1] + parts[2:]
        modules.append(".".join(parts[:2]))
    modules += ["keras.layers", "keras.models", "keras"]
    for name in modules:
        cls = builtin_objects(name).get(class_name)
        if inspect.isclass(cls):
            return cls
    return None


def translate_layer_config(entry, keras1=False):
    """One layer entry (``{"class_name", "config", ...}``) translated; nested models recurse."""
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    entry = dict(entry)
    class_name = entry["class_name"]
    if class_name in ("Sequential", "Functional", "Model"):
        translated = translate_model_config({"class_name": class_name, "config": entry.get("config")},
                                            "1" if keras1 else "2")
        entry.update(translated)
        return entry
    config = dict(entry.get("config") or {})
    if class_name == "Merge":
        class_name, config = _translate_merge(config)
    original_class = class_name
    class_name = _CLASS_RENAMES.get(class_name, class_name)
    if class_name == "Lambda":
        config = _translate_lambda(config)
    config = _translate_args(class_name, original_class, config, keras1)
    entry["class_name"] = class_name
    entry["config"] = config
    if "registered_name" not in entry and "module" not in entry:
        entry.pop("registered_name", None)
    return entry


def _translate_merge(config):
    mode = config.get("mode", "sum")
    if not isinstance(mode, str) or mode not in _MERGE_MODES:
        raise ValueError(f"Keras 1 `Merge` layer with mode {mode!r} cannot be translated (only "
                         f"{sorted(_MERGE_MODES)}).")
    out = {"name": config.get("name"), "trainable": config.get("trainable", True)}
    if mode == "concat":
        out["axis"] = config.get("concat_axis", -1)
    elif mode in ("dot", "cos"):
        out["axes"] = config.get("dot_axes", -1)
        out["normalize"] = mode == "cos"
    return _MERGE_MODES[mode], out


def _translate_args(class_name, original_class, config, keras1=True):
    renames = {}
    if keras1:
        renames.update(_COMMON)
        renames.update(_ARG_RENAMES.get(class_name, {}))
    out = {}
    for key, value in config.items():
        out.setdefault(renames.get(key, key), value)
    if keras1 and class_name != "InputLayer" and "dtype" not in config \
            and not str(config.get("input_dtype") or "float").startswith(("float", "bfloat", "half")):
        out.pop("dtype", None)  # Keras 1's `input_dtype` is the input's dtype (int32 indices), not the layer's
    # Keras 1 shapes: input_dim / input_length become the batch input shape.
    if "batch_input_shape" not in out and ("input_dim" in config or "input_length" in config) \
            and class_name not in ("Embedding",):
        dim, length = config.get("input_dim"), config.get("input_length")
        if class_name in _RNN or class_name in ("Conv1D",):
            if dim is not None or length is not None:
                out["batch_input_shape"] = [None, length, dim]
        elif dim is not None:
            out["batch_input_shape"] = [None, dim]
    if class_name == "Embedding" and "batch_input_shape" not in out and config.get("input_length"):
        out["batch_input_shape"] = [None, config["input_length"]]
    out.pop("input_length", None)  # now part of batch_input_shape (Keras 3 warns about it)
    if class_name != "Embedding":
        out.pop("input_dim", None)
    if "data_format" in out and out["data_format"] in _DIM_ORDERING:
        out["data_format"] = _DIM_ORDERING[out["data_format"]]
    if "nb_row" in config and "nb_col" in config:
        out["kernel_size"] = [config["nb_row"], config["nb_col"]]
        if "nb_depth" in config:
            out["kernel_size"] = [config["nb_depth"], config["nb_row"], config["nb_col"]]
    if class_name in _RNN and "forget_bias_init" in config:
        out["unit_forget_bias"] = config["forget_bias_init"] in ("one", "ones")
    if class_name == "GRU" and "reset_after" not in out:
        out["reset_after"] = False  # Keras 1 and early Keras 2 GRUs (Keras 3 defaults to True)
    if class_name == "BatchNormalization":
        axis = out.get("axis")
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            out["axis"] = int(axis[0])
    if isinstance(out.get("dtype"), dict) and out["dtype"].get("class_name") == "Policy":
        out["dtype"] = (out["dtype"].get("config") or {}).get("name", "float32")
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "embeddings_regularizer",
                "recurrent_regularizer", "gamma_regularizer", "beta_regularizer"):
        if isinstance(out.get(key), dict):
            out[key] = translate_regularizer(out[key])
    for key in ("kernel_constraint", "bias_constraint", "embeddings_constraint", "recurrent_constraint",
                "gamma_constraint", "beta_constraint"):
        if isinstance(out.get(key), dict):
            out[key] = translate_constraint(out[key])
    if class_name == "Dense" and original_class == "Dense" and "units" not in out and "output_dim" in config:
        out["units"] = config["output_dim"]
    for key in _DROP_KEYS:
        out.pop(key, None)
    if class_name == "BatchNormalization" and out.pop("mode", 0) not in (0, None):
        raise ValueError("Keras 1 `BatchNormalization(mode=1 or 2)` (per-sample statistics) has no "
                         "Keras 2/3 equivalent; the file cannot be translated.")
    return _prune_unknown(class_name, out)


def _accepted_args(cls):
    """Argument names ``cls(...)`` accepts, following ``**kwargs`` up to ``Layer``; None if open."""
    from cornu.layers.layer import Layer  # noqa: PLC0415

    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            return None
        names.update(n for n, p in params.items()
                     if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
        if klass is Layer or klass.__name__ == "Layer":
            return names | _LAYER_KWARGS
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return names
    return None


def _prune_unknown(class_name, config):
    """Drop legacy arguments the cornu class does not take (``implementation``, ``input_length``...)."""
    from cornu.serialization import builtin_objects  # noqa: PLC0415

    cls = builtin_objects("keras.layers").get(class_name)
    if cls is None or not inspect.isclass(cls):
        return config
    accepted = _accepted_args(cls)
    if accepted is None:
        return config
    return {k: v for k, v in config.items() if k in accepted}


def _translate_lambda(config):
    """Keras 1/2 ``function``/``function_type`` pairs -> Keras 3's serialized function."""
    fn_type = config.pop("function_type", None)
    fn = config.get("function")
    if fn_type == "lambda" and isinstance(fn, (list, tuple)) and fn:
        code, defaults, closure = (list(fn) + [None, None])[:3]
        config["function"] = {"class_name": "__lambda__",
                              "config": {"code": code, "defaults": defaults, "closure": closure}}
    elif fn_type == "lambda" and isinstance(fn, str):
        config["function"] = {"class_name": "__lambda__",
                              "config": {"code": fn, "defaults": None, "closure": None}}
    elif fn_type == "function" and isinstance(fn, str):
        config["function"] = {"module": None, "class_name": "function", "config": fn, "registered_name": fn}
    shape_type = config.pop("output_shape_type", None)
    shape = config.get("output_shape")
    if shape_type == "lambda" and isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], str):
        code, defaults, closure = (list(shape) + [None, None])[:3]
        config["output_shape"] = {"class_name": "__lambda__",
                                  "config": {"code": code, "defaults": defaults, "closure": closure}}
    config.pop("module", None)
    config.pop("output_shape_module", None)
    return config


def translate_regularizer(config):
    """Keras 1 ``{"name": "WeightRegularizer", "l1", "l2"}`` -> ``L1L2``; others unchanged."""
    if "class_name" in config:
        return config
    if config.get("name") in ("WeightRegularizer", "ActivityRegularizer", "L1L2Regularizer"):
        return {"class_name": "L1L2", "config": {"l1": float(config.get("l1", 0.0)),
                                                  "l2": float(config.get("l2", 0.0))}}
    return config


def translate_constraint(config):
    """Keras 1 ``{"name": "MaxNorm", "m": ...}`` -> Keras 3 ``MaxNorm(max_value=...)``."""
    if "class_name" in config:
        return config
    name = config.get("name")
    inner = {k: v for k, v in config.items() if k != "name"}
    if "m" in inner:
        inner["max_value"] = inner.pop("m")
    if name == "MinMaxNorm" or name == "NonNeg" or name == "UnitNorm" or name == "MaxNorm":
        return {"class_name": name, "config": inner}
    return config


# -- training configs -------------------------------------------------------------------
def translate_optimizer_config(config):
    """A Keras 1/2 ``optimizer_config`` made loadable: ``Custom>Adam`` -> ``Adam``, ``lr`` ->
    ``learning_rate``, zero ``decay`` and TF-only flags dropped."""
    if not isinstance(config, dict):
        return config
    config = copy.deepcopy(config)
    name = config.get("class_name")
    if isinstance(name, str) and name.startswith("Custom>"):
        config["class_name"] = name[len("Custom>"):]
    inner = config.get("config")
    if isinstance(inner, dict):
        for key in _OPTIMIZER_DROP:
            inner.pop(key, None)
        if "lr" in inner and "learning_rate" not in inner:
            inner["learning_rate"] = inner.pop("lr")
        if not inner.get("decay"):
            inner.pop("decay", None)
        if inner.get("epsilon") is None:
            inner.pop("epsilon", None)
    return config


def translate_metric(metric):
    """Keras 2 ``MeanMetricWrapper(fn=...)`` entries -> the function name Keras 3 compiles."""
    if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper":
        inner = metric.get("config") or {}
        name = inner.get("name")
        if name in ("accuracy", "acc", "crossentropy", "ce"):
            return name
        return inner.get("fn") or name
    if isinstance(metric, list):
        return [translate_metric(m) for m in metric]
    if isinstance(metric, dict) and "class_name" not in metric:
        return {k: translate_metric(v) for k, v in metric.items()}
    return metric


def translate_loss(loss):
    """Keras 2 loss configs: ``reduction="auto"`` -> ``"sum_over_batch_size"``."""
    if isinstance(loss, dict) and "class_name" in loss:
        loss = copy.deepcopy(loss)
        inner = loss.get("config") or {}
        if inner.get("reduction") in ("auto", None) and "reduction" in inner:
            inner["reduction"] = "sum_over_batch_size"
        return loss
    if isinstance(loss, list):
        return [translate_loss(x) for x in loss]
    if isinstance(loss, dict):
        return {k: translate_loss(v) for k, v in loss.items()}
    return loss


# -- weights ---------------------------------------------------------------------------------
def convert_kernel(kernel):
    """Flip every axis of a kernel but the last two (Theano convolution -> cross-correlation)."""
    kernel = np.asarray(kernel)
    flips = tuple([slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)])
    return np.copy(kernel[flips])


def convert_legacy_weights(class_name, config, weights, expected_shapes, keras_version, backend_name):
    """Arrays read for one layer -> the arrays the Keras 3 layer expects.

    Args:
        class_name: the (translated) layer class name.
        config: the (translated) layer config.
        weights: list of arrays in the file's order.
        expected_shapes: the cornu layer's weight shapes, or None.
        keras_version: the file's ``keras_version`` attribute (None for Keras 1 files without it).
        backend_name: the file's ``backend`` attribute.
    """
    weights = [np.asarray(w) for w in weights]
    config = config or {}
    if is_keras1(keras_version) and weights:
        if class_name == "Conv1D":
            kernel = weights[0]
            if kernel.ndim == 4 and kernel.shape[3] != config.get("filters") and kernel.shape[0] == config.get("filters"):
                kernel = np.transpose(kernel, (2, 3, 1, 0))  # (filters, in, length, 1) -> (length, 1, in, filters)
            if kernel.ndim == 4:
                kernel = kernel[:, 0, :, :]
            weights[0] = kernel
        elif class_name in ("Conv2D", "SeparableConv2D") and config.get("data_format") == "channels_first":
            weights[0] = np.transpose(weights[0], (2, 3, 1, 0))  # (out, in, rows, cols) -> (rows, cols, in, out)
        elif class_name == "Conv3D" and config.get("data_format") == "channels_first":
            weights[0] = np.transpose(weights[0], (2, 3, 4, 1, 0))
        elif class_name == "Conv2DTranspose":
            if config.get("data_format") == "channels_first":
                weights[0] = np.transpose(weights[0], (2, 3, 0, 1))
            else:
                weights[0] = np.transpose(weights[0], (0, 1, 3, 2))
        elif class_name == "LSTM" and len(weights) == 12:
            # Keras 1 stores W, U, b per gate in the order i, c, f, o; Keras 2+ concatenates i, f, c, o.
            order = (0, 6, 3, 9)
            weights = [np.concatenate([weights[g + k] for g in order], axis=-1) for k in range(3)]
        elif class_name == "GRU" and len(weights) == 9:
            # Keras 1: W, U, b for gates z, r, h; Keras 2+: concatenated z, r, h.
            weights = [np.concatenate([weights[g + k] for g in (0, 3, 6)], axis=-1) for k in range(3)]
    if backend_name == "theano" and class_name in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose") and weights:
        weights[0] = convert_kernel(weights[0])
    if expected_shapes and weights and class_name in ("Conv2D", "Conv3D") \
            and tuple(weights[0].shape) != tuple(expected_shapes[0]) and weights[0].ndim == 4:
        weights[0] = np.transpose(weights[0], (3, 2, 0, 1))
    return weights


__all__ = ["translate_model_config", "translate_layer_config", "translate_optimizer_config",
           "translate_metric", "translate_loss", "convert_legacy_weights", "convert_kernel", "is_keras1"]
