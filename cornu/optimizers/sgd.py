"""``SGD``: gradient descent with optional (Nesterov) momentum."""
from cornu import backend
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent (with momentum) optimizer.

    Without momentum: ``w = w - learning_rate * g``. With momentum::

        velocity = momentum * velocity - learning_rate * g
        w = w + velocity

    and with ``nesterov=True``::

        velocity = momentum * velocity - learning_rate * g
        w = w + momentum * velocity - learning_rate * g

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.01``.
        momentum: float in ``[0, 1]``. Defaults to ``0.0`` (no slot variables).
        nesterov: bool, whether to use Nesterov momentum.
        **kwargs: the base ``Optimizer`` arguments (``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``,
            ``ema_momentum``, ``ema_overwrite_frequency``,
            ``loss_scale_factor``, ``gradient_accumulation_steps``, ``name``).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, name="SGD", **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency, **kwargs,
        )
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, variables):
        """Create one ``momentum`` slot per variable (only when ``momentum != 0``)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if type(self).update_step is SGD.update_step and backend.fused_optimizer_update(
                "sgd", trainable_variables, grads,
                {"momentum": self._slots_for(self.momentums, trainable_variables)} if self.momentums else {},
                {"momentum": self.momentum, "nesterov": self.nesterov, "learning_rate": learning_rate}):
            return
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if self.momentum == 0:
            self.assign_sub(variable, ops.multiply(gradient, lr))
            return
        m = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum, variable.dtype)
        self.assign(m, ops.subtract(ops.multiply(m.value, momentum), ops.multiply(gradient, lr)))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(m.value, momentum),
                                                   ops.multiply(gradient, lr)))
        else:
            self.assign_add(variable, m.value)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
