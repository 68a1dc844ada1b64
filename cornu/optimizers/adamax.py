"""``Adamax``: Adam with the infinity norm (Kingma & Ba, 2014, section 7)."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Adamax(Optimizer):
    """The Adamax optimizer.

    With ``t = iterations + 1``::

        m = m + (g - m) * (1 - beta_1)
        u = max(beta_2 * u, abs(g))
        w = w - learning_rate * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_1: float. Defaults to ``0.9``.
        beta_2: float, decay of the infinity norm. Defaults to ``0.999``.
        epsilon: float. Defaults to ``1e-7``.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adamax",
                 **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = backend.epsilon() if epsilon is None else epsilon

    def build(self, var_list):
        """Create ``momentum`` and ``norm`` slots (interleaved)."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), local_step)
        index = self._get_variable_index(variable)
        m = self._m[index]
        u = self._u[index]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        self.assign(u, ops.maximum(ops.multiply(self.beta_2, u.value), ops.abs(gradient)))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, m.value),
                                             ops.multiply(1 - beta_1_power,
                                                          ops.add(u.value, self.epsilon))))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
