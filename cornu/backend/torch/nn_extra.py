"""Torch engine: more neural-network ops (adaptive pooling, CTC, space/depth, fold/unfold, ...).

Arguments arrive validated and normalized by ``cornu.ops.nn`` (tuples of ints,
a standard ``data_format``); these functions do the arithmetic.
"""
import torch
import torch.nn.functional as F

from cornu.backend import config
from cornu.backend.common import ctc_decoding, op_checks
from cornu.backend.common.op_checks import pair as _pair
from cornu.backend.torch.core import convert_to_tensor, to_torch_dtype

__all__ = ["sparse_sigmoid", "threshold", "polar", "psnr", "adaptive_average_pool", "adaptive_max_pool",
           "depth_to_space", "space_to_depth", "unfold", "fold", "ctc_loss", "ctc_decode"]

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if x.is_floating_point() else x.to(to_torch_dtype(config.floatx()))


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = _float(x)
    zero, one = torch.zeros_like(x), torch.ones_like(x)
    return torch.where(x <= -1.0, zero, torch.where(x >= 1.0, one, 0.5 * (x + 1.0)))


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value`` (dtype of ``x``)."""
    x = t(x)
    return torch.where(x > threshold, x, torch.as_tensor(default_value, dtype=x.dtype, device=x.device))


def polar(abs_, angle):
    """The complex tensor ``abs_ * (cos(angle) + i sin(angle))``."""
    abs_, angle = _float(abs_), _float(angle)
    dtype = torch.promote_types(abs_.dtype, angle.dtype)
    if dtype not in (torch.float32, torch.float64):
        dtype = torch.float32
    abs_, angle = torch.broadcast_tensors(abs_.to(dtype), angle.to(dtype))
    return torch.polar(abs_, angle)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)^2))``."""
    x1, x2 = _float(x1), _float(x2)
    x2 = x2.to(x1.dtype)
    max_val = torch.as_tensor(max_val, dtype=x1.dtype, device=x1.device)
    mse = torch.mean(torch.square(x1 - x2))
    return 20.0 * torch.log10(max_val) - 10.0 * torch.log10(mse)


# -- adaptive pooling ----------------------------------------------------------------
def _channels_first(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, -1, 1)


def _restore_format(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, 1, -1)


def _gather_max(x, axis, out):
    """Adaptive max along one axis by gathering every window (any dtype)."""
    index, _ = op_checks.adaptive_windows(x.shape[axis], out)  # repeated indices are harmless
    taken = torch.index_select(x, axis, torch.as_tensor(index.ravel(), device=x.device))
    shape = list(x.shape)
    shape[axis:axis + 1] = list(index.shape)
    return torch.amax(taken.reshape(shape), dim=axis + 1)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average over adaptive windows so that the spatial shape becomes ``output_size``."""
    data_format = config.standardize_data_format(data_format)
    x = _channels_first(_float(inputs), data_format)
    pool = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}[x.ndim - 2]
    return _restore_format(pool(x, op_checks.spatial_size(output_size, x.ndim)), data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over adaptive windows so that the spatial shape becomes ``output_size``."""
    data_format = config.standardize_data_format(data_format)
    x = _channels_first(t(inputs), data_format)
    output_size = op_checks.spatial_size(output_size, x.ndim)
    if x.is_floating_point():
        pool = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}[x.ndim - 2]
        out = pool(x, output_size)
    else:  # torch's kernels take floats only: pool integers exactly, one axis at a time
        out = x
        for axis, size in enumerate(output_size, start=2):
            out = _gather_max(out, axis, size)
    return _restore_format(out, data_format)


