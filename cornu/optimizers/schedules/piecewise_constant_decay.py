"""``PiecewiseConstantDecay``: a step function of the optimizer step."""
from cornu import ops
from cornu.optimizers.schedules.learning_rate_schedule import LearningRateSchedule, float_tensor


class PiecewiseConstantDecay(LearningRateSchedule):
    """A piecewise constant schedule.

    The rate is ``values[0]`` while ``step <= boundaries[0]``, ``values[1]``
    while ``boundaries[0] < step <= boundaries[1]``, ..., and ``values[-1]``
    once ``step > boundaries[-1]``.

    Args:
        boundaries: strictly increasing list of step numbers.
        values: list of rates, one more than ``boundaries``.
        name: string, defaults to ``"PiecewiseConstant"``.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        bounds = [ops.cast(b, step.dtype) for b in self.boundaries]
        values = [float_tensor(v) for v in self.values]
        dtype = values[0].dtype
        # Sum of value * indicator(step in interval): traceable, no branching.
        result = ops.cast(step <= bounds[0], dtype) * values[0]
        result = result + ops.cast(step > bounds[-1], dtype) * ops.cast(values[-1], dtype)
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            inside = ops.logical_and(step > low, step <= high)
            result = result + ops.cast(inside, dtype) * ops.cast(value, dtype)
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
