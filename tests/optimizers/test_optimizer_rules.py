"""Every optimizer's update rule against the NumPy references, step by step.

Each case runs 5 steps on two variables (a vector and a matrix) with fixed
per-step gradients and compares the variables AND every slot variable after
each step, under several pipelines: plain, the three clipping modes, weight
decay, a schedule as learning rate, the legacy ``lr=``/``decay=`` arguments
and a learning rate changed mid-run.
"""
import zlib

import numpy as np
import pytest

from cornu import backend
from cornu import optimizers
from cornu.optimizers import schedules

import optimizer_reference as ref

STEPS = 5
RTOL, ATOL = 2e-5, 2e-6

# name: (cornu class, reference class, hyper-parameters, learning rate)
CASES = {
    "sgd": (optimizers.SGD, ref.SGDRef, {}, 0.1),
    "sgd_momentum": (optimizers.SGD, ref.SGDRef, {"momentum": 0.9}, 0.1),
    "sgd_nesterov": (optimizers.SGD, ref.SGDRef, {"momentum": 0.8, "nesterov": True}, 0.1),
    "rmsprop": (optimizers.RMSprop, ref.RMSpropRef, {}, 0.01),
    "rmsprop_momentum_centered": (optimizers.RMSprop, ref.RMSpropRef,
                                  {"rho": 0.8, "momentum": 0.5, "centered": True, "epsilon": 1e-3}, 0.01),
    "adam": (optimizers.Adam, ref.AdamRef, {}, 0.05),
    "adam_amsgrad": (optimizers.Adam, ref.AdamRef, {"amsgrad": True, "beta_1": 0.8, "beta_2": 0.9}, 0.05),
    "adamw": (optimizers.AdamW, ref.AdamRef, {}, 0.05),
    "adagrad": (optimizers.Adagrad, ref.AdagradRef, {"initial_accumulator_value": 0.2}, 0.1),
    "adadelta": (optimizers.Adadelta, ref.AdadeltaRef, {"rho": 0.9}, 1.0),
    "adamax": (optimizers.Adamax, ref.AdamaxRef, {"beta_2": 0.9}, 0.05),
    "nadam": (optimizers.Nadam, ref.NadamRef, {}, 0.05),
    "ftrl": (optimizers.Ftrl, ref.FtrlRef, {}, 0.1),
    "ftrl_regularized": (optimizers.Ftrl, ref.FtrlRef,
                         {"learning_rate_power": -0.7, "initial_accumulator_value": 0.3,
                          "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.1,
                          "l2_shrinkage_regularization_strength": 0.02, "beta": 0.4}, 0.1),
    "lion": (optimizers.Lion, ref.LionRef, {"beta_1": 0.8, "beta_2": 0.95}, 0.01),
    "adafactor": (optimizers.Adafactor, ref.AdafactorRef, {}, 0.1),
    "lamb": (optimizers.Lamb, ref.LambRef, {"beta_2": 0.99}, 0.05),
}

