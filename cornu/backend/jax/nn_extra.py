"""JAX engine: more neural-network ops (adaptive pooling, CTC, space/depth, fold/unfold, ...).

Arguments arrive validated and normalized by ``cornu.ops.nn`` (tuples of ints,
a standard ``data_format``); these functions do the arithmetic.
"""
import functools

import jax
import jax.numpy as jnp

from cornu.backend import config
from cornu.backend.common import ctc_decoding, op_checks
from cornu.backend.common.op_checks import pair as _pair
from cornu.backend.jax.core import convert_to_tensor, to_jax_dtype

__all__ = ["sparse_sigmoid", "threshold", "polar", "psnr", "adaptive_average_pool", "adaptive_max_pool",
           "depth_to_space", "space_to_depth", "unfold", "fold", "ctc_loss", "ctc_decode"]

t = convert_to_tensor


def _float(x):
    x = t(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(to_jax_dtype(config.floatx()))


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = _float(x)
    return jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, 1.0, 0.5 * (x + 1.0))).astype(x.dtype)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value`` (dtype of ``x``)."""
    x = t(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value).astype(x.dtype))


def polar(abs_, angle):
    """The complex tensor ``abs_ * (cos(angle) + i sin(angle))``."""
    abs_, angle = _float(abs_), _float(angle)
    dtype = jnp.promote_types(abs_.dtype, angle.dtype)
    if dtype not in (jnp.float32, jnp.float64):
        dtype = jnp.float32
    abs_, angle = jnp.broadcast_arrays(abs_.astype(dtype), angle.astype(dtype))
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)^2))``."""
    x1, x2 = _float(x1), _float(x2)
    x2 = x2.astype(x1.dtype)
    max_val = jnp.asarray(max_val, dtype=x1.dtype)
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20.0 * jnp.log10(max_val) - 10.0 * jnp.log10(mse)


# -- adaptive pooling ----------------------------------------------------------------
def _pool_axis(x, axis, out, average):
    index, valid = op_checks.adaptive_windows(x.shape[axis], out)
    taken = jnp.take(x, index.ravel(), axis=axis)
    shape = list(x.shape)
    shape[axis:axis + 1] = list(index.shape)
    taken = taken.reshape(shape)  # (..., out, width, ...)
    if not average:
        return jnp.max(taken, axis=axis + 1)  # clamped (repeated) indices leave the max unchanged
    weights = valid / valid.sum(axis=1, keepdims=True)
    weights = weights.reshape(index.shape + (1,) * (x.ndim - axis - 1)).astype(x.dtype)
    return jnp.sum(taken * weights, axis=axis + 1)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _adaptive_pool(x, output_size, first_axis, average):
    for axis, size in enumerate(output_size, start=first_axis):
        x = _pool_axis(x, axis, size, average)
    return x


def _adaptive_args(x, output_size, data_format):
    output_size = op_checks.spatial_size(output_size, x.ndim)
    return output_size, 2 if config.standardize_data_format(data_format) == "channels_first" else 1


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average over adaptive windows so that the spatial shape becomes ``output_size``."""
    x = _float(inputs)
    return _adaptive_pool(x, *_adaptive_args(x, output_size, data_format), True)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over adaptive windows so that the spatial shape becomes ``output_size``."""
    x = t(inputs)
    return _adaptive_pool(x, *_adaptive_args(x, output_size, data_format), False)


# -- space / depth, unfold / fold ---------------------------------------------------------
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move ``block_size**2`` channel groups into ``block_size x block_size`` spatial blocks."""
    x = t(x)
    r = block_size
    if data_format == "channels_first":
        n, c, h, w = x.shape
        x = x.reshape(n, c // (r * r), r, r, h, w)  # channels read as (c, r, r), as Keras does
        return x.transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r, w * r)
    n, h, w, c = x.shape
    x = x.reshape(n, h, w, r, r, c // (r * r))  # channels read as (r, r, c)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(n, h * r, w * r, c // (r * r))


def space_to_depth(x, block_size, data_format="channels_last"):
    """Move ``block_size x block_size`` spatial blocks into the channels (inverse of depth_to_space)."""
    x = t(x)
    r = block_size
    if data_format == "channels_first":
        n, c, h, w = x.shape
        x = x.reshape(n, c, h // r, r, w // r, r)
        return x.transpose(0, 1, 3, 5, 2, 4).reshape(n, c * r * r, h // r, w // r)
    n, h, w, c = x.shape
    x = x.reshape(n, h // r, r, w // r, r, c)
    return x.transpose(0, 1, 3, 2, 4, 5).reshape(n, h // r, w // r, r * r * c)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding ``(N, C, H, W)`` blocks as columns ``(N, C * kH * kW, L)`` (im2col)."""
    return _unfold(t(x), *map(_pair, (kernel_size, dilation, padding, stride)))


