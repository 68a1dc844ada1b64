"""The torch engine's multi-tensor optimizer updates match the per-variable update rules."""
import numpy as np
import pytest

from cornu import backend, optimizers

CASES = [
    ("adam", lambda: optimizers.Adam(learning_rate=0.01)),
    ("adam_beta_over_half", lambda: optimizers.Adam(learning_rate=0.01, beta_1=0.3, beta_2=0.4)),
    ("sgd", lambda: optimizers.SGD(learning_rate=0.1)),
    ("sgd_momentum", lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9)),
    ("sgd_nesterov", lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("rmsprop", lambda: optimizers.RMSprop(learning_rate=0.01)),
    ("rmsprop_centered_momentum", lambda: optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True)),
    ("adamw", lambda: optimizers.AdamW(learning_rate=0.01, weight_decay=0.1)),
]


def run(make, fused, monkeypatch, steps=4):
    rng = np.random.default_rng(0)
    variables = [backend.Variable(rng.standard_normal(s).astype("float32")) for s in [(3, 4), (4,), (2, 2, 2)]]
    opt = make()
    with monkeypatch.context() as m:
        if not fused:
            m.setattr(backend, "fused_optimizer_update", lambda *a, **k: False)
        for _ in range(steps):
            grads = [backend.convert_to_tensor(rng.standard_normal(v.shape).astype("float32")) for v in variables]
            opt.apply(grads, variables)
    return [v.numpy() for v in variables], [v.numpy() for v in opt.variables]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_fused_update_equals_the_per_variable_rule(name, make, monkeypatch):
    calls = []
    real = backend.fused_optimizer_update
    monkeypatch.setattr(backend, "fused_optimizer_update", lambda *a: calls.append(a[0]) or real(*a))
    fused_vars, fused_slots = run(make, True, monkeypatch)
    monkeypatch.undo()
    plain_vars, plain_slots = run(make, False, monkeypatch)
    if backend.backend() == "torch":
        assert calls, "the torch engine should take the multi-tensor path"
    for a, b in zip(fused_vars + fused_slots, plain_vars + plain_slots):
        if name.startswith("adam"):  # its 0-d bias correction rounds once differently: 1 ulp at most
            np.testing.assert_allclose(a, b, rtol=2.5e-7, atol=1e-8)
        else:
            np.testing.assert_array_equal(a, b)  # the same roundings in the same order


def test_subclass_with_its_own_rule_is_not_fused():
    class Halving(optimizers.SGD):
        def update_step(self, gradient, variable, learning_rate):
            variable.assign(variable.value * 0.5)

    v = backend.Variable(np.ones((2,), "float32"))
    Halving(learning_rate=0.1).apply([backend.convert_to_tensor(np.ones((2,), "float32"))], [v])
    np.testing.assert_allclose(v.numpy(), [0.5, 0.5])
