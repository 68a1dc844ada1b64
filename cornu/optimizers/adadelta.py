"""``Adadelta``: running averages of squared gradients and squared updates (Zeiler, 2012)."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Adadelta(Optimizer):
    """The Adadelta optimizer.

    ```
    acc_grad = rho * acc_grad + (1 - rho) * g**2
    delta = -sqrt(acc_delta + epsilon) / sqrt(acc_grad + epsilon) * g
    acc_delta = rho * acc_delta + (1 - rho) * delta**2
    w = w + learning_rate * delta
    ```

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``
            (use ``1.0`` for the paper's form).
        rho: float, the decay rate. Defaults to ``0.95``.
        epsilon: float. Defaults to ``1e-7``.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="adadelta", **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs,
        )
        self.rho = rho
        self.epsilon = backend.epsilon() if epsilon is None else epsilon

    def build(self, var_list):
        """Create ``accumulated_grad`` and ``accumulated_delta_var`` slots (interleaved)."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, grad, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        grad = ops.cast(grad, variable.dtype)
        rho = self.rho
        index = self._get_variable_index(variable)
        acc_grad = self._accumulated_grads[index]
        acc_delta = self._accumulated_delta_vars[index]

        def rms(x):
            return ops.sqrt(ops.add(x, self.epsilon))

        self.assign(acc_grad, ops.add(rho * acc_grad.value, ops.multiply(1 - rho, ops.square(grad))))
        delta = ops.negative(ops.divide(ops.multiply(rms(acc_delta.value), grad), rms(acc_grad.value)))
        self.assign(acc_delta, ops.add(ops.multiply(rho, acc_delta.value),
                                       ops.multiply(1 - rho, ops.square(delta))))
        self.assign_add(variable, ops.multiply(lr, delta))

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
