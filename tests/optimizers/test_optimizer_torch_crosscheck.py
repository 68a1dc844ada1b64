"""Cross-checks against ``torch.optim`` where it implements the same algorithm.

Runs on either cornu engine (torch is only the independent reference here).
Known differences, and the tolerances they need:

- SGD (momentum, Nesterov), Adadelta, AdamW's decoupled decay: identical
  algebra (Keras keeps ``v = mu*v - lr*g``, torch ``b = mu*b + g``; equal for
  a constant rate) -> float32 round-off only.
- Adam: Keras adds ``epsilon`` to ``sqrt(v)`` *after* folding the bias
  corrections into the step size (the paper's "epsilon hat"); torch adds it
  to ``sqrt(v) / sqrt(1 - beta_2**t)``. The effective epsilon differs by the
  factor ``sqrt(1 - beta_2**t)``.
- RMSprop, Adagrad: Keras puts ``epsilon`` inside the square root, torch
  outside.
- Adamax: Keras divides by ``u + epsilon``, torch takes ``max(beta_2*u, |g| + eps)``.
- Nadam: Keras 3's momentum schedule is ``0.96**t``; torch's NAdam uses
  ``0.96**(t * momentum_decay)``, so Keras 3 equals ``momentum_decay=1`` and
  the Keras 2.2 ``schedule_decay`` equals ``momentum_decay=schedule_decay``.
  Epsilon placement is the same.

With epsilons small (1e-7 vs the O(0.1-1) terms here)
these differences stay below the tolerances used.
"""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from cornu import backend  # noqa: E402
from cornu import optimizers  # noqa: E402

STEPS = 6


def _data(seed):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=(4,)).astype("float32"), rng.normal(size=(3, 2)).astype("float32")]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in ws] for _ in range(STEPS)]
    return ws, grads


def _run_cornu(opt, ws, grads):
    variables = [backend.Variable(w.copy()) for w in ws]
    out = []
    for step in grads:
        opt.apply(step, variables)
        out.append([v.numpy().astype("float64") for v in variables])
    return out


def _run_torch(make, ws, grads):
    params = [torch.nn.Parameter(torch.tensor(w.astype("float64"))) for w in ws]
    opt = make(params)
    out = []
    for step in grads:
        for p, g in zip(params, step):
            p.grad = torch.tensor(g.astype("float64"))
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


CASES = [
    ("sgd", lambda: optimizers.SGD(learning_rate=0.1),
     lambda p: torch.optim.SGD(p, lr=0.1), 2e-6),
    ("sgd_momentum", lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 2e-6),
    ("sgd_nesterov", lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 2e-6),
    ("adam", lambda: optimizers.Adam(learning_rate=0.01),
     lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-7), 1e-5),
    ("adam_amsgrad", lambda: optimizers.Adam(learning_rate=0.01, amsgrad=True),
     lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-7, amsgrad=True), 1e-5),
    ("adamw", lambda: optimizers.AdamW(learning_rate=0.01, weight_decay=0.1),
     lambda p: torch.optim.AdamW(p, lr=0.01, eps=1e-7, weight_decay=0.1), 1e-5),
    ("rmsprop", lambda: optimizers.RMSprop(learning_rate=0.01),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7), 1e-4),
    ("rmsprop_momentum", lambda: optimizers.RMSprop(learning_rate=0.01, momentum=0.5),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7, momentum=0.5), 1e-5),
    ("rmsprop_centered", lambda: optimizers.RMSprop(learning_rate=0.01, centered=True),
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-7, centered=True), 1e-5),
    ("adagrad", lambda: optimizers.Adagrad(learning_rate=0.1),
     lambda p: torch.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=1e-7), 1e-6),
    ("adadelta", lambda: optimizers.Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6),
     lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6), 1e-6),
    ("adamax", lambda: optimizers.Adamax(learning_rate=0.01),
     lambda p: torch.optim.Adamax(p, lr=0.01, eps=1e-7), 1e-5),
    ("nadam", lambda: optimizers.Nadam(learning_rate=0.01),
     lambda p: torch.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0), 1e-5),
]


@pytest.mark.parametrize("name, make_cornu, make_torch, tol", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_optim(name, make_cornu, make_torch, tol):
    ws, grads = _data(seed=len(name))
    ours = _run_cornu(make_cornu(), ws, grads)
    theirs = _run_torch(make_torch, ws, grads)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=tol, atol=tol, err_msg=f"{name} step {step + 1}")


def test_nadam_schedule_decay_matches_torch_momentum_decay():
    ws, grads = _data(seed=11)
    with pytest.warns(DeprecationWarning):
        opt = optimizers.Nadam(learning_rate=0.01, schedule_decay=0.004)
    ours = _run_cornu(opt, ws, grads)
    theirs = _run_torch(lambda p: torch.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=0.004),
                        ws, grads)
    np.testing.assert_allclose(ours[-1][1], theirs[-1][1], rtol=1e-4, atol=1e-4)


def test_sgd_weight_decay_matches_manual_torch_decoupled_decay():
    """Keras-style decoupled decay on SGD: ``w *= 1 - lr * wd`` before each torch SGD step."""
    ws, grads = _data(seed=4)
    ours = _run_cornu(optimizers.SGD(learning_rate=0.1, momentum=0.5, weight_decay=0.2), ws, grads)
    params = [torch.nn.Parameter(torch.tensor(w.astype("float64"))) for w in ws]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.5)
    for step in grads:
        with torch.no_grad():
            for p in params:
                p.mul_(1 - 0.1 * 0.2)
        for p, g in zip(params, step):
            p.grad = torch.tensor(g.astype("float64"))
        opt.step()
    for x, p in zip(ours[-1], params):
        np.testing.assert_allclose(x, p.detach().numpy(), rtol=1e-5, atol=1e-5)
