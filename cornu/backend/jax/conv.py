"""JAX engine: convolution and pooling ops with Keras 3 (TensorFlow) semantics.

Built on ``lax.conv_general_dilated`` (kernels stay in Keras's layout, named by
dimension numbers) and ``lax.reduce_window``; ``"same"`` padding is passed as
explicit ``(before, after)`` pairs computed as TensorFlow does.
"""
import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from cornu.backend.common import conv_utils as cu
from cornu.backend.config import standardize_data_format
from cornu.backend.jax.core import convert_to_tensor

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


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
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(k.dtype if jnp.issubdtype(k.dtype, jnp.floating) else jnp.float32)
    if k.dtype != x.dtype:
        dtype = jnp.promote_types(x.dtype, k.dtype)
        x, k = x.astype(dtype), k.astype(dtype)
    return x, k


def _dimension_numbers(n, data_format, kernel_spec="IO"):
    sp = _SPATIAL[n]
    lhs = "NC" + sp if data_format == "channels_first" else "N" + sp + "C"
    return lax.conv_dimension_numbers((1,) * (n + 2), (1,) * (n + 2), (lhs, sp + kernel_spec, lhs))


def _spatial_shape(x, n, data_format):
    return tuple(x.shape[2:]) if data_format == "channels_first" else tuple(x.shape[1:1 + n])


def _channels(x, data_format):
    return x.shape[1] if data_format == "channels_first" else x.shape[-1]


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
    in_channels, kernel_in = _channels(x, data_format), k.shape[-2]
    if k.ndim != n + 2 or in_channels % kernel_in:
        raise ValueError(
            f"`conv`: the input has {in_channels} channels, which must be a multiple of the kernel's "
            f"input dimension; received kernel shape {tuple(k.shape)} for input shape {tuple(x.shape)}."
        )
    pads = cu.padding_pairs(_spatial_shape(x, n, data_format), k.shape[:n], strides, dilation, padding)
    return lax.conv_general_dilated(
        x, k, window_strides=strides, padding=pads, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(n, data_format), feature_group_count=in_channels // kernel_in,
    )


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Depthwise convolution: each input channel with its own ``channel_multiplier`` filters.

    ``kernel`` has shape ``spatial + (in_channels, channel_multiplier)``; output
    channel ``c * channel_multiplier + m`` comes from input channel ``c``.
    """
    x, k = _pair(inputs, kernel)
    n = _spatial_rank(x, "depthwise_conv")
    data_format = standardize_data_format(data_format)
    channels = _channels(x, data_format)
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

    ``kernel`` has shape ``spatial + (out_channels, in_channels)``.  Computed
    as a convolution of the stride-dilated input with the flipped kernel.
    """
    x, k = _pair(inputs, kernel)
    n = _spatial_rank(x, "conv_transpose")
    data_format = standardize_data_format(data_format)
    strides = cu.normalize_tuple(strides, n, "strides", "conv_transpose")
    dilation = cu.normalize_tuple(dilation_rate, n, "dilation_rate", "conv_transpose")
    padding = cu.standardize_padding(padding, "conv_transpose")
    output_padding = cu.check_output_padding(output_padding, n)
    if k.ndim != n + 2 or k.shape[-1] != _channels(x, data_format):
        raise ValueError(
            f"`conv_transpose`: the kernel must have shape spatial + (out_channels, "
            f"{_channels(x, data_format)}); received kernel shape {tuple(k.shape)}."
        )
    pads = []
    for i, length in enumerate(_spatial_shape(x, n, data_format)):
        size, s, d = k.shape[i], strides[i], dilation[i]
        out_pad = None if output_padding is None else output_padding[i]
        target, offset = cu.conv_transpose_plan(length, size, s, padding, out_pad, d)
        extent = cu.effective_kernel(size, d)
        left = extent - 1 - offset
        right = target - ((length - 1) * s + 1) - left + extent - 1
        pads.append((left, right))
    flipped = k[tuple(slice(None, None, -1) for _ in range(n))]
    return lax.conv_general_dilated(
        x, flipped, window_strides=(1,) * n, padding=pads, lhs_dilation=strides, rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(n, data_format, kernel_spec="OI"),
    )


def _pool_args(inputs, pool_size, strides, padding, data_format, op):
    x = convert_to_tensor(inputs)
    n = _spatial_rank(x, op)
    pool = cu.normalize_tuple(pool_size, n, "pool_size", op)
    strides = pool if strides is None else cu.normalize_tuple(strides, n, "strides", op)
    padding = cu.standardize_padding(padding, op)
    data_format = standardize_data_format(data_format)
    spatial = _spatial_shape(x, n, data_format)
    pads = cu.padding_pairs(spatial, pool, strides, (1,) * n, padding)
    if data_format == "channels_first":
        window, steps, full_pads = (1, 1) + pool, (1, 1) + strides, [(0, 0), (0, 0)] + pads
    else:
        window, steps, full_pads = (1,) + pool + (1,), (1,) + strides + (1,), [(0, 0)] + pads + [(0, 0)]
    return x, pool, strides, pads, spatial, window, steps, full_pads


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling; ``strides`` defaults to ``pool_size``; ``"same"`` pads as TensorFlow."""
    x, _, _, _, _, window, steps, full_pads = _pool_args(inputs, pool_size, strides, padding, data_format,
                                                         "max_pool")
    # Init values are NumPy constants (not traced): JAX then picks its differentiable max/sum windows.
    if jnp.issubdtype(x.dtype, jnp.floating):
        low = np.array(-np.inf, dtype=x.dtype)
    else:
        low = np.array(jnp.iinfo(x.dtype).min, dtype=x.dtype)
    return lax.reduce_window(x, low, lax.max, window, steps, full_pads)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with ``"same"`` the padded positions are left out of each average."""
    x, pool, strides, pads, spatial, window, steps, full_pads = _pool_args(
        inputs, pool_size, strides, padding, data_format, "average_pool")
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(jnp.float32)
    zero = np.array(0, dtype=x.dtype)
    sums = lax.reduce_window(x, zero, lax.add, window, steps, full_pads)
    if all(p == (0, 0) for p in pads):
        return sums / jnp.array(float(math.prod(pool)), dtype=x.dtype)
    counts = lax.reduce_window(jnp.ones(spatial, dtype=x.dtype), zero, lax.add, pool, strides, pads)
    if data_format == "channels_first":
        return sums / counts  # counts (spatial...) broadcasts over (b, c, spatial...)
    return sums / counts[..., None]  # (spatial..., 1) broadcasts over (b, spatial..., c)


__all__ = ["conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool"]
