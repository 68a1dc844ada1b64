"""``cornu.random``: random tensors.  ``seed`` is ``None``, an int, or a ``SeedGenerator``."""
from cornu import backend
from cornu.random.seed_generator import SeedGenerator, global_seed_generator, make_default_seed  # noqa: F401
from cornu.random.seeding import set_random_seed  # noqa: F401

_r = backend.random


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution."""
    return _r.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution over ``[minval, maxval)``."""
    return _r.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn when more than two standard deviations from the mean."""
    return _r.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Random integers in ``[minval, maxval)``."""
    return _r.randint(shape, minval, maxval, dtype=dtype, seed=seed)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    return _r.dropout(inputs, rate, noise_shape=noise_shape, seed=seed)


def shuffle(x, axis=0, seed=None):
    """Shuffle ``x`` along ``axis``."""
    return _r.shuffle(x, axis=axis, seed=seed)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw class indices from the categorical distributions given by ``logits``."""
    return _r.categorical(logits, num_samples, dtype=dtype, seed=seed)


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from a Gamma(alpha, 1) distribution."""
    return _r.gamma(shape, alpha, dtype=dtype, seed=seed)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples from a binomial distribution."""
    return _r.binomial(shape, counts, probabilities, dtype=dtype, seed=seed)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from a Beta(alpha, beta) distribution."""
    return _r.beta(shape, alpha, beta, dtype=dtype, seed=seed)


__all__ = ["SeedGenerator", "normal", "uniform", "truncated_normal", "randint", "dropout",
           "shuffle", "categorical", "gamma", "binomial", "beta"]
