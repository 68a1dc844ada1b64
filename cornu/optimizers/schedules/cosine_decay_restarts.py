"""``CosineDecayRestarts``: cosine annealing with warm restarts (SGDR)."""
import math

from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor, step_as


class CosineDecayRestarts(LearningRateSchedule):
    """A cosine decay schedule with warm restarts (Loshchilov & Hutter, SGDR).

    The multiplier decays from 1 to ``alpha`` over ``first_decay_steps``
    steps; then the schedule restarts. Period ``i`` lasts
    ``first_decay_steps * t_mul ** i`` steps and starts at
    ``initial_learning_rate * m_mul ** i``::

        fraction = step / first_decay_steps
        i = floor(log(1 - fraction * (1 - t_mul)) / log(t_mul))   # t_mul != 1
        fraction = (fraction - (1 - t_mul ** i) / (1 - t_mul)) / t_mul ** i
        # (t_mul == 1: i = floor(fraction), fraction -= i)
        cosine = 0.5 * m_mul ** i * (1 + cos(pi * fraction))
        lr(step) = initial_learning_rate * ((1 - alpha) * cosine + alpha)

    Args:
        initial_learning_rate: float, the rate at step 0.
        first_decay_steps: positive int, length of the first period.
        t_mul: float, period length multiplier. Defaults to ``2.0``.
        m_mul: float, initial rate multiplier per period. Defaults to ``1.0``.
        alpha: float, minimum rate as a fraction of the initial rate.
        name: string, defaults to ``"SGDRDecay"``.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        if self.first_decay_steps <= 0:
            raise ValueError(
                "Argument `first_decay_steps` must be > 0. "
                f"Received: first_decay_steps={first_decay_steps}"
            )

    def __call__(self, step):
        initial = float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        first = ops.cast(self.first_decay_steps, dtype)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = step_as(step, dtype) / first
        if float(self._t_mul) == 1.0:
            i_restart = ops.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = ops.floor(ops.log(1.0 - fraction * (1.0 - t_mul)) / ops.log(t_mul))
            sum_r = (1.0 - ops.power(t_mul, i_restart)) / (1.0 - t_mul)
            fraction = (fraction - sum_r) / ops.power(t_mul, i_restart)
        m_fac = ops.power(m_mul, i_restart)
        cosine = 0.5 * m_fac * (1.0 + ops.cos(ops.cast(math.pi, dtype) * fraction))
        return initial * ((1 - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
