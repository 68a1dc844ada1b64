"""``Adagrad``: per-parameter rates scaled by accumulated squared gradients."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer
from cornu.optimizers.optimizer_state import constant_initializer


class Adagrad(Optimizer):
    """The Adagrad optimizer (Duchi et al., 2011).

    ```
    accumulator = accumulator + g**2
    w = w - learning_rate * g / sqrt(accumulator + epsilon)
    ```

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        initial_accumulator_value: float >= 0, the accumulators' start value.
            Defaults to ``0.1``.
        epsilon: float. Defaults to ``1e-7``.
        **kwargs: the base ``Optimizer`` arguments (``name`` defaults to
            ``"adagrad"``, made unique).
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(
            learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = backend.epsilon() if epsilon is None else epsilon

    def build(self, var_list):
        """Create one ``accumulator`` slot per variable, filled with ``initial_accumulator_value``."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=constant_initializer(self.initial_accumulator_value)
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        self.assign_add(accumulator, ops.square(gradient))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient),
                                             ops.sqrt(ops.add(accumulator.value, self.epsilon))))

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config
