"""``RepeatVector``: repeat a vector ``n`` times along a new time axis."""
from cornu import ops
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``.

    Args:
        n: number of repetitions (positive int).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = ac.positive_int(self, n, "n")
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        x = ops.expand_dims(inputs, 1)  # (b, f) -> (b, 1, f)
        return ops.repeat(x, self.n, axis=1)  # (b, 1, f) -> (b, n, f)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config
