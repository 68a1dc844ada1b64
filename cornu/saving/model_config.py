"""Models <-> configs: JSON, YAML, compile configs, and building a model from any era's config."""
import copy
import json

from cornu import losses as losses_module
from cornu import metrics as metrics_module
from cornu import optimizers as optimizers_module
from cornu.layers.deserialize import deserialize_layer
from cornu.saving import h5_guard, legacy_configs
from cornu.saving.config_guard import audit_config
from cornu.saving.quantization import drop_float_quantization_configs
from cornu.serialization import CustomObjectScope, SafeModeScope, in_safe_mode, serialize_keras_object


# -- compile configs -------------------------------------------------------------------
def compile_config_of(model):
    """The Keras 3 ``compile_config`` of a compiled model (None when not compiled)."""
    if not getattr(model, "compiled", False):
        return None
    raw = model.get_compile_config() or {}
    optimizer = getattr(model, "optimizer", None)
    return {
        "optimizer": serialize_keras_object(optimizer) if optimizer is not None else None,
        "loss": serialize_keras_object(raw.get("loss", getattr(model, "loss", None))),
        "loss_weights": serialize_keras_object(raw.get("loss_weights")),
        "metrics": serialize_keras_object(raw.get("metrics")),
        "weighted_metrics": serialize_keras_object(raw.get("weighted_metrics")),
        "run_eagerly": bool(raw.get("run_eagerly", False)),
        "steps_per_execution": int(raw.get("steps_per_execution", 1) or 1),
        "jit_compile": bool(getattr(model, "jit_compile", False)),
    }


def _deserialize_nested(value, deserialize):
    if isinstance(value, dict) and "class_name" in value:
        return deserialize(value)
    if isinstance(value, list):
        return [_deserialize_nested(v, deserialize) for v in value]
    if isinstance(value, dict):
        return {k: _deserialize_nested(v, deserialize) for k, v in value.items()}
    return value


def compile_from_config(model, config, custom_objects=None):
    """``model.compile(...)`` from a Keras 3 ``compile_config`` or a Keras 1/2 ``training_config``.

    The optimizer is then built for the model's trainable variables (when the
    model is built), so saved optimizer state can be restored into it.
    """
    config = dict(config or {})
    optimizer = config.get("optimizer", config.get("optimizer_config"))
    if isinstance(optimizer, dict):
        optimizer = optimizers_module.deserialize(
            legacy_configs.translate_optimizer_config(optimizer), custom_objects=custom_objects)
    loss = _deserialize_nested(legacy_configs.translate_loss(config.get("loss")),
                               lambda c: losses_module.deserialize(c, custom_objects=custom_objects))
    metrics = _deserialize_nested(legacy_configs.translate_metric(config.get("metrics")),
                                  metrics_module.deserialize)
    weighted = _deserialize_nested(legacy_configs.translate_metric(config.get("weighted_metrics")),
                                   metrics_module.deserialize)
    model.compile(optimizer=optimizer if optimizer is not None else "rmsprop", loss=loss,
                  loss_weights=config.get("loss_weights"), metrics=metrics, weighted_metrics=weighted,
                  run_eagerly=bool(config.get("run_eagerly", False)),
                  steps_per_execution=int(config.get("steps_per_execution", 1) or 1))
    if model.built and model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


# -- building models ---------------------------------------------------------------------
def keras_module_names(config):
    """Spell functional models as Keras 3 does: it has no public ``keras.Functional``, so a
    ``Functional`` is written with module ``keras.src.models.functional`` (recursive)."""
    if isinstance(config, list):
        return [keras_module_names(c) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: keras_module_names(v) for k, v in config.items()}
    if out.get("class_name") == "Functional" and out.get("module") in ("keras", "keras.models"):
        out["module"] = "keras.src.models.functional"
        out["registered_name"] = "Functional"
    return out


