"""``Muon`` and ``ScheduleFreeAdamW`` against NumPy references of the published algorithms.

Muon: Jordan et al. (2024), momentum orthogonalized by a quintic Newton-Schulz
iteration, with the update scaled by ``sqrt(max(rows, cols)) * rms_rate``
(Liu et al., 2025) and an Adam step for non-matrix, embedding and excluded
variables. Schedule-Free AdamW: Defazio et al. (2024), ``y = (1-b1) z + b1 x``
with ``x`` the uniform average of the ``z`` iterates.
"""
import numpy as np
import pytest

import cornu
from cornu import backend, ops, optimizers

STEPS = 4
RTOL, ATOL = 1e-4, 2e-5


# -- NumPy references (float64) --------------------------------------------------
def newton_schulz_ref(g, steps, a=3.4445, b=-4.7750, c=2.0315):
    tall = g.shape[0] > g.shape[1]
    x = g.T if tall else g
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


class MuonRef:
    def __init__(self, lr, uses_adam, momentum=0.95, nesterov=True, ns_steps=5, rms_rate=0.2,
                 adam_beta_1=0.9, adam_beta_2=0.999, epsilon=1e-7, adam_lr_ratio=1.0,
                 weight_decay=0.004, adam_weight_decay=0.004):
        self.__dict__.update(locals())
        self.m, self.v = {}, {}

    def step(self, t, ws, gs):  # t = 1, 2, ...
        out = []
        for i, (w, g) in enumerate(zip(ws, gs)):
            adam = self.uses_adam[i]
            decay = self.adam_weight_decay if adam else self.weight_decay
            if decay is not None:
                w = w - w * decay * self.lr
            m = self.m.get(i, np.zeros_like(w))
            if adam:
                lr = self.lr * self.adam_lr_ratio
                v = self.v.get(i, np.zeros_like(w))
                m = self.adam_beta_1 * m + (1 - self.adam_beta_1) * g
                v = self.adam_beta_2 * v + (1 - self.adam_beta_2) * g * g
                alpha = lr * np.sqrt(1 - self.adam_beta_2 ** t) / (1 - self.adam_beta_1 ** t)
                w = w - alpha * m / (np.sqrt(v) + self.epsilon)
                self.v[i] = v
            else:
                m = self.momentum * m + g
                direction = g + self.momentum * m if self.nesterov else m
                update = newton_schulz_ref(direction, self.ns_steps) * self.lr
                if self.rms_rate is not None:
                    update = update * np.sqrt(max(w.shape)) * self.rms_rate
                w = w - update
            self.m[i] = m
            out.append(w)
        return out


class ScheduleFreeRef:
    def __init__(self, lr, ws, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0, weight_decay=None):
        self.__dict__.update(locals())
        self.z = [w.copy() for w in ws]
        self.v = [np.zeros_like(w) for w in ws]

    def step(self, t, ys, gs):
        lr = self.lr * (min(t / self.warmup_steps, 1.0) if self.warmup_steps else 1.0)
        out = []
        for i, (y, g) in enumerate(zip(ys, gs)):
            if self.weight_decay is not None:
                y = y - y * self.weight_decay * self.lr
            x = (y - (1 - self.beta_1) * self.z[i]) / self.beta_1
            self.v[i] = self.beta_2 * self.v[i] + (1 - self.beta_2) * g * g
            denom = np.sqrt(self.v[i] / (1 - self.beta_2 ** t)) + self.epsilon
            self.z[i] = self.z[i] - lr * g / denom
            x = (1 - 1 / t) * x + (1 / t) * self.z[i]
            out.append((1 - self.beta_1) * self.z[i] + self.beta_1 * x)
        return out


# -- helpers ---------------------------------------------------------------------
SHAPES = [(3, 4), (5, 2), (3,), (2, 3), (4, 3)]
NAMES = ["wide", "tall", "bias", "excl_head", "my_embedding"]


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(size=s).astype("float32") for s in SHAPES]
    gs = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    return ws, gs


def variables(ws):
    out = []
    for w, name in zip(ws, NAMES):
        v = backend.Variable(w, name=name)
        v._path = f"layer/{name}"
        out.append(v)
    return out


