"""``ReLU``: rectified linear unit with optional ceiling, leak and threshold."""
from cornu import activations
from cornu.layers.layer import Layer


def _check_number(layer_name, cls_name, arg, value, allow_none=False):
    if value is None and allow_none:
        return None
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"Layer '{layer_name}' ({cls_name}): `{arg}` cannot be None or a negative value; "
            f"expected a float >= 0, received {arg}={value!r}."
        )
    return value


class ReLU(Layer):
    """Rectified linear unit activation layer::

        f(x) = max_value                       if x >= max_value
        f(x) = x                               if threshold <= x < max_value
        f(x) = negative_slope * (x - threshold) otherwise

    Args:
        max_value: float >= 0, the saturation ceiling (``None``: none).
        negative_slope: float >= 0, the slope below ``threshold``.
        threshold: float >= 0, the threshold below which values are damped.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _check_number(self.name, "ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _check_number(self.name, "ReLU", "negative_slope", negative_slope)
        self.threshold = _check_number(self.name, "ReLU", "threshold", threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config
