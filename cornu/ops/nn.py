"""Neural-network ops: activations, crossentropies, normalization."""
import numpy as np

from cornu import backend
from cornu.ops.operation import make_op

_b = backend.nn

relu = make_op(_b.relu, "relu", "The ``relu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
relu6 = make_op(_b.relu6, "relu6", "The ``relu6`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sigmoid = make_op(_b.sigmoid, "sigmoid", "The ``sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
tanh = make_op(_b.tanh, "tanh", "The ``tanh`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softplus = make_op(_b.softplus, "softplus", "The ``softplus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softsign = make_op(_b.softsign, "softsign", "The ``softsign`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
silu = make_op(_b.silu, "silu", "The ``silu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
swish = make_op(_b.swish, "swish", "The ``swish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
log_sigmoid = make_op(_b.log_sigmoid, "log_sigmoid", "The ``log_sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
leaky_relu = make_op(_b.leaky_relu, "leaky_relu", "The ``leaky_relu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_sigmoid = make_op(_b.hard_sigmoid, "hard_sigmoid", "The ``hard_sigmoid`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_silu = make_op(_b.hard_silu, "hard_silu", "The ``hard_silu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_swish = make_op(_b.hard_swish, "hard_swish", "The ``hard_swish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
elu = make_op(_b.elu, "elu", "The ``elu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
selu = make_op(_b.selu, "selu", "The ``selu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
gelu = make_op(_b.gelu, "gelu", "The ``gelu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
celu = make_op(_b.celu, "celu", "The ``celu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
glu = make_op(_b.glu, "glu", "The ``glu`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
tanh_shrink = make_op(_b.tanh_shrink, "tanh_shrink", "The ``tanh_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_tanh = make_op(_b.hard_tanh, "hard_tanh", "The ``hard_tanh`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
soft_shrink = make_op(_b.soft_shrink, "soft_shrink", "The ``soft_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
hard_shrink = make_op(_b.hard_shrink, "hard_shrink", "The ``hard_shrink`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
mish = make_op(_b.mish, "mish", "The ``mish`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
squareplus = make_op(_b.squareplus, "squareplus", "The ``squareplus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparse_plus = make_op(_b.sparse_plus, "sparse_plus", "The ``sparse_plus`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparsemax = make_op(_b.sparsemax, "sparsemax", "The ``sparsemax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
softmax = make_op(_b.softmax, "softmax", "The ``softmax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
log_softmax = make_op(_b.log_softmax, "log_softmax", "The ``log_softmax`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
one_hot = make_op(_b.one_hot, "one_hot", "The ``one_hot`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
multi_hot = make_op(_b.multi_hot, "multi_hot", "The ``multi_hot`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
binary_crossentropy = make_op(_b.binary_crossentropy, "binary_crossentropy", "The ``binary_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
categorical_crossentropy = make_op(_b.categorical_crossentropy, "categorical_crossentropy", "The ``categorical_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
sparse_categorical_crossentropy = make_op(_b.sparse_categorical_crossentropy, "sparse_categorical_crossentropy", "The ``sparse_categorical_crossentropy`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
moments = make_op(_b.moments, "moments", "The ``moments`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
batch_normalization = make_op(_b.batch_normalization, "batch_normalization", "The ``batch_normalization`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
normalize = make_op(_b.normalize, "normalize", "The ``normalize`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")
l2_normalize = make_op(_b.l2_normalize, "l2_normalize", "The ``l2_normalize`` neural-network op; works eagerly on tensors and symbolically on KerasTensors.")

layer_normalization = make_op(_b.layer_normalization, "layer_normalization", "Layer normalization over ``axis``: ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` (``rms_scaling=True``: ``x / sqrt(var + epsilon) * gamma``), computed in float32 for half inputs.")
rms_normalization = make_op(_b.rms_normalization, "rms_normalization", "RMS normalization over ``axis``: ``x * rsqrt(mean(square(x)) + epsilon) * scale``.")

rnn = make_op(_b.rnn, "rnn", "Run ``step_function(inputs_t, states) -> (output_t, new_states)`` over the time axis of ``inputs``; returns ``(last_output, outputs, new_states)``. Supports ``go_backwards``, a ``(batch, time)`` ``mask`` (masked steps carry states and the previous output), ``unroll``, ``zero_output_for_mask`` and ``return_all_outputs``.")
lstm = make_op(_b.lstm, "lstm", "Fused LSTM (tanh/sigmoid, Keras weights ``kernel (f, 4u)``, ``recurrent_kernel (u, 4u)``, ``bias (4u,)``, gates i, f, c, o): ``lstm(inputs, h0, c0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False, zero_output_for_mask=False) -> (last_output, outputs, [h, c])``; raises ``NotImplementedError`` where the engine needs the generic ``rnn`` loop.")
gru = make_op(_b.gru, "gru", "Fused GRU (tanh/sigmoid, Keras weights, gates z, r, h; ``bias (2, 3u)`` with ``reset_after``): ``gru(inputs, h0, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, return_sequences=False, zero_output_for_mask=False, reset_after=True) -> (last_output, outputs, [h])``; raises ``NotImplementedError`` where the engine needs the generic ``rnn`` loop.")
dot_product_attention = make_op(_b.dot_product_attention, "dot_product_attention", "Scaled dot-product attention over ``(batch, time, heads, dim)`` tensors: ``softmax(q.k * scale + bias, masked by mask / is_causal) . v``; ``scale`` defaults to ``1/sqrt(dim)``.")
conv = make_op(_b.conv, "conv", "N-D convolution ``conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1)``; ``kernel`` is ``spatial + (in_channels // groups, filters)``, groups inferred from the input channels; ``'same'`` pads as TensorFlow (odd pad at the end).")
depthwise_conv = make_op(_b.depthwise_conv, "depthwise_conv", "Depthwise convolution ``depthwise_conv(inputs, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1)``; ``kernel`` is ``spatial + (in_channels, channel_multiplier)``.")
separable_conv = make_op(_b.separable_conv, "separable_conv", "Separable convolution ``separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding='valid', data_format=None, dilation_rate=1)``: depthwise then 1x1 pointwise.")
conv_transpose = make_op(_b.conv_transpose, "conv_transpose", "Transposed convolution ``conv_transpose(inputs, kernel, strides, padding='valid', output_padding=None, data_format=None, dilation_rate=1)``; ``kernel`` is ``spatial + (filters, in_channels)``; output lengths follow Keras's rules.")
max_pool = make_op(_b.max_pool, "max_pool", "Max pooling ``max_pool(inputs, pool_size, strides=None, padding='valid', data_format=None)``; ``strides`` defaults to ``pool_size``.")
average_pool = make_op(_b.average_pool, "average_pool", "Average pooling ``average_pool(inputs, pool_size, strides=None, padding='valid', data_format=None)``; with ``'same'`` padded positions are excluded from each average (TensorFlow semantics).")

__all__ = ["relu", "relu6", "sigmoid", "tanh", "softplus", "softsign", "silu", "swish", "log_sigmoid", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu", "gelu", "celu", "glu", "tanh_shrink", "hard_tanh", "soft_shrink", "hard_shrink", "mish", "squareplus", "sparse_plus", "sparsemax", "softmax", "log_softmax", "one_hot", "multi_hot", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "moments", "batch_normalization", "normalize", "l2_normalize", "layer_normalization", "rms_normalization", "rnn", "lstm", "gru", "dot_product_attention", "conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool"]


# -- Keras 3 additions: argument checks here, arithmetic in the engines (backend/<engine>/nn_extra.py) --
def _shape_of(x):
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _check_rank(x, ranks, name, op):
    shape = _shape_of(x)
    if len(shape) not in ranks:
        expected = " or ".join(str(r) for r in ranks)
        raise ValueError(f"`{op}`: argument `{name}` must have rank {expected}. Received: {name}.shape={shape}")
    return shape


def _check_int(value, name, op, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"`{op}`: argument `{name}` must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def _int_tuple(value, n, name, op, minimum):
    items = (value,) * n if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value
    try:
        items = tuple(items)
    except TypeError:
        items = None
    if items is None or len(items) != n:
        raise ValueError(f"`{op}`: argument `{name}` must be an integer or a tuple of {n} integers. "
                         f"Received: {name}={value!r}")
    return tuple(_check_int(v, name, op, minimum) for v in items)


_sparse_sigmoid = make_op(_b.sparse_sigmoid, "sparse_sigmoid")
_threshold = make_op(_b.threshold, "threshold")
_polar = make_op(_b.polar, "polar")
_psnr = make_op(_b.psnr, "psnr")
_adaptive_average_pool = make_op(_b.adaptive_average_pool, "adaptive_average_pool")
_adaptive_max_pool = make_op(_b.adaptive_max_pool, "adaptive_max_pool")
_depth_to_space = make_op(_b.depth_to_space, "depth_to_space")
_space_to_depth = make_op(_b.space_to_depth, "space_to_depth")
_unfold = make_op(_b.unfold, "unfold")
_fold = make_op(_b.fold, "fold")
_ctc_loss = make_op(_b.ctc_loss, "ctc_loss")
_ctc_decode = make_op(_b.ctc_decode, "ctc_decode")


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between."""
    return _sparse_sigmoid(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold`` and ``default_value`` elsewhere; keeps the dtype of ``x``."""
    return _threshold(x, threshold, default_value)


def polar(abs_, angle):
    """Complex numbers from magnitude and angle: ``abs_ * cos(angle) + 1j * abs_ * sin(angle)``."""
    return _polar(abs_, angle)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB over all elements:
    ``20 * log10(max_val) - 10 * log10(mean((x1 - x2) ** 2))`` (a scalar)."""
    if _shape_of(x1) != _shape_of(x2):
        raise ValueError(f"`psnr`: arguments `x1` and `x2` must have the same shape. "
                         f"Received: x1.shape={_shape_of(x1)}, x2.shape={_shape_of(x2)}")
    return _psnr(x1, x2, max_val)


def _adaptive_args(inputs, output_size, data_format, op):
    shape = _check_rank(inputs, (3, 4, 5), "inputs", op)
    return _int_tuple(output_size, len(shape) - 2, "output_size", op, 1), backend.standardize_data_format(data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed spatial size: bin ``i`` of an axis of length ``n`` averages
    elements ``floor(i n / out)`` to ``ceil((i + 1) n / out)``; 1D, 2D or 3D inputs with batch
    and channel axes; integer inputs give floats."""
    output_size, data_format = _adaptive_args(inputs, output_size, data_format, "adaptive_average_pool")
    return _adaptive_average_pool(inputs, output_size, data_format=data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed spatial size over the same bins as ``adaptive_average_pool``."""
    output_size, data_format = _adaptive_args(inputs, output_size, data_format, "adaptive_max_pool")
    return _adaptive_max_pool(inputs, output_size, data_format=data_format)


def _space_args(x, block_size, data_format, op):
    shape = _check_rank(x, (4,), "x", op)
    block_size = _check_int(block_size, "block_size", op, 2)
    data_format = backend.standardize_data_format(data_format)
    h, w, c = shape[1:] if data_format == "channels_last" else shape[2:] + shape[1:2]
    return block_size, data_format, h, w, c


def depth_to_space(x, block_size, data_format="channels_last"):
    """Rearrange ``(N, H, W, C * r * r)`` into ``(N, H * r, W * r, C)`` with ``r = block_size``.

    ``channels_last`` reads each channel vector as ``(r, r, C)`` (TensorFlow's order);
    ``channels_first`` reads it as ``(C, r, r)``, as Keras does (PyTorch's pixel shuffle).
    """
    block_size, data_format, _, _, c = _space_args(x, block_size, data_format, "depth_to_space")
    if c is not None and c % (block_size * block_size):
        raise ValueError(f"`depth_to_space`: the channels ({c}) must be divisible by block_size**2 "
                         f"({block_size * block_size}). Received: x.shape={_shape_of(x)}")
    return _depth_to_space(x, block_size, data_format=data_format)


def space_to_depth(x, block_size, data_format="channels_last"):
    """Rearrange ``(N, H * r, W * r, C)`` into ``(N, H, W, C * r * r)``; the inverse of ``depth_to_space``."""
    block_size, data_format, h, w, _ = _space_args(x, block_size, data_format, "space_to_depth")
    if any(d is not None and d % block_size for d in (h, w)):
        raise ValueError(f"`space_to_depth`: height and width must be divisible by block_size ({block_size}). "
                         f"Received: x.shape={_shape_of(x)}")
    return _space_to_depth(x, block_size, data_format=data_format)


def _patch_args(kernel_size, dilation, padding, stride, op):
    return (_int_tuple(kernel_size, 2, "kernel_size", op, 1), _int_tuple(dilation, 2, "dilation", op, 1),
            _int_tuple(padding, 2, "padding", op, 0), _int_tuple(stride, 2, "stride", op, 1))


def _block_counts(size, kernel, dilation, padding, stride, op):
    counts = tuple((size[a] + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1
                   if size[a] is not None else None for a in (0, 1))
    if any(n is not None and n < 1 for n in counts):
        raise ValueError(f"`{op}`: the dilated kernel {kernel} (dilation {dilation}) does not fit the "
                         f"padded spatial size {size} (padding {padding}).")
    return counts


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks (im2col) from ``(N, C, H, W)``: returns ``(N, C * kH * kW, L)``,
    ``L`` the number of block positions; channels are ordered ``(C, kH, kW)``."""
    shape = _check_rank(x, (4,), "x", "unfold")
    kernel, dilation, padding, stride = _patch_args(kernel_size, dilation, padding, stride, "unfold")
    _block_counts(shape[2:], kernel, dilation, padding, stride, "unfold")
    return _unfold(x, kernel, dilation=dilation, padding=padding, stride=stride)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding blocks ``(N, C * kH * kW, L)`` back into an image ``(N, C, oH, oW)`` (col2im);
    overlapping blocks add up, so ``fold(unfold(x))`` counts each pixel once per block covering it."""
    shape = _check_rank(x, (3,), "x", "fold")
    size = _int_tuple(output_size, 2, "output_size", "fold", 1)
    kernel, dilation, padding, stride = _patch_args(kernel_size, dilation, padding, stride, "fold")
    if shape[1] is not None and shape[1] % (kernel[0] * kernel[1]):
        raise ValueError(f"`fold`: x.shape[1] ({shape[1]}) must be divisible by kH * kW "
                         f"({kernel[0] * kernel[1]}). Received: x.shape={shape}")
    counts = _block_counts(size, kernel, dilation, padding, stride, "fold")
    if shape[2] is not None and shape[2] != counts[0] * counts[1]:
        raise ValueError(f"`fold`: x.shape[2] must be the number of blocks, {counts[0]} x {counts[1]} = "
                         f"{counts[0] * counts[1]} for output_size={size}. Received: x.shape={shape}")
    return _fold(x, size, kernel, dilation=dilation, padding=padding, stride=stride)


def _check_mask_index(mask_index, classes, op, allow_none=False):
    if mask_index is None and allow_none:
        return None
    mask_index = _check_int(mask_index, "mask_index", op, 0)
    if classes is not None and mask_index >= classes:
        raise ValueError(f"`{op}`: argument `mask_index` must be a class index below num_classes={classes}. "
                         f"Received: mask_index={mask_index}")
    return mask_index


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist Temporal Classification loss, one value per sequence: ``-log p(target | output)``.

    ``target`` ``(batch, max_label_length)`` integer labels (entries past ``target_length``
    are ignored), ``output`` ``(batch, max_time, num_classes)`` logits (log-softmax is applied
    here), ``target_length`` and ``output_length`` ``(batch,)``; ``mask_index`` is the blank
    class.  Unreachable targets give ``inf``.  Output dtype: float32 (float64 for float64 logits).
    """
    target_shape = _check_rank(target, (2,), "target", "ctc_loss")
    output_shape = _check_rank(output, (3,), "output", "ctc_loss")
    lengths = {"target_length": _check_rank(target_length, (1,), "target_length", "ctc_loss"),
               "output_length": _check_rank(output_length, (1,), "output_length", "ctc_loss")}
    batches = {d for d in (target_shape[0], output_shape[0], *(s[0] for s in lengths.values())) if d is not None}
    if len(batches) > 1:
        raise ValueError(f"`ctc_loss`: all arguments must have the same batch size. Received: "
                         f"target.shape={target_shape}, output.shape={output_shape}, target_length.shape="
                         f"{lengths['target_length']}, output_length.shape={lengths['output_length']}")
    mask_index = _check_mask_index(mask_index, output_shape[2], "ctc_loss")
    return _ctc_loss(target, output, target_length, output_length, mask_index=mask_index)


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decode CTC logits ``(batch, max_time, num_classes)`` into label sequences.

    Returns ``(paths, scores)``: ``paths`` ``(top_paths, batch, max_time)`` int32, each
    path's labels first and ``-1`` after; ``"greedy"`` takes the best class per frame,
    merges repeats (``merge_repeated``) and drops blanks (``mask_index``; ``None`` means
    the last class), scoring each sequence by minus the sum of its per-frame best logits;
    ``"beam_search"`` is a CTC prefix beam search over ``log_softmax(inputs)`` keeping
    ``beam_width`` prefixes, scoring each path by its log probability (it runs on the host).
    """
    shape = _check_rank(inputs, (3,), "inputs", "ctc_decode")
    _check_rank(sequence_lengths, (1,), "sequence_lengths", "ctc_decode")
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"`ctc_decode`: argument `strategy` must be 'greedy' or 'beam_search'. "
                         f"Received: strategy={strategy!r}")
    beam_width = _check_int(beam_width, "beam_width", "ctc_decode", 1)
    top_paths = _check_int(top_paths, "top_paths", "ctc_decode", 1)
    if strategy == "beam_search" and top_paths > beam_width:
        raise ValueError(f"`ctc_decode`: argument `top_paths` must not exceed beam_width={beam_width}. "
                         f"Received: top_paths={top_paths}")
    mask_index = _check_mask_index(mask_index, shape[2], "ctc_decode", allow_none=True)
    return _ctc_decode(inputs, sequence_lengths, strategy=strategy, beam_width=beam_width,
                       top_paths=top_paths if strategy == "beam_search" else 1,
                       merge_repeated=bool(merge_repeated), mask_index=mask_index)


__all__ += ["sparse_sigmoid", "threshold", "polar", "psnr", "adaptive_average_pool", "adaptive_max_pool",
            "depth_to_space", "space_to_depth", "unfold", "fold", "ctc_loss", "ctc_decode"]