def run(opt, ws, gs, ref):
    vs = variables(ws)
    expected = [w.astype("float64") for w in ws]
    for t, grads in enumerate(gs, start=1):
        opt.apply_gradients(zip([ops.convert_to_tensor(g) for g in grads], vs))
        expected = ref.step(t, expected, [g.astype("float64") for g in grads])
        for v, e in zip(vs, expected):
            np.testing.assert_allclose(ops.convert_to_numpy(v), e, rtol=RTOL, atol=ATOL,
                                       err_msg=f"{v.path} at step {t}")
    return vs


# -- Muon --------------------------------------------------------------------------
MUON_CASES = {
    "defaults": {},
    "no_nesterov_no_rms": {"nesterov": False, "rms_rate": None, "momentum": 0.8},
    "decays_and_ratio": {"weight_decay": 0.1, "adam_weight_decay": None, "adam_lr_ratio": 0.5,
                         "ns_steps": 3, "epsilon": 1e-4},
    "embeddings_not_excluded": {"exclude_embeddings": False, "weight_decay": None},
}


@pytest.mark.parametrize("case", sorted(MUON_CASES))
def test_muon_matches_reference(case):
    kwargs = dict(MUON_CASES[case])
    ws, gs = make_problem()
    opt = optimizers.Muon(learning_rate=0.05, exclude_layers=["excl_"], **kwargs)
    uses_adam = [False, False, True, True, kwargs.get("exclude_embeddings", True)]
    assert [opt._should_use_adamw(v) for v in variables(ws)] == uses_adam
    ref_kwargs = {k: v for k, v in kwargs.items() if k != "exclude_embeddings"}
    vs = run(opt, ws, gs, MuonRef(0.05, uses_adam, **ref_kwargs))
    assert int(ops.convert_to_numpy(opt.iterations)) == STEPS
    # The momentum slots hold the reference's first moments.
    ref = MuonRef(0.05, uses_adam, **ref_kwargs)
    e = [w.astype("float64") for w in ws]
    for t, grads in enumerate(gs, start=1):
        e = ref.step(t, e, [g.astype("float64") for g in grads])
    for i, v in enumerate(vs):
        np.testing.assert_allclose(ops.convert_to_numpy(opt.momentums[i]), ref.m[i], rtol=RTOL, atol=ATOL)


def test_newton_schulz_is_nearly_orthogonal():
    g = np.random.default_rng(3).normal(size=(4, 7)).astype("float32")
    out = ops.convert_to_numpy(optimizers.Muon().zeropower_via_newtonschulz5(ops.convert_to_tensor(g), 5))
    np.testing.assert_allclose(out, newton_schulz_ref(g.astype("float64"), 5), rtol=1e-4, atol=1e-5)
    singular = np.linalg.svd(out, compute_uv=False)
    assert np.all((singular > 0.6) & (singular < 1.25))  # the quintic's band around 1
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        optimizers.Muon().zeropower_via_newtonschulz5(ops.ones((3,)), 5)


def test_muon_slots_names_and_order():
    ws, _ = make_problem()
    opt = optimizers.Muon(exclude_layers=["excl_"], name="muon")
    opt.build(variables(ws))
    names = [v.path for v in opt.variables]
    expected = ["muon/iteration", "muon/learning_rate"]
    for name, adam in zip(NAMES, [False, False, True, True, True]):
        expected.append(f"muon/layer_{name}_momentum")
        if adam:
            expected.append(f"muon/layer_{name}_velocity")
    assert names == expected


def test_muon_config_round_trip_and_lookup():
    opt = optimizers.Muon(learning_rate=0.01, exclude_layers=["head"], momentum=0.9, ns_steps=4,
                          nesterov=False, rms_rate=None, adam_lr_ratio=0.1, name="m")
    config = opt.get_config()
    for key, value in {"exclude_layers": ["head"], "momentum": 0.9, "ns_steps": 4, "nesterov": False,
                       "rms_rate": None, "adam_lr_ratio": 0.1, "muon_a": 3.4445, "muon_b": -4.775,
                       "muon_c": 2.0315, "adam_beta_1": 0.9, "adam_beta_2": 0.999, "epsilon": 1e-7,
                       "exclude_embeddings": True, "adam_weight_decay": 0.004, "weight_decay": 0.004,
                       "name": "m"}.items():
        assert config[key] == value, key
    again = optimizers.Muon.from_config(config)
    assert again.get_config() == config
    restored = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(restored, optimizers.Muon) and restored.get_config() == config
    assert isinstance(optimizers.get("muon"), optimizers.Muon)
    assert optimizers.Muon().name.startswith("muon")  # auto-named, as in Keras


