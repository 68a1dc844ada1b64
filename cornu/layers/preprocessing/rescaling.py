"""``Rescaling``: ``inputs * scale + offset``."""
import numpy as np

from cornu import backend, ops, serialization
from cornu.layers.layer import Layer


def _check_number_or_array(value, arg, layer_name):
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        array = None
    if array is None or isinstance(value, bool) or array.dtype == object:
        raise ValueError(
            f"Layer '{layer_name}' (Rescaling) expects a number or an array of numbers for `{arg}`; "
            f"received {arg}={value!r}."
        )
    return value


class Rescaling(Layer):
    """Rescales inputs: ``output = inputs * scale + offset``, in training and inference.

    ``[0, 255]`` images become ``[0, 1]`` with ``scale=1/255`` and ``[-1, 1]``
    with ``scale=1/127.5, offset=-1``.  Integer inputs give float outputs.
    ``scale`` and ``offset`` may be per-channel arrays.

    Args:
        scale: float or array, the multiplier.
        offset: float or array, added after scaling (default ``0.0``).
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _check_number_or_array(scale, "scale", self.name)
        self.offset = _check_number_or_array(offset, "offset", self.name)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = np.asarray(self.scale, dtype=dtype)
        offset = np.asarray(self.offset, dtype=dtype)
        if scale.ndim > 0 and backend.image_data_format() == "channels_first":
            scale = np.reshape(scale, scale.shape + (1,) * (3 - scale.ndim))  # (c,) -> (c, 1, 1)
        if offset.ndim > 0 and backend.image_data_format() == "channels_first":
            offset = np.reshape(offset, offset.shape + (1,) * (3 - offset.ndim))
        x = ops.cast(inputs, dtype)
        return ops.add(ops.multiply(x, ops.convert_to_tensor(scale)), ops.convert_to_tensor(offset))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": serialization.serialize_keras_object(self.scale),
                       "offset": serialization.serialize_keras_object(self.offset)})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("scale", "offset"):
            if isinstance(config.get(key), dict):
                config[key] = serialization.deserialize_keras_object(config[key])
        return super().from_config(config)
