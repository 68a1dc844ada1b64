"""Random initializers: shapes, dtypes, statistics, fans, orthogonality, seeding."""
import math
import random

import numpy as np
import pytest

from cornu import backend, initializers
from cornu import random as cornu_random
from cornu.initializers.random_initializers import compute_fans

ENGINE = backend.backend()
FLOATS = ["float32", "float16", "bfloat16"] + (["float64"] if ENGINE == "torch" else [])
# Few distinct shapes keep JAX's per-shape compilation cheap.
DENSE = (120, 180)
CONV = (3, 3, 16, 24)
SMALL = (6, 5)


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x), dtype=np.float64)


RANDOM_CLASSES = [
    initializers.RandomNormal, initializers.RandomUniform, initializers.TruncatedNormal,
    initializers.VarianceScaling, initializers.GlorotUniform, initializers.GlorotNormal,
    initializers.HeUniform, initializers.HeNormal, initializers.LecunUniform,
    initializers.LecunNormal, initializers.Orthogonal,
]


def _dtype_cases():
    cases = [(cls, "float32") for cls in RANDOM_CLASSES]
    if ENGINE == "torch":
        cases += [(cls, dt) for cls in RANDOM_CLASSES for dt in FLOATS if dt != "float32"]
    else:
        # One half-precision case per sampling path: each new dtype costs JAX a compilation.
        I = initializers
        cases += [(I.RandomNormal, "bfloat16"), (I.RandomUniform, "float16"),
                  (I.TruncatedNormal, "bfloat16"), (I.Orthogonal, "float16")]
    return cases


@pytest.mark.parametrize("cls,dtype", _dtype_cases(), ids=lambda v: getattr(v, "__name__", v))
def test_shape_and_dtype(cls, dtype):
    out = cls(seed=1)(SMALL, dtype=dtype)
    assert backend.is_tensor(out)
    assert tuple(out.shape) == SMALL
    assert backend.standardize_dtype(out.dtype) == dtype
    assert np.all(np.isfinite(to_np(out)))


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_default_dtype_is_floatx(cls):
    out = cls(seed=2)(list(SMALL))  # a list shape works too
    assert backend.standardize_dtype(out.dtype) == backend.floatx()


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_integer_dtype_is_refused(cls):
    with pytest.raises(ValueError, match="float"):
        cls(seed=1)((3, 3), dtype="int32")


def test_random_normal_statistics():
    x = to_np(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3)(DENSE))
    n = x.size
    assert abs(x.mean() - 1.0) < 5 * 2.0 / math.sqrt(n)
    assert abs(x.std() - 2.0) < 0.02 * 2.0


def test_random_uniform_statistics_and_bounds():
    x = to_np(initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=4)(DENSE))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert x.min() < -0.99 and x.max() > 2.99
    assert abs(x.mean() - 1.0) < 0.02
    assert abs(x.std() - 4.0 / math.sqrt(12.0)) < 0.01


def test_default_arguments_match_keras():
    assert initializers.RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert initializers.RandomUniform().get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}
    assert initializers.TruncatedNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert initializers.VarianceScaling().get_config() == {
        "seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"}
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}


def test_truncated_normal_is_truncated_at_two_stddev():
    x = to_np(initializers.TruncatedNormal(mean=0.5, stddev=0.1, seed=5)(DENSE))
    assert np.all(np.abs(x - 0.5) <= 0.2 + 1e-6)
    assert abs(x.mean() - 0.5) < 0.002
    # a unit normal truncated to [-2, 2] has standard deviation 0.8796...
    assert abs(x.std() - 0.1 * 0.87962566103423978) < 0.002


@pytest.mark.parametrize(
    "shape,expected",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 4), (3, 4)),
        ((5, 2, 8), (5 * 2, 5 * 8)),
        ((3, 3, 4, 8), (9 * 4, 9 * 8)),
        ((2, 3, 3, 4, 6), (18 * 4, 18 * 6)),
    ],
)
def test_compute_fans(shape, expected):
    assert compute_fans(shape) == expected


VS_SHAPES = [DENSE, CONV]


@pytest.mark.parametrize("shape", VS_SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_statistics(shape, mode, distribution):
    scale = 1.7
    x = to_np(initializers.VarianceScaling(scale=scale, mode=mode, distribution=distribution, seed=6)(shape))
    if len(shape) == 2:
        fan_in, fan_out = shape
    else:  # conv kernel: receptive field 3 * 3
        fan_in, fan_out = 9 * shape[2], 9 * shape[3]
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
    target_std = math.sqrt(scale / n)
    assert abs(x.std() - target_std) < 0.03 * target_std
    assert abs(x.mean()) < 5 * target_std / math.sqrt(x.size)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * scale / n)
        assert np.abs(x).max() <= limit * (1 + 1e-6)
        assert np.abs(x).max() > 0.99 * limit
    if distribution == "truncated_normal":
        assert np.abs(x).max() <= 2.0 * target_std / 0.87962566103423978 * (1 + 1e-6)


