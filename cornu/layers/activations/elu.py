"""``ELU``: exponential linear unit."""
from cornu import activations
from cornu.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: ``f(x) = x if x > 0 else alpha * (exp(x) - 1)``.

    Args:
        alpha: scale of the negative part (default ``1.0``).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
            raise ValueError(
                f"Layer '{self.name}' (ELU) expects a float `alpha`; received alpha={alpha!r}."
            )
        self.alpha = float(alpha)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha})
        return config
