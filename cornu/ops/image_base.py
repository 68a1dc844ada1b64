"""Shared helpers of the image ops (``cornu.ops.image``): layouts, checks, dtypes, kernels.

Every image op accepts one image (rank 3) or a batch (rank 4) in
``channels_last`` or ``channels_first`` layout; the helpers here move both to a
batched ``channels_last`` tensor and back, so each op is written once.
"""
import itertools

import numpy as np

from cornu import backend
from cornu.backend import any_symbolic_tensors
from cornu.ops import core as _core
from cornu.ops import nn as _nn
from cornu.ops import numpy as _np
from cornu.ops.operation import FunctionOperation, make_op

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = ("bilinear", "nearest")


def check_rank(images, op, name="images", ranks=(3, 4)):
    """Raise a ValueError unless ``images`` has one of ``ranks``."""
    if len(images.shape) not in ranks:
        wanted = {3: "rank 3 (single image)", 4: "rank 4 (batch of images)"}
        raise ValueError(
            f"{op}: invalid {name} rank: expected {' or '.join(wanted[r] for r in ranks)}. "
            f"Received input with shape: {name}.shape={tuple(images.shape)}"
        )


def check_choice(op, name, value, choices):
    """Raise a ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"{op}: invalid value for argument `{name}`. Expected one of {choices}. "
            f"Received: {name}={value!r}"
        )


def to_channels_last(images, data_format, op):
    """``images`` as a batched channels-last tensor, and whether it came unbatched."""
    images = _core.convert_to_tensor(images)
    check_rank(images, op)
    unbatched = len(images.shape) == 3
    if unbatched:
        images = _np.expand_dims(images, 0)  # (h, w, c) -> (1, h, w, c)
    if data_format == "channels_first":
        images = _np.transpose(images, (0, 2, 3, 1))  # (b, c, h, w) -> (b, h, w, c)
    return images, unbatched


def from_channels_last(images, data_format, unbatched):
    """Undo ``to_channels_last``."""
    if data_format == "channels_first":
        images = _np.transpose(images, (0, 3, 1, 2))  # (b, h, w, c) -> (b, c, h, w)
    if unbatched:
        images = _np.squeeze(images, 0)
    return images


def dtype_of(x):
    return backend.standardize_dtype(x.dtype)


def compute_dtype(dtype):
    """The float dtype an op computes in for inputs of ``dtype`` (float32 for ints and halves)."""
    return dtype if dtype in ("float32", "float64") else "float32"


def to_float(images):
    """``images`` as floats: float dtypes kept, others cast to float32."""
    return images if backend.is_float_dtype(dtype_of(images)) else _core.cast(images, "float32")


def round_half_away(x):
    """Round to the nearest integer, halves away from zero (as ``scipy.ndimage``)."""
    return _np.sign(x) * _np.floor(_np.abs(x) + 0.5)


def restore_dtype(x, dtype):
    """Cast a float result back to the input ``dtype`` (integers rounded, then clipped to range)."""
    if backend.is_float_dtype(dtype):
        return _core.cast(x, dtype)
    if dtype != "bool":
        info = np.iinfo(dtype)
        x = _np.clip(round_half_away(x), float(info.min), float(info.max))
    return _core.cast(x, dtype)


def gaussian_kernel_1d(size, sigma, dtype):
    """A normalised Gaussian of ``size`` taps centred at ``(size - 1) / 2``; ``sigma`` may be a tensor."""
    offsets = np.arange(size, dtype="float64") - (size - 1) / 2.0
    offsets = _core.convert_to_tensor(offsets.astype(dtype))
    sigma = _core.cast(sigma, dtype)
    kernel = _np.exp(-0.5 * _np.square(offsets / sigma))
    return kernel / _np.sum(kernel)


def depthwise(x, kernel, padding="same"):
    """Filter every channel of channels-last ``x`` (b, h, w, c) with the same ``kernel``:
    ``(kh, kw)``, or ``(kh, kw, m)`` for ``m`` filters per channel (output channel ``ch * m + i``).
    ``'same'`` pads with zeros, as TensorFlow (an even kernel's extra row/column at the end)."""
    channels = int(x.shape[-1])
    kh, kw = int(kernel.shape[0]), int(kernel.shape[1])
    m = int(kernel.shape[2]) if len(kernel.shape) == 3 else 1
    kernel = _core.cast(kernel, dtype_of(x))
    if backend.image.SHIFTED_SUM_FILTERS:
        return _shifted_sums(x, _np.reshape(kernel, (kh, kw, m)), padding)
    kernel = _np.broadcast_to(_np.reshape(kernel, (kh, kw, 1, m)), (kh, kw, channels, m))
    return _nn.depthwise_conv(x, kernel, strides=1, padding=padding, data_format="channels_last")


def _shifted_sums(x, kernel, padding):
    """``depthwise`` as a sum of shifted slices of ``x`` weighted by the ``(kh, kw, m)`` kernel taps."""
    kh, kw, m = (int(d) for d in kernel.shape)
    if padding == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        x = _np.pad(x, [(0, 0), (top, kh - 1 - top), (left, kw - 1 - left), (0, 0)])
    out_h, out_w = int(x.shape[1]) - kh + 1, int(x.shape[2]) - kw + 1
    outs = []
    for f in range(m):
        acc = None
        for i, j in itertools.product(range(kh), range(kw)):
            term = x[:, i:i + out_h, j:j + out_w, :] * kernel[i, j, f]
            acc = term if acc is None else acc + term
        outs.append(acc)
    if m == 1:
        return outs[0]
    out = _np.stack(outs, axis=-1)  # (b, h, w, c, m)
    return _np.reshape(out, tuple(int(d) for d in out.shape[:3]) + (-1,))  # -> (b, h, w, c*m)


def gaussian_filter(x, size_y, sigma_y, size_x, sigma_x, padding="same"):
    """Separable Gaussian filtering of channels-last ``x``: a column pass, then a row pass."""
    dtype = dtype_of(x)
    x = depthwise(x, _np.reshape(gaussian_kernel_1d(size_y, sigma_y, dtype), (size_y, 1)), padding)
    return depthwise(x, _np.reshape(gaussian_kernel_1d(size_x, sigma_x, dtype), (1, size_x)), padding)


class _SpecOperation(FunctionOperation):
    """A ``FunctionOperation`` whose output spec comes from a hand-written rule."""

    def __init__(self, fn, name, spec):
        super().__init__(fn, name)
        self._spec = spec

    def compute_output_spec(self, *args, **kwargs):
        return self._spec(*args, **kwargs)


def image_op(fn, name, doc, spec=None, static=None):
    """Like ``make_op``; ``spec(*args, **kwargs) -> KerasTensor`` replaces shape inference when given
    (for ops whose output shape cannot be found by running ``fn`` on placeholder sizes).  With
    ``static`` (the names of the non-tensor arguments) the engine may compile ``fn`` as one program."""
    if static is not None:
        fn = backend.image.compile_composite(fn, static)
    if spec is None:
        return make_op(fn, name, doc)

    def op(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return _SpecOperation(fn, name, spec)(*args, **kwargs)
        return fn(*args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    op.__wrapped__ = fn
    return op
