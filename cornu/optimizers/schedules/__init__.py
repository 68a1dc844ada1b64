"""``cornu.optimizers.schedules``: learning rate schedules (``keras.optimizers.schedules``)."""
from cornu.optimizers.schedules.cosine_decay import CosineDecay
from cornu.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from cornu.optimizers.schedules.exponential_decay import ExponentialDecay
from cornu.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from cornu.optimizers.schedules.learning_rate_schedule import (
    MODULE as _MODULE,
    LearningRateSchedule,
    deserialize,
    serialize,
)
from cornu.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from cornu.optimizers.schedules.polynomial_decay import PolynomialDecay
from cornu.serialization import register_builtin as _register_builtin

__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "serialize",
    "deserialize",
]

for _cls in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
             InverseTimeDecay, CosineDecay, CosineDecayRestarts):
    _register_builtin(_MODULE, _cls)
del _cls
