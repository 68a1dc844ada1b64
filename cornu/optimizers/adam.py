"""``Adam``: adaptive moment estimation (Kingma & Ba, 2014)."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Adam(Optimizer):
    """The Adam optimizer, optionally with the AMSGrad variant.

    With ``t = iterations + 1``::

        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        # amsgrad: v_hat = max(v_hat, v) is used in place of v
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    ``epsilon`` is the paper's "epsilon hat" (added after the bias correction
    is folded into ``alpha``), as in Keras.

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_1: float, decay of the first moment. Defaults to ``0.9``.
        beta_2: float, decay of the second moment. Defaults to ``0.999``.
        epsilon: float. Defaults to ``1e-7``.
        amsgrad: bool, whether to use AMSGrad (Reddi et al., 2018).
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="adam", **kwargs):
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
        self.amsgrad = amsgrad

    def build(self, var_list):
        """Create ``momentum`` and ``velocity`` slots (interleaved), then ``velocity_hat``."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if not self.amsgrad and type(self).update_step is Adam.update_step and backend.fused_optimizer_update(
                "adam", trainable_variables, grads,
                {"momentum": self._slots_for(self._momentums, trainable_variables),
                 "velocity": self._slots_for(self._velocities, trainable_variables)},
                {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                 "learning_rate": learning_rate, "iterations": self.iterations}):
            return
        super()._backend_update_step(grads, trainable_variables, learning_rate)

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
        alpha = lr * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[index]
            self.assign(v_hat, ops.maximum(v_hat.value, v.value))
            v = v_hat
        self.assign_sub(variable, ops.divide(ops.multiply(m.value, alpha),
                                             ops.add(ops.sqrt(v.value), self.epsilon)))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
