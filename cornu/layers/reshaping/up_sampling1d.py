"""``UpSampling1D``: repeat each time step ``size`` times."""
from cornu import ops
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class UpSampling1D(Layer):
    """``(batch, steps, features)`` -> ``(batch, steps * size, features)``, each step repeated.

    Args:
        size: upsampling factor (positive int, default 2).
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = ac.positive_int(self, size, "size")
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)  # (b, t, f) -> (b, t * size, f)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
