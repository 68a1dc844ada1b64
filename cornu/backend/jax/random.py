"""JAX engine: random ops.  ``seed`` is ``None``, an int, or a SeedGenerator."""
import random as _py_random

import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype


def draw_seed(seed):
    """A JAX PRNG key for ``seed``."""
    if seed is None:
        seed = _py_random.randint(0, 2**31 - 1)
    if hasattr(seed, "next"):
        state = convert_to_tensor(seed.next())
        return jax.random.fold_in(jax.random.PRNGKey(state[0]), state[1])
    if isinstance(seed, int):
        return jax.random.PRNGKey(seed)
    raise ValueError(f"`seed` must be None, an int or a SeedGenerator. Received: seed={seed!r}")


def _dt(dtype):
    return to_jax_dtype(dtype or config.floatx())


# Eagerly, every new shape would compile its own random-number program (about half
# a second each): building a model's weights would be dominated by compilation.
# Outside a trace, numbers are drawn as a flat array of a power-of-two size
# (one program per size class), cut to the shape and scaled on the host.
_MIN_BUCKET = 256


def _eager_draw(sampler, key, shape, dtype):
    """``sampler(key, (bucket,))`` cut to ``shape`` (host arithmetic, no per-shape compile); or None when tracing."""
    if isinstance(key, jax.core.Tracer):
        return None
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    bucket = max(_MIN_BUCKET, 1 << max(size - 1, 0).bit_length())
    flat = np.asarray(sampler(key, (bucket,)), dtype=np.float32)
    return flat[:size].reshape(shape)


def _finish(host, dtype):
    return jax.device_put(host.astype(np.float32)).astype(dtype) if dtype == jnp.bfloat16 else \
        jnp.asarray(host.astype(np.dtype(dtype)))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    key, shape, dtype = draw_seed(seed), tuple(shape), _dt(dtype)
    host = _eager_draw(jax.random.normal, key, shape, dtype)
    if host is None:
        return jax.random.normal(key, shape, dtype=dtype) * stddev + mean
    return _finish(host * np.float32(stddev) + np.float32(mean), dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    key, shape, dtype = draw_seed(seed), tuple(shape), _dt(dtype)
    host = _eager_draw(jax.random.uniform, key, shape, dtype)
    if host is None:
        return jax.random.uniform(key, shape, dtype=dtype, minval=minval, maxval=maxval)
    return _finish(host * np.float32(maxval - minval) + np.float32(minval), dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    key, shape, dtype = draw_seed(seed), tuple(shape), _dt(dtype)
    host = _eager_draw(lambda k, s: jax.random.truncated_normal(k, -2.0, 2.0, s), key, shape, dtype)
    if host is None:
        return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype=dtype) * stddev + mean
    return _finish(host * np.float32(stddev) + np.float32(mean), dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(draw_seed(seed), tuple(shape), minval, maxval, dtype=to_jax_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    if rate <= 0:
        return inputs
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = jax.random.uniform(draw_seed(seed), shape) >= rate
    keep = jnp.broadcast_to(keep, inputs.shape)
    return jnp.where(keep, inputs / (1.0 - rate), jnp.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(draw_seed(seed), convert_to_tensor(x), axis=axis, independent=False)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    out = jax.random.categorical(draw_seed(seed), logits[..., None, :], axis=-1,
                                 shape=logits.shape[:-1] + (num_samples,))
    return out.astype(to_jax_dtype(dtype))


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(draw_seed(seed), alpha, tuple(shape), dtype=_dt(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return jax.random.binomial(draw_seed(seed), counts, probabilities, tuple(shape)).astype(_dt(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return jax.random.beta(draw_seed(seed), alpha, beta, tuple(shape), dtype=_dt(dtype))


def set_global_seed(seed):
    """Seed the Python RNG that unseeded JAX random ops draw their keys from."""
    _py_random.seed(int(seed))
