"""Constraints against NumPy formulas (Keras 3's epsilon placement), configs and get()."""
import numpy as np
import pytest

from cornu import backend, constraints, serialization

C = constraints
ENGINE = backend.backend()
DTYPE = "float64" if ENGINE == "torch" else "float32"
TOL = dict(rtol=1e-10, atol=1e-12) if DTYPE == "float64" else dict(rtol=2e-6, atol=1e-7)
EPS = 1e-7  # backend.epsilon()


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x), dtype=np.float64)


def norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=tuple(np.atleast_1d(axis)), keepdims=True))


def np_max_norm(w, max_value, axis):
    n = norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def np_unit_norm(w, axis):
    return w / (EPS + norms(w, axis))


def np_min_max_norm(w, min_value, max_value, rate, axis):
    n = norms(w, axis)
    desired = rate * np.clip(n, min_value, max_value) + (1 - rate) * n
    return w * (desired / (EPS + n))


def _w(shape=(4, 3), seed=0, scale=2.0):
    return np.random.RandomState(seed).uniform(-scale, scale, size=shape)


CASES = [
    (C.MaxNorm(), lambda w: np_max_norm(w, 2, 0), (4, 3)),
    (C.MaxNorm(max_value=1.0, axis=1), lambda w: np_max_norm(w, 1.0, 1), (4, 3)),
    (C.MaxNorm(max_value=1.5, axis=[0, 1, 2]), lambda w: np_max_norm(w, 1.5, [0, 1, 2]), (2, 2, 3, 4)),
    (C.NonNeg(), lambda w: w * (w >= 0), (4, 3)),
    (C.UnitNorm(), lambda w: np_unit_norm(w, 0), (4, 3)),
    (C.UnitNorm(axis=-1), lambda w: np_unit_norm(w, -1), (4, 3)),
    (C.UnitNorm(axis=[0, 1, 2]), lambda w: np_unit_norm(w, [0, 1, 2]), (2, 2, 3, 4)),
    (C.MinMaxNorm(), lambda w: np_min_max_norm(w, 0.0, 1.0, 1.0, 0), (4, 3)),
    (C.MinMaxNorm(0.5, 1.2, rate=0.3, axis=1), lambda w: np_min_max_norm(w, 0.5, 1.2, 0.3, 1), (4, 3)),
    (C.MinMaxNorm(2.0, 3.0, axis=[0, 1]), lambda w: np_min_max_norm(w, 2.0, 3.0, 1.0, [0, 1]), (3, 2, 4)),
    (C.Constraint(), lambda w: w, (4, 3)),
]


@pytest.mark.parametrize("scale", [0.2, 2.0])
@pytest.mark.parametrize("con,ref,shape", CASES, ids=lambda v: repr(v) if isinstance(v, C.Constraint) else "")
def test_matches_numpy(con, ref, shape, scale):
    w = _w(shape, scale=scale)
    out = con(w.astype(DTYPE))
    np.testing.assert_allclose(to_np(out), ref(w), **TOL)


def test_epsilon_is_added_to_the_norm():
    # A zero column stays zero (no division by zero) and a unit column shrinks by 1 / (1 + eps).
    w = np.array([[0.0, 1.0], [0.0, 0.0]], dtype=DTYPE)
    out = to_np(C.UnitNorm(axis=0)(w))
    np.testing.assert_array_equal(out[:, 0], [0.0, 0.0])
    np.testing.assert_allclose(out[0, 1], 1.0 / (1.0 + EPS), rtol=1e-12 if DTYPE == "float64" else 1e-7)


def test_effects():
    w = _w((5, 4), seed=3, scale=3.0)
    out = to_np(C.MaxNorm(1.0)(w.astype(DTYPE)))
    assert np.all(np.linalg.norm(out, axis=0) <= 1.0 + 1e-6)
    out = to_np(C.MinMaxNorm(2.0, 2.5, axis=0)(_w((5, 4), seed=4, scale=0.1).astype(DTYPE)))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), 2.0, rtol=1e-5)
    assert np.all(to_np(C.NonNeg()(w.astype(DTYPE))) >= 0)


def test_works_on_variables():
    value = _w(seed=5).astype("float32")
    var = backend.Variable(value)
    np.testing.assert_allclose(to_np(C.NonNeg()(var)), value * (value >= 0))


@pytest.mark.skipif(ENGINE != "jax", reason="jax.jit tracing check")
@pytest.mark.parametrize("con", [c[0] for c in CASES], ids=repr)
def test_traces_under_jax_jit(con):
    import jax

    shape = next(s for c, _, s in CASES if c is con)
    w = _w(shape, seed=6).astype("float32")
    np.testing.assert_allclose(np.asarray(jax.jit(con)(w)), to_np(con(w)), rtol=1e-6, atol=1e-7)


def test_keras1_m_spelling_warns():
    with pytest.warns(DeprecationWarning, match="max_value"):
        con = C.MaxNorm(m=3)
    assert con.max_value == 3
    with pytest.raises(TypeError):
        C.MaxNorm(limit=3)


INSTANCES = [C.MaxNorm(3.0, axis=[0, 1]), C.NonNeg(), C.UnitNorm(axis=1), C.MinMaxNorm(0.1, 0.9, 0.5, axis=-1)]


@pytest.mark.parametrize("con", INSTANCES, ids=repr)
def test_config_round_trip(con):
    saved = C.serialize(con)
    assert saved["module"] == "keras.constraints" and saved["class_name"] == type(con).__name__
    restored = C.deserialize(saved)
    assert type(restored) is type(con) and restored.get_config() == con.get_config()
    assert C.get(saved).get_config() == con.get_config()


def test_default_configs_match_keras():
    assert C.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert C.UnitNorm().get_config() == {"axis": 0}
    assert C.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert C.NonNeg().get_config() == {}


@pytest.mark.parametrize(
    "name,cls",
    [
        ("max_norm", C.MaxNorm), ("non_neg", C.NonNeg), ("unit_norm", C.UnitNorm),
        ("min_max_norm", C.MinMaxNorm), ("MaxNorm", C.MaxNorm), ("NonNeg", C.NonNeg),
        ("UnitNorm", C.UnitNorm), ("MinMaxNorm", C.MinMaxNorm), ("maxnorm", C.MaxNorm),
        ("nonneg", C.NonNeg), ("unitnorm", C.UnitNorm),
    ],
)
def test_get_names(name, cls):
    assert type(C.get(name)) is cls


def test_module_aliases_are_the_classes():
    assert C.max_norm is C.MaxNorm and C.non_neg is C.NonNeg
    assert C.unit_norm is C.UnitNorm and C.min_max_norm is C.MinMaxNorm


def test_get_other_identifiers():
    assert C.get(None) is None
    assert type(C.get(C.NonNeg)) is C.NonNeg
    con = C.MaxNorm(1.0)
    assert C.get(con) is con

    def clip(w):
        return w

    assert C.get(clip) is clip
    with pytest.raises(ValueError, match="Could not interpret constraint identifier: typo"):
        C.get("typo")
    with pytest.raises(ValueError, match="Could not interpret constraint identifier"):
        C.get(5)


def test_registered_under_keras_constraints():
    registered = serialization.builtin_objects("keras.constraints")
    for cls in (C.Constraint, C.MaxNorm, C.MinMaxNorm, C.NonNeg, C.UnitNorm):
        assert registered[cls.__name__] is cls
