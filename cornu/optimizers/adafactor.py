"""``Adafactor``: Adam-like updates with factored second moments (Shazeer & Stern, 2018)."""
from cornu import ops
from cornu.optimizers.base_optimizer import Optimizer


class Adafactor(Optimizer):
    """The Adafactor optimizer.

    With ``t = iterations + 1``, ``rho_t = min(learning_rate, 1 / sqrt(t))``,
    ``alpha_t = max(epsilon_2, rms(w)) * rho_t``, ``beta_2_t = 1 - t**beta_2_decay``
    and ``G = g**2 + epsilon_1``: for variables of rank >= 2 the second moment
    is factored over the last two axes::

        r = beta_2_t * r + (1 - beta_2_t) * mean(G, axis=-1)
        c = beta_2_t * c + (1 - beta_2_t) * mean(G, axis=-2)
        v = (r / mean(r, axis=-1))[..., None] * c[..., None, :]

    otherwise ``v = beta_2_t * v + (1 - beta_2_t) * G``. Then::

        u = g / sqrt(v)
        u_hat = u / max(1, rms(u) / clip_threshold)
        w = w - alpha_t * u_hat

    Args:
        learning_rate: float, schedule or callable. Defaults to ``0.001``.
        beta_2_decay: float. Defaults to ``-0.8``.
        epsilon_1: float. Defaults to ``1e-30``.
        epsilon_2: float. Defaults to ``1e-3``.
        clip_threshold: float. Defaults to ``1.0``.
        relative_step: bool; with a constant learning rate, cap it at
            ``1 / sqrt(t)``. Defaults to ``True``.
        **kwargs: the base ``Optimizer`` arguments.
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, name="adafactor", **kwargs):
        super().__init__(
            learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
            clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
            ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency, **kwargs,
        )
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        """Per variable: row and column factors ``r``, ``c`` (scalar placeholders below rank 2), then ``velocity``."""
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            shape = tuple(var.shape)
            if len(shape) < 2:
                self._r.append(self.add_variable((), name=var.name))
                self._c.append(self.add_variable((), name=var.name))
            elif getattr(var, "overwrite_with_gradient", False):
                self._r.append(None)
                self._c.append(None)
            else:
                self._r.append(self.add_variable(shape[:-1], dtype=var.dtype, name=var.name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=var.dtype,
                                                 name=var.name))
            if getattr(var, "overwrite_with_gradient", False):
                self._v.append(None)
            else:
                self._v.append(self.add_variable_from_reference(var, name="velocity"))

    @staticmethod
    def _rms(x):
        return ops.sqrt(ops.mean(ops.square(x)))

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        epsilon_2 = ops.cast(self.epsilon_2, dtype)
        one = ops.cast(1.0, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        if not callable(self._learning_rate) and self.relative_step:
            lr = ops.minimum(lr, 1 / ops.sqrt(local_step))
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        rho_t = ops.minimum(lr, 1 / ops.sqrt(local_step))
        alpha_t = ops.maximum(epsilon_2, self._rms(variable.value)) * rho_t
        regulated_grad_square = ops.add(ops.square(gradient), self.epsilon_1)
        beta_2_t = 1 - ops.power(local_step, self.beta_2_decay)
        if len(variable.shape) >= 2:
            self.assign(r, beta_2_t * r.value + (1 - beta_2_t) * ops.mean(regulated_grad_square, axis=-1))
            self.assign(c, beta_2_t * c.value + (1 - beta_2_t) * ops.mean(regulated_grad_square, axis=-2))
            row = ops.expand_dims(r.value / ops.mean(r.value, axis=-1, keepdims=True), axis=-1)
            self.assign(v, row * ops.expand_dims(c.value, -2))
        else:
            self.assign(v, beta_2_t * v.value + (1 - beta_2_t) * regulated_grad_square)
        u_t = ops.divide(gradient, ops.sqrt(v.value))
        u_t_hat = ops.divide(u_t, ops.maximum(one, ops.divide(self._rms(u_t), self.clip_threshold)))
        self.assign_sub(variable, ops.multiply(alpha_t, u_t_hat))

    def get_config(self):
        config = super().get_config()
        config.update({
            "beta_2_decay": self.beta_2_decay,
            "epsilon_1": self.epsilon_1,
            "epsilon_2": self.epsilon_2,
            "clip_threshold": self.clip_threshold,
            "relative_step": self.relative_step,
        })
        return config
