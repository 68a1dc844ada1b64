"""``CosineDecay``: cosine annealing with an optional linear warmup."""
import math

from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor, step_as


class CosineDecay(LearningRateSchedule):
    """A cosine decay schedule with optional linear warmup (SGDR, Loshchilov & Hutter).

    Without warmup (``warmup_target=None``)::

        step = min(step, decay_steps)
        cosine = 0.5 * (1 + cos(pi * step / decay_steps))
        lr(step) = initial_learning_rate * ((1 - alpha) * cosine + alpha)

    With warmup, the rate first rises linearly from ``initial_learning_rate``
    to ``warmup_target`` over ``warmup_steps`` steps, then decays from
    ``warmup_target`` as above over the next ``decay_steps`` steps.

    Args:
        initial_learning_rate: float, the rate at step 0.
        decay_steps: positive int, number of steps to decay over.
        alpha: float, the final rate as a fraction of the decay's start rate.
        name: string, defaults to ``"CosineDecay"``.
        warmup_target: float or ``None``, the rate reached after warmup.
        warmup_steps: int, number of warmup steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        if self.decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")

    def _decay(self, step, decay_steps, start_lr, dtype):
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + ops.cos(ops.cast(math.pi, dtype) * fraction))
        return start_lr * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        initial = float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = step_as(step, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, decay_steps + warmup_steps)
        # Both branches are computed and one is selected (traceable); the
        # warmup branch is only selected when warmup_steps > step >= 0.
        safe_warmup = ops.maximum(warmup_steps, ops.cast(1.0, dtype))
        warm = (target - initial) * (step / safe_warmup) + initial
        decayed = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return ops.where(step < warmup_steps, warm, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
