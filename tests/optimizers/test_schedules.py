"""Learning rate schedules against their NumPy formulas; configs; serialization."""
import math

import numpy as np
import pytest

from cornu import backend
from cornu import ops
from cornu.optimizers import schedules

STEPS = list(range(0, 40))


def exponential(step, lr0, decay_steps, rate, staircase):
    p = step / decay_steps
    return lr0 * rate ** (math.floor(p) if staircase else p)


def inverse_time(step, lr0, decay_steps, rate, staircase):
    p = step / decay_steps
    return lr0 / (1 + rate * (math.floor(p) if staircase else p))


def piecewise(step, boundaries, values):
    for b, v in zip(boundaries, values):
        if step <= b:
            return v
    return values[-1]


def polynomial(step, lr0, decay_steps, end, power, cycle):
    if cycle:
        decay_steps = decay_steps * (1 if step == 0 else math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (lr0 - end) * (1 - step / decay_steps) ** power + end


def cosine(step, lr0, decay_steps, alpha, warmup_target=None, warmup_steps=0):
    if warmup_target is None:
        step = min(step, decay_steps)
        return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)
    if step < warmup_steps:
        return lr0 + (warmup_target - lr0) * step / warmup_steps
    step = min(step - warmup_steps, decay_steps)
    return warmup_target * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


def cosine_restarts(step, lr0, first, t_mul, m_mul, alpha):
    """SGDR (Loshchilov & Hutter): walk the periods explicitly."""
    start, length, i = 0.0, float(first), 0
    while step >= start + length:
        start += length
        length *= t_mul
        i += 1
    fraction = (step - start) / length
    return lr0 * ((1 - alpha) * 0.5 * m_mul ** i * (1 + math.cos(math.pi * fraction)) + alpha)


CASES = [
    (schedules.ExponentialDecay(0.1, 7, 0.5), lambda s: exponential(s, 0.1, 7, 0.5, False)),
    (schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True), lambda s: exponential(s, 0.1, 7, 0.5, True)),
    (schedules.InverseTimeDecay(0.5, 3, 0.7), lambda s: inverse_time(s, 0.5, 3, 0.7, False)),
    (schedules.InverseTimeDecay(0.5, 3, 0.7, staircase=True), lambda s: inverse_time(s, 0.5, 3, 0.7, True)),
    (schedules.PiecewiseConstantDecay([5, 12, 30], [1.0, 0.5, 0.1, 0.01]),
     lambda s: piecewise(s, [5, 12, 30], [1.0, 0.5, 0.1, 0.01])),
    (schedules.PiecewiseConstantDecay([10], [0.3, 0.2]), lambda s: piecewise(s, [10], [0.3, 0.2])),
    (schedules.PolynomialDecay(0.1, 20), lambda s: polynomial(s, 0.1, 20, 0.0001, 1.0, False)),
    (schedules.PolynomialDecay(0.1, 9, end_learning_rate=0.01, power=0.5, cycle=True),
     lambda s: polynomial(s, 0.1, 9, 0.01, 0.5, True)),
    (schedules.PolynomialDecay(1.0, 9, end_learning_rate=0.1, power=2.0),
     lambda s: polynomial(s, 1.0, 9, 0.1, 2.0, False)),
    (schedules.CosineDecay(0.2, 25), lambda s: cosine(s, 0.2, 25, 0.0)),
    (schedules.CosineDecay(0.2, 25, alpha=0.1), lambda s: cosine(s, 0.2, 25, 0.1)),
    (schedules.CosineDecay(0.0, 20, alpha=0.05, warmup_target=0.4, warmup_steps=8),
     lambda s: cosine(s, 0.0, 20, 0.05, 0.4, 8)),
    (schedules.CosineDecayRestarts(0.3, 5), lambda s: cosine_restarts(s, 0.3, 5, 2.0, 1.0, 0.0)),
    (schedules.CosineDecayRestarts(0.3, 6, t_mul=1.0, m_mul=0.5, alpha=0.1),
     lambda s: cosine_restarts(s, 0.3, 6, 1.0, 0.5, 0.1)),
    (schedules.CosineDecayRestarts(0.3, 3, t_mul=1.5, m_mul=0.8, alpha=0.05),
     lambda s: cosine_restarts(s, 0.3, 3, 1.5, 0.8, 0.05)),
]
IDS = [f"{type(s).__name__}-{i}" for i, (s, _) in enumerate(CASES)]


