"""``cornu.layers.serialize`` / ``cornu.layers.deserialize``: one layer <-> its config dict.

Both are thin doors onto the machinery that saving already uses
(``cornu.serialization.serialize_keras_object`` and
``cornu.layers.deserialize.deserialize_layer``), so a config produced here is
exactly what a ``.keras`` file holds for that layer.
"""
from cornu.layers.deserialize import deserialize_layer
from cornu.layers.layer import Layer
from cornu.serialization import builtin_objects, serialize_keras_object
from cornu.serialization.serialize import _module_candidates
from cornu.saving import legacy_configs, quantization


def serialize(layer):
    """Return the configuration of ``layer`` as a JSON-able dict.

    The dict has Keras 3's layout: ``{"module", "class_name", "config",
    "registered_name"}``, plus ``"build_config"`` when the layer has been built
    (and ``"compile_config"`` for a compiled model), so that ``deserialize``
    returns a layer with the same structure, built the same way.

    Args:
        layer: a ``cornu.layers.Layer`` instance (models are layers too).

    Returns:
        The configuration dict.
    """
    if not isinstance(layer, Layer):
        raise TypeError(
            "`cornu.layers.serialize` expects a `Layer` instance for argument `layer`. "
            f"Received: layer={layer!r} (of type {type(layer).__name__})."
        )
    config = serialize_keras_object(layer)
    build_config = layer.get_build_config() if layer.built else None
    if build_config is not None:
        config["build_config"] = serialize_keras_object(build_config)
    get_compile_config = getattr(layer, "get_compile_config", None)
    compile_config = get_compile_config() if callable(get_compile_config) else None
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def deserialize(config, custom_objects=None):
    """Build a layer from a configuration dict.

    Accepts the Keras 3 layout written by ``serialize`` (and found in
    ``.keras`` files) as well as the Keras 2 layout ``{"class_name": ...,
    "config": {...}}``. Class names are looked up in cornu's registry, in
    ``custom_objects`` and in classes registered with
    ``register_keras_serializable``; nothing is ever imported from the module
    path a config names.

    Args:
        config: the configuration dict.
        custom_objects: optional dict mapping names to custom classes or
            functions the config refers to.

    Returns:
        A ``Layer`` instance (a model when the config describes one).
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            "`cornu.layers.deserialize` expects argument `config` to be a dict with a "
            "'class_name' string and a 'config' dict (as returned by `cornu.layers.serialize`). "
            f"Received: config={config!r}"
        )
    if custom_objects is not None and not isinstance(custom_objects, dict):
        raise TypeError(
            "Argument `custom_objects` of `cornu.layers.deserialize` must be a dict mapping names "
            f"to classes or functions. Received: custom_objects={custom_objects!r}"
        )
    _refuse_non_layer_class(config)
    layer = deserialize_layer(_normalized(config), custom_objects=custom_objects)
    if not isinstance(layer, Layer):
        raise ValueError(
            "`cornu.layers.deserialize` was passed a `config` that does not describe a layer: "
            f"it built {layer!r} (of type {type(layer).__name__}). Received: config={config!r}"
        )
    return layer


def _normalized(config):
    """The config as the file loader reads it: Keras 2 argument names translated, newer-Keras
    arguments left at ``None`` (``quantization_config``, ``input_axes``) dropped, quantized
    layers refused with a clear error.
    """

    if "module" not in config:  # Keras 1/2 layout
        config = legacy_configs.translate_layer_config(config)
    config = quantization.drop_float_quantization_configs(config)
    return legacy_configs.drop_unknown_none_arguments(config)


def _refuse_non_layer_class(config):
    """A Keras 3 config whose ``module`` names a non-layer module (``keras.initializers``)
    gets a clear error rather than a lookup among layers."""
    module = config.get("module")
    if not isinstance(module, str) or not module.replace("cornu", "keras").startswith("keras"):
        return
    candidates = _module_candidates(module)
    if any(c.startswith("keras.layers") or c in ("keras", "keras.models") for c in candidates[:1]):
        return
    for candidate in candidates:
        obj = builtin_objects(candidate).get(config["class_name"])
        if obj is not None:
            if not (isinstance(obj, type) and issubclass(obj, Layer)):
                raise ValueError(
                    "`cornu.layers.deserialize` was passed a `config` that does not describe a "
                    f"layer: '{config['class_name']}' from module '{module}' is not a layer class. "
                    f"Received: config={config!r}"
                )
            return


__all__ = ["serialize", "deserialize"]
