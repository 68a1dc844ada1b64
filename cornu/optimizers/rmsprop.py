"""``RMSprop``: divide the gradient by a running RMS of recent gradients."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class RMSprop(Optimizer):
    """The RMSprop optimizer (Hinton, 2012), with plain momentum and a centered variant.

    ```
    velocity = rho * velocity + (1 - rho) * g**2
    # centered: average_grad = rho * average_grad + (1 - rho) * g
    #           denominator = velocity - average_grad**2 + epsilon
    denominator = velocity + epsilon
    increment = learning_rate * g / sqrt(denominator)
    # momentum > 0: mom = momentum * mom + increment; w -= mom
    w -= increment
    ```

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        rho: float, discount factor of the squared-gradient average. Defaults to ``0.9``.
        momentum: float. Defaults to ``0.0`` (no momentum slot).
        epsilon: small float added inside the square root. Defaults to ``1e-7``.
        centered: bool; normalize by the estimated variance of the gradient.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="rmsprop",
                 **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs,
        )
        self.rho = rho
        self.momentum = momentum
        self.epsilon = backend.epsilon() if epsilon is None else epsilon
        self.centered = centered

    def build(self, var_list):
        """Create ``velocity`` slots, then ``momentum`` and ``average_gradient`` ones if used."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        slots = {"velocity": self._slots_for(self._velocities, trainable_variables)}
        if self.momentum > 0:
            slots["momentum"] = self._slots_for(self._momentums, trainable_variables)
        if self.centered:
            slots["average_gradient"] = self._slots_for(self._average_gradients, trainable_variables)
        if type(self).update_step is RMSprop.update_step and backend.fused_optimizer_update(
                "rmsprop", trainable_variables, grads, slots,
                {"rho": self.rho, "epsilon": self.epsilon, "momentum": self.momentum,
                 "centered": self.centered, "learning_rate": learning_rate}):
            return
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        rho = self.rho
        self.assign(velocity, ops.add(ops.multiply(rho, velocity.value),
                                      ops.multiply(1 - rho, ops.square(gradient))))
        if self.centered:
            average_grad = self._average_gradients[index]
            self.assign(average_grad, ops.add(ops.multiply(rho, average_grad.value),
                                              ops.multiply(1 - rho, gradient)))
            denominator = velocity.value - ops.square(average_grad.value) + self.epsilon
        else:
            denominator = ops.add(velocity.value, self.epsilon)
        increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            momentum = self._momentums[index]
            self.assign(momentum, ops.add(ops.multiply(self.momentum, momentum.value), increment))
            self.assign_sub(variable, momentum.value)
        else:
            self.assign_sub(variable, increment)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
