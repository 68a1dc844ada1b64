"""``Flatten``: collapse all non-batch dimensions into one."""
import math

from cornu import backend, ops
from cornu.layers.layer import Layer


class Flatten(Layer):
    """Flattens the input to ``(batch, features)``; ``data_format="channels_first"``
    transposes to channels-last first, as Keras does."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and len(x.shape) > 2:
            x = ops.moveaxis(x, 1, -1)  # (b, c, ...) -> (b, ..., c)
        shape = ops.shape(x)
        rest = shape[1:]
        if all(d is not None for d in rest):
            return ops.reshape(x, (-1, int(math.prod(rest))))  # (b, ...) -> (b, prod(...))
        return ops.reshape(x, (shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(math.prod(rest))
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
