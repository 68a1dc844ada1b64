"""``ThresholdedReLU``: Keras 2's thresholded rectifier (kept for Keras 2 code)."""
from cornu import ops
from cornu.layers.layer import Layer


class ThresholdedReLU(Layer):
    """``f(x) = x if x > theta else 0``.

    Keras 3 removed this layer (use ``ReLU(threshold=theta)`` there, which
    differs only in that values below ``theta`` become 0 as well); cornu keeps
    it so Keras 2 models and configs load.

    Args:
        theta: float >= 0, the threshold (default ``1.0``).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None or isinstance(theta, bool) or not isinstance(theta, (int, float)) or theta < 0:
            raise ValueError(
                f"Layer '{self.name}' (ThresholdedReLU): `theta` cannot be None or negative; "
                f"received theta={theta!r}."
            )
        self.theta = float(theta)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        return inputs * ops.cast(ops.greater(inputs, self.theta), ops.dtype(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"theta": self.theta})
        return config