@pytest.mark.parametrize("kwargs, error, words", [
    ({"ns_steps": 2.5}, ValueError, "ns_steps"),
    ({"ns_steps": -1}, ValueError, "ns_steps"),
    ({"exclude_layers": "head"}, TypeError, "exclude_layers"),
    ({"momentum": "big"}, TypeError, "momentum"),
    ({"epsilon": -1.0}, ValueError, "epsilon"),
])
def test_muon_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=f"Muon.*{words}.*Received"):
        optimizers.Muon(**kwargs)


# -- ScheduleFreeAdamW ---------------------------------------------------------------
SF_CASES = {
    "defaults": {},
    "warmup_decay": {"warmup_steps": 3, "weight_decay": 0.1, "beta_1": 0.8, "beta_2": 0.99},
    "epsilon": {"epsilon": 1e-3},
}


@pytest.mark.parametrize("case", sorted(SF_CASES))
def test_schedule_free_matches_reference(case):
    kwargs = SF_CASES[case]
    ws, gs = make_problem(1)
    opt = optimizers.ScheduleFreeAdamW(learning_rate=0.05, **kwargs)
    ref = ScheduleFreeRef(0.05, [w.astype("float64") for w in ws], **kwargs)
    run(opt, ws, gs, ref)
    for z, expected in zip(opt._momentums, ref.z):
        np.testing.assert_allclose(ops.convert_to_numpy(z), expected, rtol=RTOL, atol=ATOL)


def test_schedule_free_slots_start_at_the_weights():
    ws, _ = make_problem()
    assert optimizers.ScheduleFreeAdamW().name.startswith("schedule_free_adam_w")
    opt = optimizers.ScheduleFreeAdamW(use_ema=True, name="schedule_free_adam_w")
    opt.build(variables(ws))
    expected = ["schedule_free_adam_w/iteration", "schedule_free_adam_w/learning_rate"]
    expected += [f"schedule_free_adam_w/layer_{n}_average" for n in NAMES]
    for n in NAMES:
        expected += [f"schedule_free_adam_w/layer_{n}_momentum", f"schedule_free_adam_w/layer_{n}_velocity"]
    assert [v.path for v in opt.variables] == expected
    for z, v, w in zip(opt._momentums, opt._velocities, ws):
        np.testing.assert_array_equal(ops.convert_to_numpy(z), w)
        np.testing.assert_array_equal(ops.convert_to_numpy(v), np.zeros_like(w))


def test_schedule_free_config_and_errors():
    opt = optimizers.ScheduleFreeAdamW(learning_rate=0.005, beta_1=0.95, beta_2=0.99, epsilon=1e-6,
                                       warmup_steps=100)
    config = opt.get_config()
    assert {k: config[k] for k in ("beta_1", "beta_2", "epsilon", "warmup_steps", "weight_decay")} == {
        "beta_1": 0.95, "beta_2": 0.99, "epsilon": 1e-6, "warmup_steps": 100, "weight_decay": None}
    assert optimizers.ScheduleFreeAdamW.from_config(config).get_config() == config
    assert isinstance(optimizers.get("ScheduleFreeAdamW"), optimizers.ScheduleFreeAdamW)
    with pytest.raises(ValueError, match="ScheduleFreeAdamW.*warmup_steps.*Received"):
        optimizers.ScheduleFreeAdamW(warmup_steps=-2)
    with pytest.raises(ValueError, match="ScheduleFreeAdamW.*beta_1.*Received"):
        optimizers.ScheduleFreeAdamW(beta_1=0.0)


# -- in a model: fit (compiled), save, load, resume ------------------------------------
def _model(seed):
    cornu.utils.set_random_seed(seed)
    return cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(5, activation="tanh"),
                             cornu.layers.Dense(2, name="out")])


@pytest.mark.parametrize("make", [
    lambda: optimizers.Muon(learning_rate=0.02, exclude_layers=["out"]),
    lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.02, warmup_steps=2),
], ids=["muon", "schedule_free"])
def test_fit_save_load_and_resume(tmp_path, make):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    model = _model(0)
    model.compile(optimizer=make(), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    assert history.history["loss"][-1] < first
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    pairs = list(zip(model.optimizer.variables, loaded.optimizer.variables))
    assert len(pairs) == len(loaded.optimizer.variables) > 2
    for a, b in pairs:
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(b), rtol=1e-5, atol=1e-6)
