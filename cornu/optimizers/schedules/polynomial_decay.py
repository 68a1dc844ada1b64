"""``PolynomialDecay``: a polynomial ramp from an initial to an end learning rate."""
from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor, step_as


class PolynomialDecay(LearningRateSchedule):
    """A schedule that decays polynomially to ``end_learning_rate``.

    ```python
    step = min(step, decay_steps)
    lr(step) = (initial_learning_rate - end_learning_rate)
               * (1 - step / decay_steps) ** power + end_learning_rate
    ```

    With ``cycle=True``, ``decay_steps`` is replaced by its first multiple
    that is ``>= step`` (``decay_steps`` itself at step 0), restarting the ramp.

    Args:
        initial_learning_rate: float, the rate at step 0.
        decay_steps: positive int, steps to reach ``end_learning_rate``.
        end_learning_rate: float, defaults to ``0.0001``.
        power: float, defaults to ``1.0``.
        cycle: bool, whether to cycle beyond ``decay_steps``.
        name: string, defaults to ``"PolynomialDecay"``.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        if self.decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")

    def __call__(self, step):
        initial = float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        end = ops.cast(self.end_learning_rate, dtype)
        power = ops.cast(self.power, dtype)
        step = step_as(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(ops.equal(step, 0), ops.cast(1.0, dtype), ops.ceil(step / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = ops.minimum(step, decay_steps)
        p = step / decay_steps
        return ops.add(ops.multiply(initial - end, ops.power(1 - p, power)), end)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
