"""``InverseTimeDecay``: ``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""
from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor, step_as


class InverseTimeDecay(LearningRateSchedule):
    """A schedule that decays the learning rate as ``1 / t``.

    ```python
    lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)
    ```

    With ``staircase=True``, ``step / decay_steps`` is floored.

    Args:
        initial_learning_rate: float, the rate at step 0.
        decay_steps: positive number, how often decay is applied.
        decay_rate: float, the decay rate.
        staircase: bool, whether to decay in discrete steps.
        name: string, defaults to ``"InverseTimeDecay"``.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
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
        denom = ops.add(ops.cast(1, dtype), ops.multiply(ops.cast(self.decay_rate, dtype), p))
        return ops.divide(initial, denom)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
