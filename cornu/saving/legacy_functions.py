"""Keras 1/2 built-in functions whose Keras 3 namesakes compute something else.

``"hard_sigmoid"`` in a Keras 1 or Keras 2 file (the default recurrent
activation of Keras 1's and early Keras 2's LSTM and GRU) means
``clip(0.2 * x + 0.5, 0, 1)``; Keras 3's ``hard_sigmoid`` is
``clip(x / 6 + 0.5, 0, 1)``.  Configs translated from those files name
``keras2_hard_sigmoid`` instead, registered as ``"cornu>keras2_hard_sigmoid"``,
so loaded models predict what they predicted when saved (and keep doing so
after cornu saves them again; Keras itself needs the function in
``custom_objects`` to read such a re-saved file).
"""
from cornu import ops
from cornu.serialization import register_keras_serializable, serialize_keras_object

_ACTIVATION_KEYS = ("activation", "recurrent_activation")


@register_keras_serializable(package="cornu", name="keras2_hard_sigmoid")
def keras2_hard_sigmoid(x):
    """Keras 1/2's hard sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``."""
    x = ops.convert_to_tensor(x)
    return ops.clip(ops.add(ops.multiply(x, 0.2), 0.5), 0.0, 1.0)


def keras2_activations(config, depth=0):
    """``config`` with every ``"hard_sigmoid"`` activation naming ``keras2_hard_sigmoid`` (recursive)."""
    if depth > 200:
        return config
    if isinstance(config, list):
        return [keras2_activations(c, depth + 1) for c in config]
    if not isinstance(config, dict):
        return config
    out = {}
    for key, value in config.items():
        if key in _ACTIVATION_KEYS and value == "hard_sigmoid":
            out[key] = serialize_keras_object(keras2_hard_sigmoid)
        else:
            out[key] = keras2_activations(value, depth + 1)
    return out


__all__ = ["keras2_hard_sigmoid", "keras2_activations"]