def test_variance_scaling_vector_shape_uses_its_length_as_fans():
    # a vector of length n has fan_in = fan_out = n.
    x = to_np(initializers.VarianceScaling(scale=4.0, distribution="uniform", seed=1)((40,)))
    limit = math.sqrt(3.0 * 4.0 / 40)
    assert np.abs(x).max() <= limit * (1 + 1e-6)


@pytest.mark.parametrize(
    "cls,limit_fn",
    [
        (initializers.GlorotUniform, lambda fi, fo: math.sqrt(6.0 / (fi + fo))),
        (initializers.HeUniform, lambda fi, fo: math.sqrt(6.0 / fi)),
        (initializers.LecunUniform, lambda fi, fo: math.sqrt(3.0 / fi)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_uniform_family_bounds_are_exact(cls, limit_fn, shape):
    x = to_np(cls(seed=7)(shape))
    limit = limit_fn(*compute_fans(shape))
    assert np.abs(x).max() <= limit * (1 + 1e-6)
    assert np.abs(x).max() > 0.995 * limit
    assert abs(x.std() - limit / math.sqrt(3.0)) < 0.03 * limit


@pytest.mark.parametrize(
    "cls,std_fn",
    [
        (initializers.GlorotNormal, lambda fi, fo: math.sqrt(2.0 / (fi + fo))),
        (initializers.HeNormal, lambda fi, fo: math.sqrt(2.0 / fi)),
        (initializers.LecunNormal, lambda fi, fo: math.sqrt(1.0 / fi)),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
@pytest.mark.parametrize("shape", [DENSE, CONV])
def test_normal_family_standard_deviation(cls, std_fn, shape):
    x = to_np(cls(seed=8)(shape))
    std = std_fn(*compute_fans(shape))
    assert abs(x.std() - std) < 0.03 * std
    assert np.abs(x).max() <= 2.0 * std / 0.87962566103423978 * (1 + 1e-6)


@pytest.mark.parametrize("shape", [(5, 6), SMALL, (5, 5), (2, 2, 3, 40)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(shape, gain):
    q = to_np(initializers.Orthogonal(gain=gain, seed=9)(shape)).reshape(-1, shape[-1])
    rows, cols = q.shape
    if rows < cols:
        np.testing.assert_allclose(q @ q.T, gain**2 * np.eye(rows), atol=1e-5 * gain**2)
    else:
        np.testing.assert_allclose(q.T @ q, gain**2 * np.eye(cols), atol=1e-5 * gain**2)


def test_orthogonal_rejects_rank_below_two():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((5,))


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_int_seed_is_deterministic(cls):
    init = cls(seed=1234)
    a, b = to_np(init(SMALL)), to_np(init(SMALL))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, to_np(cls(seed=1234)(SMALL)))
    assert not np.array_equal(a, to_np(cls(seed=1235)(SMALL)))


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_unseeded_draws_fresh_values_and_follows_python_random(cls):
    init = cls()
    random.seed(77)
    a = to_np(init(SMALL))
    b = to_np(init(SMALL))
    assert not np.array_equal(a, b)
    random.seed(77)
    np.testing.assert_array_equal(to_np(cls()(SMALL)), a)
    np.testing.assert_array_equal(to_np(init(SMALL)), b)


def test_seed_generator_gives_new_but_repeatable_values():
    init = initializers.RandomNormal(seed=cornu_random.SeedGenerator(5))
    a, b = to_np(init(SMALL)), to_np(init(SMALL))
    assert not np.array_equal(a, b)
    again = initializers.RandomNormal(seed=cornu_random.SeedGenerator(5))
    np.testing.assert_array_equal(to_np(again(SMALL)), a)
    np.testing.assert_array_equal(to_np(again(SMALL)), b)


def test_numpy_integer_seed_is_accepted():
    a = to_np(initializers.RandomUniform(seed=np.int64(21))(SMALL))
    np.testing.assert_array_equal(a, to_np(initializers.RandomUniform(seed=21)(SMALL)))


@pytest.mark.parametrize("bad", ["seed", 1.5, True, [1]])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomUniform(seed=bad)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"scale": 0.0}, "scale"),
        ({"scale": -1.0}, "scale"),
        ({"mode": "fan_sum"}, "mode"),
        ({"distribution": "cauchy"}, "distribution"),
    ],
)
def test_variance_scaling_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        initializers.VarianceScaling(**kwargs)


def test_variance_scaling_normal_means_truncated_normal():
    vs = initializers.VarianceScaling(distribution="Normal")
    assert vs.distribution == "truncated_normal"


def test_seed_generator_next_returns_the_state_before_advancing():
    gen = cornu_random.SeedGenerator(7)
    first = backend.convert_to_numpy(gen.next())
    second = backend.convert_to_numpy(gen.next())
    np.testing.assert_array_equal(first, [7, 0])
    np.testing.assert_array_equal(second, [7, 1])
    np.testing.assert_array_equal(gen.state.numpy(), [7, 2])