@pytest.mark.parametrize("schedule, formula", CASES, ids=IDS)
def test_schedule_matches_formula(schedule, formula):
    got = [float(ops.convert_to_numpy(schedule(step))) for step in STEPS]
    np.testing.assert_allclose(got, [formula(s) for s in STEPS], rtol=2e-5, atol=1e-7)
    # Steps given as int tensors and as an int32 variable (the optimizer's counter).
    counter = backend.Variable(0, dtype="int32", trainable=False)
    for step in (0, 7, 13):
        counter.assign(step)
        from_variable = float(ops.convert_to_numpy(schedule(counter)))
        from_tensor = float(ops.convert_to_numpy(schedule(backend.convert_to_tensor(step))))
        assert np.isclose(from_variable, formula(step), rtol=2e-5, atol=1e-7)
        assert np.isclose(from_tensor, formula(step), rtol=2e-5, atol=1e-7)
    assert backend.standardize_dtype(schedule(3).dtype) == "float32"


@pytest.mark.parametrize("schedule, formula", CASES, ids=IDS)
def test_schedule_config_round_trip(schedule, formula):
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    serialized = schedules.serialize(schedule)
    assert serialized["module"] == "keras.optimizers.schedules"
    assert serialized["class_name"] == type(schedule).__name__
    assert serialized["registered_name"] is None
    restored = schedules.deserialize(serialized)
    assert type(restored) is type(schedule) and restored.get_config() == config
    assert np.isclose(float(ops.convert_to_numpy(restored(11))), formula(11), rtol=2e-5)


def test_keras_style_configs_and_default_names():
    config = {"class_name": "PolynomialDecay",
              "config": {"cycle": False, "decay_steps": 10000, "end_learning_rate": 0.01,
                         "initial_learning_rate": 0.1, "name": None, "power": 0.5}}
    schedule = schedules.deserialize(config)
    assert isinstance(schedule, schedules.PolynomialDecay) and schedule.power == 0.5
    assert schedules.ExponentialDecay(0.1, 1, 0.5).name == "ExponentialDecay"
    assert schedules.PiecewiseConstantDecay([1], [1.0, 0.5]).name == "PiecewiseConstant"
    assert schedules.CosineDecayRestarts(0.1, 10).name == "SGDRDecay"
    assert schedules.CosineDecay(0.1, 10).get_config() == {
        "initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.0, "name": "CosineDecay",
        "warmup_target": None, "warmup_steps": 0}
    assert schedules.CosineDecayRestarts(0.1, 10).get_config() == {
        "initial_learning_rate": 0.1, "first_decay_steps": 10, "t_mul": 2.0, "m_mul": 1.0,
        "alpha": 0.0, "name": "SGDRDecay"}


def test_custom_schedule_subclass_and_errors():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / (2.0 ** ops.cast(step, "float32"))

    assert np.isclose(float(ops.convert_to_numpy(Halving()(3))), 0.125)
    with pytest.raises(NotImplementedError, match="get_config"):
        Halving().get_config()
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
    for bad in (lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
                lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
                lambda: schedules.PolynomialDecay(0.1, 0),
                lambda: schedules.CosineDecay(0.1, 0),
                lambda: schedules.CosineDecayRestarts(0.1, 0)):
        with pytest.raises(ValueError, match="must be > 0"):
            bad()
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError, match="Unknown decay"):
        schedules.deserialize({"class_name": "NoSuchDecay", "config": {}})
