"""``Ftrl``: Follow The Regularized Leader (McMahan et al., 2013)."""
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer
from cornu.optimizers.optimizer_state import constant_initializer


class Ftrl(Optimizer):
    """The FTRL-Proximal optimizer, with online and shrinkage-type L2 regularization.

    With ``l2 = l2_regularization_strength + beta / (2 * learning_rate)``,
    ``l1 = l1_regularization_strength`` and ``p = -learning_rate_power``::

        g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
        n_new = n + g**2
        z = z + g_shrunk - (n_new**p - n**p) / learning_rate * w
        quadratic = n_new**p / learning_rate + 2 * l2
        w = (clip(z, -l1, l1) - z) / quadratic
        n = n_new

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        learning_rate_power: float <= 0. Defaults to ``-0.5``.
        initial_accumulator_value: float >= 0, start of ``n``. Defaults to ``0.1``.
        l1_regularization_strength: float >= 0. Defaults to ``0.0``.
        l2_regularization_strength: float >= 0. Defaults to ``0.0``.
        l2_shrinkage_regularization_strength: float >= 0. Defaults to ``0.0``.
        beta: float. Defaults to ``0.0``.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, name="ftrl", **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency, **kwargs,
        )
        for arg, value, sign in (
            ("initial_accumulator_value", initial_accumulator_value, 1),
            ("learning_rate_power", learning_rate_power, -1),
            ("l1_regularization_strength", l1_regularization_strength, 1),
            ("l2_regularization_strength", l2_regularization_strength, 1),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, 1),
        ):
            if value * sign < 0.0:
                expected = "positive or zero" if sign > 0 else "negative or zero"
                raise ValueError(f"`{arg}` needs to be {expected}. Received: {arg}={value}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        """Create ``accumulator`` (``n``) and ``linear`` (``z``) slots, interleaved."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"],
            initializer=[constant_initializer(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accum = self._accumulators[index]
        linear = self._linears[index]
        lr_power = self.learning_rate_power
        l2_reg = self.l2_regularization_strength + self.beta / (2.0 * lr)
        w = variable.value
        grad_to_use = ops.add(gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, w))
        old_accum = accum.value
        new_accum = ops.add(old_accum, ops.square(gradient))
        sigma = ops.divide(ops.subtract(ops.power(new_accum, -lr_power), ops.power(old_accum, -lr_power)), lr)
        self.assign_add(linear, ops.subtract(grad_to_use, ops.multiply(sigma, w)))
        quadratic = ops.add(ops.divide(ops.power(new_accum, -lr_power), lr), 2 * l2_reg)
        z = linear.value
        l1 = self.l1_regularization_strength
        self.assign(variable, ops.divide(ops.subtract(ops.clip(z, -l1, l1), z), quadratic))
        self.assign(accum, new_accum)

    def get_config(self):
        config = super().get_config()
        config.update({
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        })
        return config
