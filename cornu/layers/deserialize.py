"""Layer configs -> layer objects, through the registry only."""
from cornu.serialization import builtin_objects, deserialize_keras_object, get_registered_object


def deserialize_layer(config, custom_objects=None):
    """Build a layer from its Keras 3 (or Keras 2 ``{"class_name", "config"}``) config."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Invalid layer config: expected a dict with 'class_name'. Received: {config!r}")
    class_name = config["class_name"]
    layers = builtin_objects("keras.layers")
    cls = get_registered_object(config.get("registered_name") or class_name, custom_objects, layers)
    if cls is None:
        cls = get_registered_object(class_name, custom_objects, layers)
    if cls is None:
        models = builtin_objects("keras.models")
        cls = (models.get(class_name) or builtin_objects("keras").get(class_name)
               or builtin_objects("keras.utils").get(class_name))  # FeatureSpace
    if cls is None:
        raise ValueError(
            f"Unknown layer: '{class_name}'. Please ensure you are using a "
            "`cornu.utils.register_keras_serializable` decorator, or pass the class in `custom_objects`."
        )
    inner = dict(config.get("config") or {})
    try:
        layer = cls.from_config(inner, custom_objects=custom_objects)
    except TypeError as e:
        if "custom_objects" not in str(e):
            raise
        layer = cls.from_config(inner)
    build_config = config.get("build_config")
    if build_config and hasattr(layer, "build_from_config") and not layer.built:
        layer.build_from_config(build_config)
    return layer


__all__ = ["deserialize_layer", "deserialize_keras_object"]
