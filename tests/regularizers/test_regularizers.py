"""Regularizers against NumPy formulas (values and gradients), configs and get()."""
import numpy as np
import pytest

from cornu import backend, regularizers, serialization

R = regularizers
ENGINE = backend.backend()
DTYPE = "float64" if ENGINE == "torch" else "float32"
TOL = dict(rtol=1e-10, atol=1e-12) if DTYPE == "float64" else dict(rtol=2e-5, atol=1e-6)
GRAD_TOL = dict(rtol=1e-6, atol=1e-8) if DTYPE == "float64" else dict(rtol=2e-3, atol=2e-5)


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x), dtype=np.float64)


def np_orthogonal(x, factor, mode):
    """Keras's orthogonal penalty written in NumPy from its definition."""
    v = x if mode == "rows" else x.T
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    n = v.shape[0]
    gram = v @ v.T
    off_diagonal = np.abs(gram[~np.eye(n, dtype=bool)]).sum()
    return factor * 0.5 * off_diagonal / (n * (n - 1) / 2.0)


CASES = [
    (R.L1(0.1), lambda x: 0.1 * np.abs(x).sum()),
    (R.L1(), lambda x: 0.01 * np.abs(x).sum()),
    (R.L2(0.3), lambda x: 0.3 * np.square(x).sum()),
    (R.L2(), lambda x: 0.01 * np.square(x).sum()),
    (R.L1L2(l1=0.1, l2=0.2), lambda x: 0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()),
    (R.L1L2(l2=0.2), lambda x: 0.2 * np.square(x).sum()),
    (R.L1L2(), lambda x: 0.0 * x.sum()),
    (R.OrthogonalRegularizer(0.1, "rows"), lambda x: np_orthogonal(x, 0.1, "rows")),
    (R.OrthogonalRegularizer(0.2, "columns"), lambda x: np_orthogonal(x, 0.2, "columns")),
]


def _x(seed=0, shape=(4, 5)):
    return np.random.RandomState(seed).uniform(-1.0, 1.0, size=shape)


@pytest.mark.parametrize("reg,ref", CASES, ids=lambda v: repr(v) if isinstance(v, R.Regularizer) else "")
def test_value_is_a_scalar_matching_numpy(reg, ref):
    x = _x()
    out = reg(x.astype(DTYPE))
    assert tuple(out.shape) == ()
    np.testing.assert_allclose(to_np(out), ref(x), **TOL)


GRAD_CASES = [c for c in CASES if c[0].get_config() != {"l1": 0.0, "l2": 0.0}]


@pytest.mark.parametrize("reg,ref", GRAD_CASES, ids=lambda v: repr(v) if isinstance(v, R.Regularizer) else "")
def test_gradient_matches_finite_differences(reg, ref):
    x = _x(seed=1)
    h = 1e-6
    expected = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        expected[idx] = (ref(x + e) - ref(x - e)) / (2 * h)
    if ENGINE == "torch":
        import torch

        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        reg(xt).backward()
        got = xt.grad.cpu().numpy()
    else:
        import jax
        import jax.numpy as jnp

        got = np.asarray(jax.grad(lambda v: reg(v))(jnp.asarray(x, dtype=DTYPE)))
    np.testing.assert_allclose(got, expected, **GRAD_TOL)


def test_zero_factors_give_a_zero_scalar_of_the_input_dtype():
    out = R.L1L2()(_x().astype("float16"))
    assert backend.standardize_dtype(out.dtype) == "float16" and tuple(out.shape) == ()
    assert to_np(out) == 0.0


def test_works_on_variables():
    value = _x(seed=2).astype("float32")
    var = backend.Variable(value)
    np.testing.assert_allclose(to_np(R.L2(0.5)(var)), 0.5 * np.square(value.astype(np.float64)).sum(), rtol=1e-5)


def test_keras_documented_example():
    np.testing.assert_allclose(to_np(R.L2(2.0)(np.ones((5, 5), "float32"))), 50.0)


@pytest.mark.skipif(ENGINE != "jax", reason="jax.jit tracing check")
@pytest.mark.parametrize("reg", [c[0] for c in CASES], ids=repr)
def test_traces_under_jax_jit(reg):
    import jax

    x = _x(seed=3).astype("float32")
    np.testing.assert_allclose(np.asarray(jax.jit(reg)(x)), to_np(reg(x)), rtol=1e-5, atol=1e-7)


def test_orthogonal_regularizer_of_orthogonal_rows_is_zero():
    q = np.linalg.qr(_x(seed=4, shape=(5, 5)))[0]
    assert to_np(R.OrthogonalRegularizer(1.0)(q.astype(DTYPE))) < 1e-6


