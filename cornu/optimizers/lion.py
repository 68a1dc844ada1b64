"""``Lion``: sign-based momentum optimizer (Chen et al., 2023)."""
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Lion(Optimizer):
    """The Lion optimizer ("EvoLved Sign Momentum").

    ```
    w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
    m = beta_2 * m + (1 - beta_2) * g
    ```

    Its updates have a larger norm than Adam's: use a 3-10x smaller
    learning rate and a 3-10x larger weight decay than with AdamW.

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_1: float in ``(0, 1]``. Defaults to ``0.9``.
        beta_2: float, decay of the momentum. Defaults to ``0.99``.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, name="lion", **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency, **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )

    def build(self, var_list):
        """Create one ``momentum`` slot per variable."""
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        direction = ops.sign(ops.add(ops.multiply(m.value, beta_1), ops.multiply(gradient, 1.0 - beta_1)))
        self.assign_sub(variable, ops.multiply(lr, direction))
        self.assign(m, ops.add(ops.multiply(m.value, beta_2), ops.multiply(gradient, 1.0 - beta_2)))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
