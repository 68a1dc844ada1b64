"""Torch engine: convolution and pooling ops with Keras 3 (TensorFlow) semantics.

Kernels arrive in Keras's layout (``spatial..., in, out``; transposed:
``spatial..., out, in``) and are permuted to torch's.  Torch pads symmetrically,
so TensorFlow's ``"same"`` padding (odd element at the end) is applied with an
explicit ``F.pad`` when the two sides differ.
"""
import torch
import torch.nn.functional as F

from cornu.backend.common import conv_utils as cu
from cornu.backend.config import standardize_data_format
from cornu.backend.torch.core import convert_to_tensor

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _spatial_rank(x, op):
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(
            f"`{op}` expects a 3D, 4D or 5D input (batch, spatial..., channels); "
            f"received an input of shape {tuple(x.shape)}."
        )
    return n


def _pair(inputs, kernel):
    x = convert_to_tensor(inputs)
    k = convert_to_tensor(kernel)
    if not x.is_floating_point():
        x = x.to(k.dtype if k.is_floating_point() else torch.get_default_dtype())
    if k.dtype != x.dtype:
        dtype = torch.promote_types(x.dtype, k.dtype)
        x, k = x.to(dtype), k.to(dtype)
    return x, k


def _channels_first(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, -1, 1)  # (b, ..., c) -> (b, c, ...)


def _restore(x, data_format):
    return x if data_format == "channels_first" else torch.movedim(x, 1, -1)  # (b, c, ...) -> (b, ..., c)


def _flat_pads(pads):
    # F.pad wants (last_before, last_after, previous_before, ...).
    out = []
    for before, after in reversed(pads):
        out += [before, after]
    return out


def _apply_pads(x, pads, value=0.0):
    """Pad ``x`` (channels first) and return it with the symmetric padding left for torch."""
    if all(b == a for b, a in pads):
        return x, tuple(b for b, _ in pads)
    return F.pad(x, _flat_pads(pads), value=value), (0,) * len(pads)