def test_orthogonal_regularizer_validation():
    with pytest.raises(ValueError, match='Expected one of {"rows", "columns"}. Received: mode=diag'):
        R.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match="must have rank 2"):
        R.OrthogonalRegularizer()(np.ones((2, 3, 4), "float32"))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", True])
@pytest.mark.parametrize("make", [lambda v: R.L1(v), lambda v: R.L2(v), lambda v: R.L1L2(l1=v),
                                  lambda v: R.L1L2(l2=v), lambda v: R.OrthogonalRegularizer(v)])
def test_factor_validation(make, bad):
    with pytest.raises(ValueError, match="expected a non-negative float"):
        make(bad)


def test_none_factors_mean_defaults():
    assert R.L1(None).l1 == 0.01 and R.L2(None).l2 == 0.01
    assert R.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_keras2_l_spelling_warns():
    with pytest.warns(DeprecationWarning, match="l1="):
        reg = R.L1(l=0.3)
    assert reg.l1 == 0.3
    with pytest.warns(DeprecationWarning, match="l2="):
        reg = R.L2(l=0.4)
    assert reg.l2 == 0.4
    with pytest.raises(TypeError):
        R.L2(scale=0.4)


INSTANCES = [R.L1(0.2), R.L2(0.3), R.L1L2(0.1, 0.4), R.OrthogonalRegularizer(0.05, "columns")]


@pytest.mark.parametrize("reg", INSTANCES, ids=repr)
def test_config_round_trip(reg):
    saved = R.serialize(reg)
    assert saved["module"] == "keras.regularizers" and saved["class_name"] == type(reg).__name__
    restored = R.deserialize(saved)
    assert type(restored) is type(reg) and restored.get_config() == reg.get_config()
    assert R.get(saved).get_config() == reg.get_config()
    assert type(reg).from_config(reg.get_config()).get_config() == reg.get_config()


def test_config_values_are_python_floats():
    assert R.L1L2(l1=1, l2=2).get_config() == {"l1": 1.0, "l2": 2.0}
    assert R.OrthogonalRegularizer(factor=0.01, mode="columns").get_config() == {"factor": 0.01, "mode": "columns"}


@pytest.mark.parametrize(
    "name,cls,config",
    [
        ("l1", R.L1, {"l1": 0.01}),
        ("l2", R.L2, {"l2": 0.01}),
        ("l1l2", R.L1L2, {"l1": 0.0, "l2": 0.0}),
        ("l1_l2", R.L1L2, {"l1": 0.01, "l2": 0.01}),
        ("orthogonal_regularizer", R.OrthogonalRegularizer, {"factor": 0.01, "mode": "rows"}),
        ("L1", R.L1, {"l1": 0.01}),
        ("L2", R.L2, {"l2": 0.01}),
        ("L1L2", R.L1L2, {"l1": 0.0, "l2": 0.0}),
        ("OrthogonalRegularizer", R.OrthogonalRegularizer, {"factor": 0.01, "mode": "rows"}),
    ],
)
def test_get_names(name, cls, config):
    obj = R.get(name)
    assert type(obj) is cls and obj.get_config() == config


def test_module_aliases_are_the_classes():
    assert R.l1 is R.L1 and R.l2 is R.L2 and R.l1_l2 is R.L1L2
    assert R.orthogonal_regularizer is R.OrthogonalRegularizer


def test_get_other_identifiers():
    assert R.get(None) is None
    assert type(R.get(R.L2)) is R.L2
    reg = R.L1(0.5)
    assert R.get(reg) is reg

    def custom(x):
        return 0.0

    assert R.get(custom) is custom
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier: typo"):
        R.get("typo")
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        R.get(0.1)


def test_base_regularizer():
    assert R.Regularizer()(np.ones(3)) == 0.0
    with pytest.raises(NotImplementedError):
        R.Regularizer().get_config()


def test_custom_regularizer_round_trip():
    @serialization.register_keras_serializable(package="RegTest")
    class Sum(R.Regularizer):
        def __call__(self, x):
            return backend.numpy.sum(x)

        def get_config(self):
            return {}

    try:
        saved = R.serialize(Sum())
        assert type(R.deserialize(saved)) is Sum
        assert type(R.get("RegTest>Sum")) is Sum
    finally:
        serialization.clear_custom_objects()


def test_registered_under_keras_regularizers():
    registered = serialization.builtin_objects("keras.regularizers")
    for cls in (R.Regularizer, R.L1, R.L2, R.L1L2, R.OrthogonalRegularizer):
        assert registered[cls.__name__] is cls
