"""Torch engine: neural-network ops (activations, crossentropies, normalization)."""
import torch
import torch.nn.functional as F

from cornu.backend import config
from cornu.backend.torch.core import cast, convert_to_tensor, to_torch_dtype

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if x.is_floating_point() else cast(x, config.floatx())


def relu(x): return F.relu(_float(x))
def relu6(x): return F.relu6(_float(x))
def sigmoid(x): return torch.sigmoid(_float(x))
def tanh(x): return torch.tanh(_float(x))
def softplus(x): return F.softplus(_float(x))
def softsign(x): return F.softsign(_float(x))
def silu(x): return F.silu(_float(x))


swish = silu


def log_sigmoid(x): return F.logsigmoid(_float(x))
def leaky_relu(x, negative_slope=0.2): return F.leaky_relu(_float(x), negative_slope)
def hard_sigmoid(x): return F.relu6(_float(x) + 3.0) / 6.0
def hard_silu(x): x = _float(x); return x * F.relu6(x + 3.0) / 6.0


hard_swish = hard_silu


def elu(x, alpha=1.0): return F.elu(_float(x), alpha=alpha)


def selu(x):
    return F.selu(_float(x))


def gelu(x, approximate=True):
    return F.gelu(_float(x), approximate="tanh" if approximate else "none")


def celu(x, alpha=1.0): return F.celu(_float(x), alpha=alpha)
def glu(x, axis=-1): return F.glu(_float(x), dim=axis)
def tanh_shrink(x): return F.tanhshrink(_float(x))
def hard_tanh(x): return F.hardtanh(_float(x))
def soft_shrink(x, threshold=0.5): return F.softshrink(_float(x), lambd=threshold)
def hard_shrink(x, threshold=0.5): return F.hardshrink(_float(x), lambd=threshold)
def mish(x): return F.mish(_float(x))


def squareplus(x, b=4):
    x = _float(x)
    return (x + torch.sqrt(x * x + b)) / 2.0


def sparse_plus(x):
    x = _float(x)
    return torch.where(x <= -1.0, torch.zeros_like(x),
                       torch.where(x >= 1.0, x, (x + 1.0) ** 2 / 4.0))


def sparsemax(x, axis=-1):
    x = _float(x)
    z = torch.sort(x, dim=axis, descending=True).values
    k = torch.arange(1, x.shape[axis] + 1, dtype=x.dtype, device=x.device)
    shape = [1] * x.ndim
    shape[axis] = -1
    k = k.reshape(shape)
    cum = torch.cumsum(z, dim=axis)
    support = (1 + k * z) > cum
    k_z = torch.sum(support.to(x.dtype), dim=axis, keepdim=True)
    tau = (torch.gather(cum, axis, (k_z.long() - 1)) - 1) / k_z
    return torch.clamp(x - tau, min=0)


def softmax(x, axis=-1):
    x = _float(x)
    if isinstance(axis, (list, tuple)):
        m = torch.amax(x, dim=axis, keepdim=True)
        e = torch.exp(x - m)
        return e / torch.sum(e, dim=axis, keepdim=True)
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    x = _float(x)
    if isinstance(axis, (list, tuple)):
        return x - torch.logsumexp(x, dim=axis, keepdim=True)
    return torch.log_softmax(x, dim=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = t(x).long()
    valid = (x >= 0) & (x < num_classes)
    out = F.one_hot(torch.where(valid, x, torch.zeros_like(x)), num_classes)
    out = out * valid.unsqueeze(-1)
    out = out.to(to_torch_dtype(dtype or config.floatx()))
    if axis != -1 and axis != out.ndim - 1:
        out = torch.moveaxis(out, -1, axis)
    return out


def multi_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = t(x)
    out = one_hot(x, num_classes, axis=-1, dtype=dtype)
    reduce_axis = -2 if x.ndim > 1 else 0
    out = torch.amax(out, dim=reduce_axis) if x.ndim >= 1 else out
    if axis != -1 and x.ndim > 1:
        out = torch.moveaxis(out, -1, axis)
    return out


def binary_crossentropy(target, output, from_logits=False):
    target, output = _float(target), _float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target.to(output.dtype), reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _float(target), _float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    output = _float(output)
    target = t(target)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = torch.squeeze(target, -1)
    target = target.long()
    if target.shape != output.shape[:-1] if axis == -1 else False:
        raise ValueError(
            "Argument `target` must have one dimension less than `output` (the class "
            f"axis). Received: target.shape={tuple(target.shape)}, "
            f"output.shape={tuple(output.shape)}"
        )
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        eps = config.epsilon()
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    log_prob = torch.moveaxis(log_prob, axis, -1)
    return -torch.gather(log_prob, -1, target.unsqueeze(-1)).squeeze(-1)


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (biased) variance over ``axes``, computed in float32 for half types."""
    x = _float(x)
    compute = x.to(torch.float32) if x.dtype in (torch.float16, torch.bfloat16) else x
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    # One fused (Welford) pass over the data for both statistics.
    variance, mean = torch.var_mean(compute, dim=axes, correction=0, keepdim=True)
    if not keepdims:
        mean = torch.squeeze(mean, axes)
        variance = torch.squeeze(variance, axes)
    return mean.to(x.dtype), variance.to(x.dtype)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    x = _float(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    # Fold everything into a per-channel multiplier and shift (small tensors),
    # then make one pass over the data: x * a + b, as tf.nn.batch_normalization does.
    inv = torch.rsqrt(t(variance).reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * t(scale).reshape(shape)
    shift = -t(mean).reshape(shape) * inv
    if offset is not None:
        shift = shift + t(offset).reshape(shape)
    return torch.addcmul(shift.to(x.dtype), x, inv.to(x.dtype))


def normalize(x, axis=-1, order=2, epsilon=None):
    x = _float(x)
    eps = config.epsilon() if epsilon is None else epsilon
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=eps)


def l2_normalize(x, axis=-1, epsilon=1e-12):
    x = _float(x)
    sq = torch.sum(x * x, dim=axis, keepdim=True)
    return x * torch.rsqrt(torch.clamp(sq, min=epsilon))

from cornu.backend.torch.normalization import *  # noqa
from cornu.backend.torch.rnn import *  # noqa
from cornu.backend.torch.attention import *  # noqa
from cornu.backend.torch.conv import *  # noqa
from cornu.backend.torch.nn_extra import *  # noqa
