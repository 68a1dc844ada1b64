"""``ScheduleFreeAdamW``: AdamW without a learning-rate schedule (Defazio et al., 2024)."""
import numbers

from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW: interpolation and iterate averaging replace the decay schedule.

    Three sequences are kept per variable: ``z`` (the ``momentum`` slot,
    where the Adam-normalized gradient steps are taken, initialised to the
    variable's value when the optimizer is built), the running average ``x``
    of the ``z`` iterates (not stored: it is recovered from the others), and
    the model variable itself ``y = (1 - beta_1) * z + beta_1 * x``, the point
    where gradients are evaluated. With ``t = iterations + 1``::

        lr_t = lr * min(t / warmup_steps, 1)       # lr when warmup_steps == 0
        v = v + (g**2 - v) * (1 - beta_2)
        x_old = (y - (1 - beta_1) * z) / beta_1     # with z before this step
        z = z - lr_t * g / (sqrt(v / (1 - beta_2**t)) + epsilon)
        x = (1 - 1/t) * x_old + (1/t) * z
        y = (1 - beta_1) * z + beta_1 * x

    As in Keras 3, the model's variables hold ``y`` both in training and in
    evaluation (no swap to ``x`` is made around ``evaluate``); decoupled
    weight decay ``y -= y * weight_decay * lr`` is applied before each step
    when ``weight_decay`` is set.

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.0025``.
        beta_1: float in ``(0, 1]``: interpolation between ``z`` and ``x``.
            Defaults to ``0.9``.
        beta_2: float, decay of the second moment. Defaults to ``0.999``.
        epsilon: float. Defaults to ``1e-8``.
        warmup_steps: int >= 0, steps of linear learning-rate warm-up from 0.
            Defaults to ``0``.
        **kwargs: the other base ``Optimizer`` arguments (``weight_decay``
            defaults to ``None``).
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
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
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, numbers.Integral) \
                or warmup_steps < 0:
            raise ValueError(
                "ScheduleFreeAdamW: argument `warmup_steps` must be an integer >= 0. "
                f"Received: warmup_steps={warmup_steps!r}"
            )
        if isinstance(beta_1, numbers.Real) and not 0 < beta_1 <= 1:
            raise ValueError(
                "ScheduleFreeAdamW: argument `beta_1` must be in (0, 1] (the variable is "
                f"divided by it). Received: beta_1={beta_1!r}"
            )
        if isinstance(beta_2, numbers.Real) and not 0 <= beta_2 < 1:
            raise ValueError(
                f"ScheduleFreeAdamW: argument `beta_2` must be in [0, 1). Received: beta_2={beta_2!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = int(warmup_steps)

    def build(self, var_list):
        """Create ``momentum`` (``z``, set to the variable's value) and ``velocity`` slots, interleaved."""
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        for momentum, variable in zip(self._momentums, var_list):
            if momentum is not None:
                self.assign(momentum, ops.copy(variable.value))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        epsilon = ops.cast(self.epsilon, dtype)
        if self.warmup_steps > 0:
            lr = lr * ops.minimum(local_step / ops.cast(self.warmup_steps, dtype), 1.0)
        index = self._get_variable_index(variable)
        momentum = self._momentums[index]
        velocity = self._velocities[index]

        # Recover x from y and z before z moves (assign may update z's buffer in place).
        z_old = momentum.value
        x_old = ops.divide(ops.subtract(variable.value, ops.multiply(1 - beta_1, z_old)), beta_1)

        bias_correction_2 = 1 - ops.power(beta_2, local_step)
        self.assign_add(velocity, ops.multiply(ops.subtract(ops.square(gradient), velocity.value),
                                               1 - beta_2))
        denom = ops.add(ops.sqrt(velocity.value / bias_correction_2), epsilon)
        self.assign_sub(momentum, ops.divide(ops.multiply(lr, gradient), denom))
        z_new = momentum.value

        weight = 1.0 / local_step
        x_new = ops.add(ops.multiply(1 - weight, x_old), ops.multiply(weight, z_new))
        self.assign(variable, ops.add(ops.multiply(1 - beta_1, z_new), ops.multiply(beta_1, x_new)))

    def get_config(self):
        config = super().get_config()
        config.update({
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "warmup_steps": self.warmup_steps,
        })
        return config
