"""``LeakyReLU``: ``x`` for positive inputs, ``negative_slope * x`` below zero."""
import warnings

from cornu import activations
from cornu.layers.activations.relu import _check_number
from cornu.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: ``f(x) = x if x >= 0 else negative_slope * x``.

    Args:
        negative_slope: float >= 0, the slope for negative inputs (default ``0.3``).
            Keras 2 called it ``alpha``; that spelling is accepted with a
            ``DeprecationWarning``.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU(alpha=...) is the Keras 2 spelling; use `negative_slope` instead.",
                          DeprecationWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.negative_slope = _check_number(self.name, "LeakyReLU", "negative_slope", negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"negative_slope": self.negative_slope})
        return config
