"""``ActivityRegularization``: add an L1/L2 penalty on the activations to the loss."""
from cornu import regularizers
from cornu.layers.layer import Layer


class ActivityRegularization(Layer):
    """Passes inputs through unchanged and adds ``l1 * sum(|x|) + l2 * sum(x**2)`` to the losses.

    Args:
        l1: L1 factor (non-negative).
        l2: L2 factor (non-negative).
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        for arg, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"ActivityRegularization expects a non-negative float `{arg}`; received "
                    f"{arg}={value!r}."
                )
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
