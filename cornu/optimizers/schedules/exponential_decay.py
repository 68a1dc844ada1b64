"""``ExponentialDecay``: ``initial_learning_rate * decay_rate ** (step / decay_steps)``."""
from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor, step_as


class ExponentialDecay(LearningRateSchedule):
    """A schedule that decays the learning rate exponentially.

    ```python
    lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)
    ```

    With ``staircase=True`` the exponent is ``floor(step / decay_steps)``, so
    the rate drops at discrete intervals.

    Args:
        initial_learning_rate: float, the rate at step 0.
        decay_steps: positive int, the number of steps per decay period.
        decay_rate: float, the factor applied once per period.
        staircase: bool, whether to decay in discrete steps.
        name: string, defaults to ``"ExponentialDecay"``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        if self.decay_steps <= 0:
            raise ValueError(f"Argument `decay_steps` must be > 0. Received: decay_steps={decay_steps}")

    def __call__(self, step):
        initial = float_tensor(self.initial_learning_rate)
        dtype = initial.dtype
        p = step_as(step, dtype) / ops.cast(self.decay_steps, dtype)
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