PIPELINES = ["plain", "clipnorm", "clipvalue", "global_clipnorm", "weight_decay", "schedule",
             "legacy_lr_decay", "set_learning_rate"]


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=(3,)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")]

    def grad(shape):
        # Magnitudes in [0.2, 1.5]: no sign ties (Lion) and real clipping.
        return (rng.uniform(0.2, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype("float32")

    grads = [[grad(w.shape) for w in ws] for _ in range(STEPS)]
    return ws, grads


def check_step(opt, variables, expected_ws, expected_slots, step):
    for i, (v, w) in enumerate(zip(variables, expected_ws)):
        np.testing.assert_allclose(v.numpy(), w, rtol=RTOL, atol=ATOL,
                                   err_msg=f"variable {i} after step {step + 1}")
    offset = 2 if isinstance(opt._learning_rate, backend.Variable) else 1
    slots = opt.variables[offset:]
    assert len(slots) == len(expected_slots), [s.path for s in slots]
    for j, (s, e) in enumerate(zip(slots, expected_slots)):
        np.testing.assert_allclose(s.numpy(), e, rtol=RTOL, atol=ATOL,
                                   err_msg=f"slot {j} ({s.path}) after step {step + 1}")
    assert int(opt.iterations.numpy()) == step + 1


def run_case(name, pipeline, ws, grads):
    cls, ref_cls, hp, lr = CASES[name]
    kwargs = dict(hp)
    weight_decay = 0.004 if cls is optimizers.AdamW else None
    clip, decay = None, 0.0
    lr_at = lambda k: lr  # noqa: E731
    changed = {}
    if pipeline in ("clipnorm", "clipvalue", "global_clipnorm"):
        clip = {pipeline: {"clipnorm": 0.9, "clipvalue": 0.6, "global_clipnorm": 1.3}[pipeline]}
        kwargs.update(clip)
    elif pipeline == "weight_decay":
        weight_decay = 0.1
        kwargs["weight_decay"] = weight_decay
    elif pipeline == "schedule":
        kwargs["learning_rate"] = schedules.ExponentialDecay(lr, decay_steps=2, decay_rate=0.5)
        lr_at = lambda k: lr * 0.5 ** (k / 2)  # noqa: E731
    elif pipeline == "set_learning_rate":
        changed = {2: lr * 0.3}
        lr_at = lambda k: lr if k < 2 else lr * 0.3  # noqa: E731
    if pipeline == "legacy_lr_decay":
        decay = 0.5
        with pytest.warns(DeprecationWarning) as record:
            opt = cls(lr=lr, decay=decay, **kwargs)
        messages = " ".join(str(r.message) for r in record)
        assert "`lr`" in messages and "`decay`" in messages
        assert len(record) == 2
    else:
        kwargs.setdefault("learning_rate", lr)
        opt = cls(**kwargs)

    variables = [backend.Variable(w.copy(), name=f"w{i}") for i, w in enumerate(ws)]
    history = ref.run_reference(ref_cls(**hp), ws, grads, lr_at, weight_decay=weight_decay,
                                clip=clip, decay=decay)
    for step, (step_grads, (expected_ws, expected_slots)) in enumerate(zip(grads, history)):
        if step in changed:
            opt.learning_rate = changed[step]
        opt.apply([backend.convert_to_tensor(g) for g in step_grads], variables)
        check_step(opt, variables, expected_ws, expected_slots, step)
    return opt


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_update_rule_matches_reference(name, pipeline):
    ws, grads = make_data(seed=zlib.crc32(f"{name}-{pipeline}".encode()) % 1000)
    run_case(name, pipeline, ws, grads)


@pytest.mark.parametrize("name", ["adam", "sgd_momentum", "nadam", "adafactor", "ftrl"])
def test_apply_gradients_and_prebuilt_apply(name):
    """``apply_gradients(zip(...))`` and ``build`` then ``apply(grads)`` give the same numbers."""
    cls, ref_cls, hp, lr = CASES[name]
    ws, grads = make_data(seed=7)
    history = ref.run_reference(ref_cls(**hp), ws, grads, lambda k: lr)
    a = [backend.Variable(w.copy(), name=f"a{i}") for i, w in enumerate(ws)]
    b = [backend.Variable(w.copy(), name=f"b{i}") for i, w in enumerate(ws)]
    opt_a, opt_b = cls(learning_rate=lr, **hp), cls(learning_rate=lr, **hp)
    opt_b.build(b)
    for step, (step_grads, (expected_ws, expected_slots)) in enumerate(zip(grads, history)):
        result = opt_a.apply_gradients(zip(step_grads, a))
        assert result is opt_a.iterations
        opt_b.apply(step_grads)
        check_step(opt_a, a, expected_ws, expected_slots, step)
        check_step(opt_b, b, expected_ws, expected_slots, step)


def test_nadam_legacy_schedule_decay():
    """Keras 2.2's ``schedule_decay`` scales the momentum-schedule exponent."""
    ws, grads = make_data(seed=3)
    with pytest.warns(DeprecationWarning, match="schedule_decay"):
        opt = optimizers.Nadam(learning_rate=0.05, schedule_decay=0.004)
    history = ref.run_reference(ref.NadamRef(schedule_decay=0.004), ws, grads, lambda k: 0.05)
    variables = [backend.Variable(w.copy()) for w in ws]
    for step, (step_grads, (expected_ws, expected_slots)) in enumerate(zip(grads, history)):
        opt.apply(step_grads, variables)
        check_step(opt, variables, expected_ws, expected_slots, step)
    assert opt.get_config()["schedule_decay"] == 0.004


def test_loss_scale_factor_divides_gradients():
    ws, grads = make_data(seed=5)
    history = ref.run_reference(ref.AdamRef(), ws, grads, lambda k: 0.05)
    opt = optimizers.Adam(learning_rate=0.05, loss_scale_factor=8.0)
    variables = [backend.Variable(w.copy()) for w in ws]
    for step, (step_grads, (expected_ws, expected_slots)) in enumerate(zip(grads, history)):
        opt.apply([g * 8.0 for g in step_grads], variables)
        check_step(opt, variables, expected_ws, expected_slots, step)
    np.testing.assert_allclose(backend.convert_to_numpy(opt.scale_loss(backend.convert_to_tensor(2.0))), 16.0)
