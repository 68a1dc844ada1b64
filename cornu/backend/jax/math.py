"""JAX engine: math ops beyond NumPy."""
import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(config.floatx()))


def top_k(x, k, sorted=True):
    values, indices = jax.lax.top_k(t(x), k)
    return values, indices.astype(jnp.int32)


def in_top_k(targets, predictions, k):
    predictions = t(predictions)
    targets = t(targets).astype(jnp.int32)
    target_vals = jnp.take_along_axis(predictions, targets[:, None], axis=1)
    higher = jnp.sum((predictions > target_vals).astype(jnp.int32), axis=1)
    return higher < k


def logsumexp(x, axis=None, keepdims=False):
    return jax.scipy.special.logsumexp(_float(x), axis=axis, keepdims=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return jax.ops.segment_sum(t(data), t(segment_ids), num_segments, indices_are_sorted=sorted)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return jax.ops.segment_max(t(data), t(segment_ids), num_segments, indices_are_sorted=sorted)


def erf(x): return jax.lax.erf(_float(x))
def erfinv(x): return jax.lax.erf_inv(_float(x))
def rsqrt(x): return jax.lax.rsqrt(_float(x))
def logdet(x): return jnp.linalg.slogdet(_float(x))[1]
def qr(x, mode="reduced"): return jnp.linalg.qr(_float(x), mode=mode)


def extract_sequences(x, sequence_length, sequence_stride):
    x = t(x)
    n = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    idx = jnp.arange(n)[:, None] * sequence_stride + jnp.arange(sequence_length)[None, :]
    return x[..., idx]