# -- space / depth, unfold / fold ---------------------------------------------------------
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move ``block_size**2`` channel groups into ``block_size x block_size`` spatial blocks."""
    x = t(x)
    r = block_size
    if data_format == "channels_first":
        return F.pixel_shuffle(x, r)  # channels read as (c, r, r), as Keras does
    n, h, w, c = x.shape
    x = x.reshape(n, h, w, r, r, c // (r * r))  # channels read as (r, r, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(n, h * r, w * r, c // (r * r))


def space_to_depth(x, block_size, data_format="channels_last"):
    """Move ``block_size x block_size`` spatial blocks into the channels (inverse of depth_to_space)."""
    x = t(x)
    r = block_size
    if data_format == "channels_first":
        return F.pixel_unshuffle(x, r)
    n, h, w, c = x.shape
    x = x.reshape(n, h // r, r, w // r, r, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(n, h // r, w // r, r * r * c)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding ``(N, C, H, W)`` blocks as columns ``(N, C * kH * kW, L)`` (im2col)."""
    x = t(x)
    args = dict(kernel_size=_pair(kernel_size), dilation=_pair(dilation), padding=_pair(padding),
                stride=_pair(stride))
    if x.is_floating_point():
        return F.unfold(x, **args)
    return F.unfold(x.double(), **args).to(x.dtype)  # exact for integers below 2**53


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns ``(N, C * kH * kW, L)`` back into an image ``(N, C, oH, oW)`` (col2im)."""
    x = t(x)
    args = dict(output_size=_pair(output_size), kernel_size=_pair(kernel_size), dilation=_pair(dilation),
                padding=_pair(padding), stride=_pair(stride))
    if x.is_floating_point():
        return F.fold(x, **args)
    return F.fold(x.double(), **args).to(x.dtype)


# -- CTC -------------------------------------------------------------------------------
def _ctc_dtype(x):
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC negative log-likelihood of ``target`` under the logits ``output``."""
    output = t(output)
    output = output.to(_ctc_dtype(output))
    if output.device.type == "meta":  # shape inference only
        return torch.empty(output.shape[:1], dtype=output.dtype, device="meta")
    log_probs = torch.log_softmax(output, dim=-1).transpose(0, 1)  # (time, batch, classes)
    return F.ctc_loss(log_probs, t(target).long(), t(output_length).long(), t(target_length).long(),
                      blank=mask_index, reduction="none", zero_infinity=False)


def _greedy_decode(inputs, lengths, merge_repeated, blank):
    batch, time, _ = inputs.shape
    best, labels = torch.max(inputs, dim=-1)
    valid = torch.arange(time, device=inputs.device)[None, :] < lengths[:, None]
    labels = torch.where(valid, labels, blank)
    scores = -torch.sum(torch.where(valid, best, torch.zeros_like(best)), dim=1, keepdim=True)
    if merge_repeated:
        repeat = F.pad(labels[:, 1:] == labels[:, :-1], (1, 0))
        labels = torch.where(repeat, blank, labels)
    keep = labels != blank
    order = torch.sort((~keep).to(torch.int8), dim=1, stable=True).indices  # kept labels first
    labels = torch.gather(torch.where(keep, labels, -1), 1, order)
    return labels[None].to(torch.int32), scores


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy or beam-search CTC decoding: ``(paths (top_paths, batch, time) int32, scores)``."""
    inputs = t(inputs)
    inputs = inputs.to(_ctc_dtype(inputs))
    lengths = t(sequence_lengths).long().to(inputs.device)
    blank = inputs.shape[-1] - 1 if mask_index is None else mask_index
    if strategy == "greedy":
        return _greedy_decode(inputs, lengths, merge_repeated, blank)
    batch, time, _ = inputs.shape
    if inputs.device.type == "meta":  # shape inference only
        return (torch.empty((top_paths, batch, time), dtype=torch.int32, device="meta"),
                torch.empty((batch, top_paths), dtype=inputs.dtype, device="meta"))
    log_probs = torch.log_softmax(inputs.double(), dim=-1).detach().cpu().numpy()
    paths, scores = ctc_decoding.beam_search(log_probs, lengths.cpu().numpy(), beam_width, top_paths, blank)
    return (torch.as_tensor(paths, device=inputs.device),
            torch.as_tensor(scores, dtype=inputs.dtype, device=inputs.device))
