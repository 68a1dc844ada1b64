"""``Lamb``: layer-wise adaptive large-batch optimization (You et al., 2019)."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Lamb(Optimizer):
    """The LAMB optimizer: Adam steps rescaled by a per-variable trust ratio.

    With ``t = iterations + 1``::

        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        update = (m / (1 - beta_1**t)) / (sqrt(v / (1 - beta_2**t)) + epsilon)
        ratio = ||w|| / ||update||   (1 when either norm is 0)
        w = w - learning_rate * ratio * update

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_1: float. Defaults to ``0.9``.
        beta_2: float. Defaults to ``0.999``.
        epsilon: float. Defaults to ``1e-7``.
        **kwargs: the base ``Optimizer`` arguments (``name`` defaults to
            ``"lamb"``, made unique).
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
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
        """Create ``momentum`` and ``velocity`` slots (interleaved)."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), local_step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), local_step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.beta_2))
        m_hat = ops.divide(m.value, 1.0 - beta_1_power)
        v_sqrt = ops.add(ops.sqrt(ops.divide(v.value, 1.0 - beta_2_power)), self.epsilon)
        update = ops.divide(m_hat, v_sqrt)
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        g_norm = ops.sqrt(ops.sum(ops.square(update)))
        both_positive = ops.logical_and(ops.greater(w_norm, 0), ops.greater(g_norm, 0))
        ratio = ops.where(both_positive, w_norm / ops.where(both_positive, g_norm, 1.0), 1.0)
        self.assign_sub(variable, ratio * lr * update)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