def model_archive_config(model):
    """What ``config.json`` holds: the serialized model plus ``build_config``/``compile_config``."""
    from cornu.models.functional import Functional  # noqa: PLC0415

    config = keras_module_names(serialize_keras_object(model))
    build_config = model.get_build_config()
    if isinstance(model, Functional):
        build_config = {"input_shape": None}  # as Keras 3 writes it: the graph needs no build
    if build_config:
        config["build_config"] = build_config
    compile_config = compile_config_of(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config


def _is_legacy(config):
    return isinstance(config, dict) and "module" not in config and (
        "keras_version" in config or isinstance(config.get("config"), list) or
        config.get("class_name") in ("Model",))


def build_model(config, custom_objects=None, keras_version=None):
    """A model from its config (Keras 3 layout, or Keras 1/2 ``{"class_name", "config"}``).

    Runs ``audit_config`` first; call inside the safe-mode scope the caller wants.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A model config must be a dict with a 'class_name' entry; received "
                         f"{type(config).__name__}.")
    if keras_version is not None and legacy_configs.is_keras3(keras_version):
        config = legacy_configs.mark_op_nodes(copy.deepcopy(config))
        config = legacy_configs.shift_keras2_nested_refs(config)
    elif keras_version is not None or _is_legacy(config):
        version = keras_version if keras_version is not None else config.get("keras_version", "2")
        config = legacy_configs.translate_model_config(config, version)
    elif config.get("class_name") == "Model" and isinstance(config.get("config"), dict) \
            and "input_layers" in config["config"]:
        config = dict(config, class_name="Functional")
    audit_config(config, in_safe_mode())
    config = drop_float_quantization_configs(config)  # quantized layers: a clear error naming them
    config = legacy_configs.drop_unknown_none_arguments(config)
    model = deserialize_layer(config, custom_objects=custom_objects)
    if not hasattr(model, "compile"):
        raise ValueError(f"The config describes a {type(model).__name__}, not a model.")
    return model


def model_from_config(config, custom_objects=None):
    """Instantiate a model from a config (``model.get_config()`` wrapped with its class, or
    ``{"class_name": ..., "config": ...}`` from any Keras era)."""
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a model configuration dictionary, not a list. "
                        "Did you mean `Sequential.from_config(config)`?")
    with CustomObjectScope(custom_objects or {}):
        return build_model(config, custom_objects)


def model_from_json(json_string, custom_objects=None):
    """A model (with fresh weights) from ``model.to_json()`` output, any Keras era."""
    config = h5_guard.parse_json(json_string, "JSON model config")
    return model_from_config(config, custom_objects)


def model_to_json(model, **kwargs):
    """The model config as JSON (same as ``model.to_json()``)."""
    return json.dumps(serialize_keras_object(model), **kwargs)


# -- YAML (Keras 1/2) -------------------------------------------------------------------------
def _yaml_loader():
    import yaml  # noqa: PLC0415 - a declared dependency, only needed here

    class _Loader(yaml.SafeLoader):
        """``safe_load`` plus plain tuples (Keras 2 dumped shapes as ``!!python/tuple``)."""

    def tuple_constructor(loader, node):
        return list(loader.construct_sequence(node))

    _Loader.add_constructor("tag:yaml.org,2002:python/tuple", tuple_constructor)
    return yaml, _Loader


def model_to_yaml(model, **kwargs):
    """The model config as YAML (Keras 2's ``to_yaml``; plain data, ``yaml.safe_dump``)."""
    yaml, _ = _yaml_loader()
    return yaml.safe_dump(json.loads(model_to_json(model)), **kwargs)


def model_from_yaml(yaml_string, custom_objects=None):
    """A model from ``to_yaml()`` output (Keras 1/2 strings included).

    Parsed with a safe loader: only plain data (and ``!!python/tuple``, read as
    a list) is accepted; any other Python tag is an error, never code.
    """
    yaml, loader = _yaml_loader()
    if len(yaml_string) > h5_guard.MAX_JSON_BYTES:
        raise ValueError("YAML model config is too large.")
    try:
        config = yaml.load(yaml_string, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        raise ValueError(f"Could not parse the YAML model config: {e}") from e
    return model_from_config(config, custom_objects)


def loading_scopes(custom_objects, safe_mode):
    """The scopes every loader runs under: custom objects visible, safe mode as asked."""
    return CustomObjectScope(custom_objects or {}), SafeModeScope(bool(safe_mode))


__all__ = ["compile_config_of", "compile_from_config", "model_archive_config", "build_model",
           "model_from_config", "model_from_json", "model_to_json", "model_to_yaml",
           "model_from_yaml", "loading_scopes"]
