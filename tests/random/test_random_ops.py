"""cornu.random: dropout statistics, exact scaling and gradients; seeded reproducibility."""
import numpy as np
import pytest

import cornu
from cornu import backend, ops, random


def _np(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.9])
def test_dropout_keeps_the_expected_fraction_and_scales_kept_values(rate):
    x = np.random.default_rng(0).uniform(1, 2, (200, 500)).astype("float32")
    out = _np(random.dropout(x, rate, seed=random.SeedGenerator(1)))
    kept = out != 0
    assert abs(kept.mean() - (1 - rate)) < 0.01  # 100k draws: 5 standard deviations
    # x / (1 - rate), to the last bit or one rounding (XLA may multiply by the reciprocal)
    np.testing.assert_allclose(out[kept], (x / np.float32(1 - rate))[kept], rtol=2.4e-7, atol=0)


def test_dropout_rate_zero_is_the_identity():
    x = np.arange(6, dtype="float32")
    np.testing.assert_array_equal(_np(random.dropout(x, 0.0, seed=random.SeedGenerator(1))), x)


def test_seed_generators_with_equal_seeds_give_equal_masks_and_advance():
    x = np.ones((64, 64), "float32")
    a, b = random.SeedGenerator(7), random.SeedGenerator(7)
    first_a, first_b = _np(random.dropout(x, 0.5, seed=a)), _np(random.dropout(x, 0.5, seed=b))
    np.testing.assert_array_equal(first_a, first_b)
    second_a = _np(random.dropout(x, 0.5, seed=a))
    assert not np.array_equal(first_a, second_a)  # the generator moved on
    np.testing.assert_array_equal(_np(a.state.value), [7, 2])


def test_int_seeds_repeat():
    x = np.ones((32, 32), "float32")
    np.testing.assert_array_equal(_np(random.dropout(x, 0.3, seed=3)), _np(random.dropout(x, 0.3, seed=3)))
    np.testing.assert_array_equal(_np(random.uniform((5,), seed=4)), _np(random.uniform((5,), seed=4)))


def test_noise_shape_broadcasts_one_mask():
    x = np.ones((4, 10, 6), "float32")
    out = _np(random.dropout(x, 0.5, noise_shape=(None, 1, 6), seed=random.SeedGenerator(2)))
    assert out.shape == x.shape
    for t in range(1, 10):
        np.testing.assert_array_equal(out[:, t], out[:, 0])


def test_dropout_gradient_is_the_mask_over_the_keep_probability():
    values = np.random.default_rng(1).uniform(1, 2, (30, 40)).astype("float32")
    x = cornu.Variable(values)

    def loss():
        return ops.sum(random.dropout(x, 0.25, seed=random.SeedGenerator(5))), None

    _, _, (grad,) = backend.compute_gradients(loss, [x])
    kept = _np(random.dropout(values, 0.25, seed=random.SeedGenerator(5))) != 0  # the same mask
    np.testing.assert_allclose(_np(grad), np.where(kept, np.float32(1) / np.float32(0.75), 0), rtol=2.4e-7, atol=0)


def test_uniform_and_normal_moments():
    u = _np(random.uniform((20000,), minval=-1.0, maxval=3.0, seed=11))
    assert u.min() >= -1 and u.max() < 3 and abs(u.mean() - 1) < 0.05
    n = _np(random.normal((20000,), mean=2.0, stddev=0.5, seed=12))
    assert abs(n.mean() - 2) < 0.02 and abs(n.std() - 0.5) < 0.02
