"""JAX: ``apply`` traced by ``jax.jit`` under a ``StatelessScope`` gives the eager numbers.

The trainer pre-builds the optimizer, then traces the step with every state
variable (model weights and ``optimizer.variables``) mapped through a
``StatelessScope``; the values assigned inside become the outputs.
"""
import numpy as np
import pytest

from cornu import backend
from cornu import optimizers
from cornu.optimizers import schedules

if backend.backend() != "jax":
    pytest.skip("jit tracing test for the JAX engine", allow_module_level=True)

import jax  # noqa: E402

STEPS = 6


def _data(seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=(3,)).astype("float32"), rng.normal(size=(2, 3)).astype("float32")]
    grads = [[rng.uniform(0.2, 1.0, size=w.shape).astype("float32")
              * rng.choice([-1.0, 1.0], size=w.shape).astype("float32") for w in ws]
             for _ in range(STEPS)]
    return ws, grads


def _make(name):
    return {
        "sgd_nesterov": lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        "rmsprop_centered": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True,
                                                       clipnorm=0.5),
        "adam_schedule": lambda: optimizers.Adam(
            schedules.CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=2), amsgrad=True),
        "adamw": lambda: optimizers.AdamW(0.05, global_clipnorm=1.0),
        "adagrad": lambda: optimizers.Adagrad(0.1, clipvalue=0.5),
        "adadelta": lambda: optimizers.Adadelta(1.0),
        "adamax": lambda: optimizers.Adamax(0.05),
        "nadam": lambda: optimizers.Nadam(0.05),
        "ftrl": lambda: optimizers.Ftrl(0.1, l1_regularization_strength=0.01, beta=0.1),
        "lion": lambda: optimizers.Lion(0.01, weight_decay=0.1),
        "adafactor": lambda: optimizers.Adafactor(0.1),
        "lamb": lambda: optimizers.Lamb(0.05),
        "ema_accumulation": lambda: optimizers.Adam(0.05, use_ema=True, ema_overwrite_frequency=2,
                                                    gradient_accumulation_steps=2),
        "legacy_decay": lambda: optimizers.SGD(lr=0.1, decay=0.3, momentum=0.5),
    }[name]()


NAMES = ["sgd_nesterov", "rmsprop_centered", "adam_schedule", "adamw", "adagrad", "adadelta",
         "adamax", "nadam", "ftrl", "lion", "adafactor", "lamb", "ema_accumulation", "legacy_decay"]


def _eager(name, ws, grads):
    opt = _make(name)
    variables = [backend.Variable(w.copy()) for w in ws]
    for step in grads:
        opt.apply(step, variables)
    return variables, opt


@pytest.mark.filterwarnings("ignore::DeprecationWarning:test_optimizer_jit")
@pytest.mark.parametrize("name", NAMES)
def test_make_step_function_jit_matches_eager(name):
    ws, grads = _data()
    expected_vars, expected_opt = _eager(name, ws, grads)

    opt = _make(name)
    variables = [backend.Variable(w.copy()) for w in ws]
    opt.build(variables)  # the trainer builds before tracing
    state = variables + opt.variables

    def step_fn(data):
        opt.apply(data, variables)
        return {}

    run = backend.make_step_function(step_fn, state, jit_compile=True)
    for step in grads:
        run([jax.numpy.asarray(g) for g in step])
    for got, want in zip(variables, expected_vars):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    for got, want in zip(opt.variables, expected_opt.variables):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=got.path)


def test_hand_written_jit_with_stateless_scope_and_lr_change():
    """A hand-written pure step; the learning rate set between steps takes effect."""
    ws, grads = _data(seed=3)
    opt_e = optimizers.Adam(0.05)
    eager_vars = [backend.Variable(w.copy()) for w in ws]

    opt = optimizers.Adam(0.05)
    variables = [backend.Variable(w.copy()) for w in ws]
    opt.build(variables)
    state = variables + opt.variables
    traces = []

    @jax.jit
    def pure(values, step_grads):
        traces.append(1)
        with backend.StatelessScope(zip(state, values)) as scope:
            opt.apply(step_grads, variables)
        return [scope.get_current_value(v) for v in state]

    for k, step in enumerate(grads):
        if k == 3:
            opt.learning_rate = 0.01
            opt_e.learning_rate = 0.01
        new_values = pure([v.value for v in state], step)
        for v, value in zip(state, new_values):
            v.assign(value)
        opt_e.apply(step, eager_vars)
        assert int(opt.iterations.numpy()) == k + 1
    assert len(traces) == 1  # one trace: no Python branching on values, no retracing
    for got, want in zip(variables, eager_vars):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(opt.learning_rate), 0.01)
