"""Torch engine: math ops beyond NumPy (top-k, segment reductions, special functions)."""
import torch

from cornu.backend import config
from cornu.backend.torch.core import cast, convert_to_tensor

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if x.is_floating_point() else cast(x, config.floatx())


def top_k(x, k, sorted=True):
    values, indices = torch.topk(t(x), k, sorted=sorted)
    return values, indices.to(torch.int32)


def in_top_k(targets, predictions, k):
    predictions = t(predictions)
    targets = t(targets).long()
    target_vals = torch.gather(predictions, 1, targets.unsqueeze(1))
    # a target is in the top k when fewer than k classes score strictly higher
    higher = torch.sum((predictions > target_vals).to(torch.int32), dim=1)
    return higher < k


def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    if axis is None:
        out = torch.logsumexp(x.flatten(), dim=0)
        return out.reshape([1] * x.ndim) if keepdims else out
    return torch.logsumexp(x, dim=axis, keepdim=keepdims)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    data, ids = t(data), t(segment_ids).long()
    n = int(ids.max().item()) + 1 if num_segments is None else num_segments
    out = torch.zeros((n,) + tuple(data.shape[1:]), dtype=data.dtype, device=data.device)
    return out.index_add_(0, ids, data)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data, ids = t(data), t(segment_ids).long()
    n = int(ids.max().item()) + 1 if num_segments is None else num_segments
    out = torch.full((n,) + tuple(data.shape[1:]), float("-inf"), dtype=data.dtype, device=data.device)
    index = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand_as(data)
    return out.scatter_reduce(0, index, data, reduce="amax", include_self=True)


def erf(x): return torch.erf(_float(x))
def erfinv(x): return torch.erfinv(_float(x))
def rsqrt(x): return torch.rsqrt(_float(x))
def logdet(x): return torch.logdet(_float(x))
def qr(x, mode="reduced"): return torch.linalg.qr(_float(x), mode=mode)


def extract_sequences(x, sequence_length, sequence_stride):
    return t(x).unfold(-1, sequence_length, sequence_stride)