@functools.partial(jax.jit, static_argnums=(1, 2, 3, 4))
def _unfold(x, kernel, dilation, padding, stride):
    n, c, h, w = x.shape
    blocks = op_checks.unfold_blocks((h, w), kernel, dilation, padding, stride)
    x = jnp.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    cols = [x[:, :, rows, cs] for _, _, rows, cs in op_checks.block_slices(blocks, kernel, dilation, stride)]
    cols = jnp.stack(cols, axis=2)  # (n, c, kH * kW, bH, bW)
    return cols.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns ``(N, C * kH * kW, L)`` back into an image ``(N, C, oH, oW)`` (col2im)."""
    return _fold(t(x), *map(_pair, (output_size, kernel_size, dilation, padding, stride)))


@functools.partial(jax.jit, static_argnums=(1, 2, 3, 4, 5))
def _fold(x, size, kernel, dilation, padding, stride):
    blocks = op_checks.unfold_blocks(size, kernel, dilation, padding, stride)
    n = x.shape[0]
    x = x.reshape(n, -1, kernel[0], kernel[1], blocks[0], blocks[1])
    out = jnp.zeros((n, x.shape[1], size[0] + 2 * padding[0], size[1] + 2 * padding[1]), x.dtype)
    for i, j, rows, cols in op_checks.block_slices(blocks, kernel, dilation, stride):
        out = out.at[:, :, rows, cols].add(x[:, :, i, j])
    return out[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]


# -- CTC -------------------------------------------------------------------------------
_LOG_ZERO = -1e30  # finite "log 0": keeps gradients of unreachable states at zero, not NaN


def _ctc_float(x):
    x = t(x)
    return x.astype(jnp.float64) if x.dtype == jnp.float64 else x.astype(jnp.float32)


def _logsumexp3(a, b, c):
    m = jnp.maximum(jnp.maximum(a, b), c)
    return m + jnp.log(jnp.exp(a - m) + jnp.exp(b - m) + jnp.exp(c - m))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC negative log-likelihood of ``target`` under the logits ``output``.

    The forward (alpha) recursion of Graves et al. (2006) over the label sequence
    with blanks between and around (``2 L + 1`` states), in log space; frames past
    ``output_length`` leave the state unchanged.  Unreachable targets give ``inf``.
    """
    output = _ctc_float(output)
    target = t(target).astype(jnp.int32)
    target_length = t(target_length).astype(jnp.int32).reshape(-1)
    output_length = t(output_length).astype(jnp.int32).reshape(-1)
    return _ctc_loss(target, output, target_length, output_length, mask_index)


@functools.partial(jax.jit, static_argnums=4)  # one compiled program instead of dozens of eager ops
def _ctc_loss(target, output, target_length, output_length, mask_index):
    batch, time, classes = output.shape
    log_probs = jax.nn.log_softmax(output, axis=-1)
    states = 2 * target.shape[1] + 1
    # Extended labels: blank, l1, blank, l2, ..., blank.
    ext = jnp.full((batch, states), mask_index, jnp.int32).at[:, 1::2].set(jnp.clip(target, 0, classes - 1))
    skip = jnp.zeros((batch, states), bool).at[:, 3::2].set(target[:, 1:] != target[:, :-1])
    emit = jnp.take_along_axis(log_probs, jnp.broadcast_to(ext[:, None, :], (batch, time, states)), axis=2)
    valid = jnp.arange(time)[:, None] < output_length[None, :]  # (time, batch)
    neg = jnp.asarray(_LOG_ZERO, output.dtype)

    def step(alpha, frame):
        emit_t, valid_t = frame
        one_back = jnp.pad(alpha[:, :-1], ((0, 0), (1, 0)), constant_values=neg)
        two_back = jnp.where(skip, jnp.pad(alpha[:, :-2], ((0, 0), (2, 0)), constant_values=neg), neg)
        new = _logsumexp3(alpha, one_back, two_back) + emit_t
        return jnp.where(valid_t[:, None], new, alpha), None

    # A virtual start state before the first frame: only position 0 is reachable.
    alpha0 = jnp.full((batch, states), neg).at[:, 0].set(0.0)
    alpha, _ = jax.lax.scan(step, alpha0, (jnp.transpose(emit, (1, 0, 2)), valid))
    last = jnp.take_along_axis(alpha, (2 * target_length)[:, None], axis=1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * target_length - 1, 0)[:, None], axis=1)[:, 0]
    log_likelihood = jnp.logaddexp(last, jnp.where(target_length > 0, before, neg))
    return jnp.where(log_likelihood < neg / 2, jnp.inf, -log_likelihood)


@functools.partial(jax.jit, static_argnums=(2, 3))
def _greedy_decode(inputs, lengths, merge_repeated, blank):
    batch, time, _ = inputs.shape
    labels = jnp.argmax(inputs, axis=-1).astype(jnp.int32)
    best = jnp.max(inputs, axis=-1)
    valid = jnp.arange(time)[None, :] < lengths[:, None]
    labels = jnp.where(valid, labels, blank)
    scores = -jnp.sum(jnp.where(valid, best, 0.0), axis=1, keepdims=True)
    if merge_repeated:
        repeat = jnp.pad(labels[:, 1:] == labels[:, :-1], ((0, 0), (1, 0)))
        labels = jnp.where(repeat, blank, labels)
    keep = labels != blank
    order = jnp.argsort(jnp.logical_not(keep).astype(jnp.int32), axis=1, stable=True)  # kept labels first
    labels = jnp.take_along_axis(jnp.where(keep, labels, -1), order, axis=1)
    return labels[None], scores


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy or beam-search CTC decoding: ``(paths (top_paths, batch, time) int32, scores)``."""
    inputs = _ctc_float(inputs)
    lengths = t(sequence_lengths).astype(jnp.int32).reshape(-1)
    blank = inputs.shape[-1] - 1 if mask_index is None else mask_index
    if strategy == "greedy":
        return _greedy_decode(inputs, lengths, merge_repeated, blank)
    batch, time, _ = inputs.shape
    log_probs = jax.nn.log_softmax(inputs, axis=-1)

    def host(log_probs, lengths):  # the beam search runs on the host, also under jit
        paths, scores = ctc_decoding.beam_search(log_probs, lengths, beam_width, top_paths, blank)
        return paths, scores.astype(log_probs.dtype)

    shapes = (jax.ShapeDtypeStruct((top_paths, batch, time), jnp.int32),
              jax.ShapeDtypeStruct((batch, top_paths), inputs.dtype))
    return jax.pure_callback(host, shapes, log_probs, lengths, vmap_method="sequential")
