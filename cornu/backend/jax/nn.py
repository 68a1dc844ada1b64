"""JAX engine: neural-network ops (activations, crossentropies, normalization)."""
import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(config.floatx()))


def relu(x): return jax.nn.relu(_float(x))
def relu6(x): return jax.nn.relu6(_float(x))
def sigmoid(x): return jax.nn.sigmoid(_float(x))
def tanh(x): return jnp.tanh(_float(x))
def softplus(x): return jax.nn.softplus(_float(x))
def softsign(x): return jax.nn.soft_sign(_float(x))
def silu(x): return jax.nn.silu(_float(x))


swish = silu


def log_sigmoid(x): return jax.nn.log_sigmoid(_float(x))
def leaky_relu(x, negative_slope=0.2): return jax.nn.leaky_relu(_float(x), negative_slope)
def hard_sigmoid(x): return jax.nn.relu6(_float(x) + 3.0) / 6.0
def hard_silu(x): x = _float(x); return x * jax.nn.relu6(x + 3.0) / 6.0


hard_swish = hard_silu


def elu(x, alpha=1.0): return jax.nn.elu(_float(x), alpha)
def selu(x): return jax.nn.selu(_float(x))
def gelu(x, approximate=True): return jax.nn.gelu(_float(x), approximate=approximate)
def celu(x, alpha=1.0): return jax.nn.celu(_float(x), alpha)
def glu(x, axis=-1): return jax.nn.glu(_float(x), axis)
def tanh_shrink(x): x = _float(x); return x - jnp.tanh(x)
def hard_tanh(x): return jnp.clip(_float(x), -1.0, 1.0)


def soft_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0))


def hard_shrink(x, threshold=0.5):
    x = _float(x)
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


def mish(x): x = _float(x); return x * jnp.tanh(jax.nn.softplus(x))


def squareplus(x, b=4):
    x = _float(x)
    return (x + jnp.sqrt(x * x + b)) / 2.0


def sparse_plus(x):
    x = _float(x)
    return jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4.0))


def sparsemax(x, axis=-1):
    x = _float(x)
    z = -jnp.sort(-x, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    k = jnp.arange(1, x.shape[axis] + 1, dtype=x.dtype).reshape(shape)
    cum = jnp.cumsum(z, axis=axis)
    support = (1 + k * z) > cum
    k_z = jnp.sum(support.astype(x.dtype), axis=axis, keepdims=True)
    tau = (jnp.take_along_axis(cum, k_z.astype(jnp.int32) - 1, axis=axis) - 1) / k_z
    return jnp.maximum(x - tau, 0)


def softmax(x, axis=-1): return jax.nn.softmax(_float(x), axis=axis)
def log_softmax(x, axis=-1): return jax.nn.log_softmax(_float(x), axis=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    return jax.nn.one_hot(t(x), num_classes, axis=axis, dtype=to_jax_dtype(dtype or config.floatx()))


def multi_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = t(x)
    out = jax.nn.one_hot(x, num_classes, axis=-1, dtype=to_jax_dtype(dtype or config.floatx()))
    out = jnp.max(out, axis=-2) if x.ndim > 1 else jnp.max(out, axis=0)
    if axis != -1 and x.ndim > 1:
        out = jnp.moveaxis(out, -1, axis)
    return out


def binary_crossentropy(target, output, from_logits=False):
    target, output = _float(target), _float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        log_p = jax.nn.log_sigmoid(output)
        log_not_p = jax.nn.log_sigmoid(-output)
        return -(target * log_p + (1.0 - target) * log_not_p)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _float(target), _float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    return -jnp.sum(target * log_prob, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = t(target)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    target = target.astype(jnp.int32)
    if axis == -1 and target.shape != output.shape[:-1]:
        raise ValueError(
            "Argument `target` must have one dimension less than `output` (the class "
            f"axis). Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = config.epsilon()
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    log_prob = jnp.moveaxis(log_prob, axis, -1)
    return -jnp.take_along_axis(log_prob, target[..., None], axis=-1)[..., 0]


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (biased) variance over ``axes``, computed in float32 for half types."""
    x = _float(x)
    compute = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    mean = jnp.mean(compute, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(compute - mean), axis=axes, keepdims=True)
    if not keepdims:
        mean = jnp.squeeze(mean, axes)
        variance = jnp.squeeze(variance, axes)
    return mean.astype(x.dtype), variance.astype(x.dtype)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    mean = t(mean).reshape(shape)
    inv = jax.lax.rsqrt(t(variance).reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * t(scale).reshape(shape)
    out = (x - mean) * inv
    if offset is not None:
        out = out + t(offset).reshape(shape)
    return out


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    eps = config.epsilon() if epsilon is None else epsilon
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)


def l2_normalize(x, axis=-1, epsilon=1e-12):
    x = _float(x)
    sq = jnp.sum(x * x, axis=axis, keepdims=True)
    return x * jax.lax.rsqrt(jnp.maximum(sq, epsilon))
from cornu.backend.jax.normalization import *  # noqa
from cornu.backend.jax.rnn import *  # noqa
from cornu.backend.jax.attention import *  # noqa
from cornu.backend.jax.conv import *  # noqa
from cornu.backend.jax.nn_extra import *  # noqa