def _conv_kernel(k, n):
    return k.permute(n + 1, n, *range(n))  # (spatial..., in, out) -> (out, in, spatial...)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation) of ``inputs`` with a Keras-layout ``kernel``.

    ``kernel`` has shape ``spatial + (in_channels // groups, out_channels)``;
    ``groups`` is inferred from the input's channel count.
    """
    x, k = _pair(inputs, kernel)
    n = _spatial_rank(x, "conv")
    data_format = standardize_data_format(data_format)
    strides = cu.normalize_tuple(strides, n, "strides", "conv")
    dilation = cu.normalize_tuple(dilation_rate, n, "dilation_rate", "conv")
    padding = cu.standardize_padding(padding, "conv")
    x = _channels_first(x, data_format)
    in_channels, kernel_in = x.shape[1], k.shape[-2]
    if k.ndim != n + 2 or in_channels % kernel_in:
        raise ValueError(
            f"`conv`: the input has {in_channels} channels, which must be a multiple of the kernel's "
            f"input dimension; received kernel shape {tuple(k.shape)} for input shape {tuple(inputs.shape)}."
        )
    pads = cu.padding_pairs(x.shape[2:], k.shape[:n], strides, dilation, padding)
    x, torch_padding = _apply_pads(x, pads)
    y = _CONV[n](x, _conv_kernel(k, n), stride=strides, padding=torch_padding, dilation=dilation,
                 groups=in_channels // kernel_in)
    return _restore(y, data_format)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel with its own ``channel_multiplier`` filters.

    ``kernel`` has shape ``spatial + (in_channels, channel_multiplier)``; output
    channel ``c * channel_multiplier + m`` comes from input channel ``c``.
    """
    x, k = _pair(inputs, kernel)
    n = _spatial_rank(x, "depthwise_conv")
    data_format = standardize_data_format(data_format)
    channels = x.shape[1] if data_format == "channels_first" else x.shape[-1]
    if k.ndim != n + 2 or k.shape[-2] != channels:
        raise ValueError(
            f"`depthwise_conv`: the kernel must have shape spatial + ({channels}, multiplier) for an input "
            f"with {channels} channels; received kernel shape {tuple(k.shape)}."
        )
    k = k.reshape(tuple(k.shape[:n]) + (1, k.shape[-2] * k.shape[-1]))  # (..., in, m) -> (..., 1, in*m)
    return conv(x, k, strides, padding, data_format, dilation_rate)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a pointwise (1x1) convolution."""
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution with Keras's output-shape rules.

    ``kernel`` has shape ``spatial + (out_channels, in_channels)``.
    """
    x, k = _pair(inputs, kernel)
    n = _spatial_rank(x, "conv_transpose")
    data_format = standardize_data_format(data_format)
    strides = cu.normalize_tuple(strides, n, "strides", "conv_transpose")
    dilation = cu.normalize_tuple(dilation_rate, n, "dilation_rate", "conv_transpose")
    padding = cu.standardize_padding(padding, "conv_transpose")
    output_padding = cu.check_output_padding(output_padding, n)
    x = _channels_first(x, data_format)
    if k.ndim != n + 2 or k.shape[-1] != x.shape[1]:
        raise ValueError(
            f"`conv_transpose`: the kernel must have shape spatial + (out_channels, {x.shape[1]}); "
            f"received kernel shape {tuple(k.shape)}."
        )
    torch_pad, torch_out_pad, targets = [], [], []
    for i in range(n):
        length, size, s, d = x.shape[2 + i], k.shape[i], strides[i], dilation[i]
        out_pad = None if output_padding is None else output_padding[i]
        target, offset = cu.conv_transpose_plan(length, size, s, padding, out_pad, d)
        full = (length - 1) * s + cu.effective_kernel(size, d)
        extra = target - (full - 2 * offset)  # what torch's output_padding must add at the end
        torch_pad.append(offset)
        torch_out_pad.append(min(max(extra, 0), max(s, d) - 1))
        targets.append(target)
    w = k.permute(n + 1, n, *range(n))  # (spatial..., out, in) -> (in, out, spatial...)
    y = _CONV_T[n](x, w, stride=strides, padding=torch_pad, output_padding=torch_out_pad,
                   dilation=dilation)
    if tuple(y.shape[2:]) != tuple(targets):
        # Rare shapes torch cannot reach directly: crop, or extend with zeros, at the end.
        y = y[(slice(None), slice(None)) + tuple(slice(0, t) for t in targets)]
        short = [(0, t - have) for t, have in zip(targets, y.shape[2:])]
        if any(after for _, after in short):
            y = F.pad(y, _flat_pads(short))
    return _restore(y, data_format)


def _pool_args(inputs, pool_size, strides, padding, data_format, op):
    x = convert_to_tensor(inputs)
    n = _spatial_rank(x, op)
    pool = cu.normalize_tuple(pool_size, n, "pool_size", op)
    strides = pool if strides is None else cu.normalize_tuple(strides, n, "strides", op)
    padding = cu.standardize_padding(padding, op)
    data_format = standardize_data_format(data_format)
    x = _channels_first(x, data_format)
    pads = cu.padding_pairs(x.shape[2:], pool, strides, (1,) * n, padding)
    return x, n, pool, strides, pads, data_format


def _torch_can_pad(pads, pool):
    return all(b == a and b <= k // 2 for (b, a), k in zip(pads, pool))


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling; ``strides`` defaults to ``pool_size``; ``"same"`` pads as TensorFlow."""
    x, n, pool, strides, pads, data_format = _pool_args(inputs, pool_size, strides, padding, data_format,
                                                        "max_pool")
    if _torch_can_pad(pads, pool):
        y = _MAX_POOL[n](x, pool, strides, padding=tuple(b for b, _ in pads))
    else:
        low = -float("inf") if x.is_floating_point() else torch.iinfo(x.dtype).min
        y = _MAX_POOL[n](F.pad(x, _flat_pads(pads), value=low), pool, strides)
    return _restore(y, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``"same"`` the padded positions are left out of each average."""
    x, n, pool, strides, pads, data_format = _pool_args(inputs, pool_size, strides, padding, data_format,
                                                        "average_pool")
    if not x.is_floating_point():
        x = x.to(torch.get_default_dtype())
    if _torch_can_pad(pads, pool):
        y = _AVG_POOL[n](x, pool, strides, padding=tuple(b for b, _ in pads), count_include_pad=False)
    else:
        flat = _flat_pads(pads)
        sums = _AVG_POOL[n](F.pad(x, flat), pool, strides)
        ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
        counts = _AVG_POOL[n](F.pad(ones, flat), pool, strides)  # share of real (unpadded) elements
        y = sums / counts
    return _restore(y, data_format)


__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool"]
