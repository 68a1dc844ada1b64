"""``Nadam``: Adam with Nesterov momentum (Dozat, 2015)."""
import warnings

from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Nadam(Optimizer):
    """The Nadam optimizer.

    With ``t = iterations + 1`` and the momentum schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``, a running product
    ``u_product = u_1 * ... * u_t`` (one scalar variable, updated once per
    step before the variables) and::

        m = m + (g - m) * (1 - beta_1)
        v = v + (g**2 - v) * (1 - beta_2)
        m_hat = u_{t+1} * m / (1 - u_product * u_{t+1}) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_1: float. Defaults to ``0.9``.
        beta_2: float. Defaults to ``0.999``.
        epsilon: float. Defaults to ``1e-7``.
        **kwargs: the base ``Optimizer`` arguments. The Keras 1/2 argument
            ``schedule_decay`` (deprecated) uses ``0.96**(t * schedule_decay)``
            in the momentum schedule, as Keras 2.2 did.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="nadam",
                 **kwargs):
        schedule_decay = kwargs.pop("schedule_decay", None)
        if schedule_decay is not None:
            warnings.warn(
                "Nadam: the `schedule_decay` argument is deprecated (Keras 1/2); it scales the "
                "exponent of the momentum schedule as in Keras 2.2.",
                DeprecationWarning,
                stacklevel=2,
            )
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
        self._schedule_decay = None if schedule_decay is None else float(schedule_decay)

    def build(self, var_list):
        """Create ``momentum``/``velocity`` slots (interleaved), then the ``u_product`` scalar."""
        if self.built:
            return
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else backend.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def _decay_power(self, step, dtype):
        exponent = step if self._schedule_decay is None else step * self._schedule_decay
        return ops.power(ops.cast(0.96, dtype), exponent)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        dtype = self._u_product.dtype
        step = ops.cast(self.iterations + 1, dtype)
        self.assign(self._u_product,
                    self._u_product.value * self.beta_1 * (1.0 - 0.5 * self._decay_power(step, dtype)))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        next_step = ops.cast(self.iterations + 2, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * self._decay_power(local_step, dtype))
        u_t_1 = beta_1 * (1.0 - 0.5 * self._decay_power(next_step, dtype))
        u_product_t = ops.cast(self._u_product.value, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = ops.power(beta_2, local_step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m.value), 1 - beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - beta_2))
        m_hat = ops.add(ops.divide(ops.multiply(u_t_1, m.value), 1 - u_product_t_1),
                        ops.divide(ops.multiply(1 - u_t, gradient), 1 - u_product_t))
        v_hat = ops.divide(v.value, 1 - beta_2_power)
        self.assign_sub(variable, ops.divide(ops.multiply(m_hat, lr),
                                             ops.add(ops.sqrt(v_hat), self.epsilon)))

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        if self._schedule_decay is not None:
            config["schedule_decay"] = self._schedule_decay
        return config
