"""Colour-space image ops: ``rgb_to_grayscale``, ``rgb_to_hsv``, ``hsv_to_rgb``.

Channels are the last axis (``channels_last``) or axis ``-3``
(``channels_first``); one image (rank 3) or a batch (rank 4).  HSV values lie in
``[0, 1]``: hue 0 is red, 1/3 green, 2/3 blue.
"""
import numpy as np

from cornu import backend
from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.image_base import check_rank, compute_dtype, dtype_of, image_op

# ITU-R BT.601 luma weights (the ones TensorFlow and Keras use).
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}


def _channel_axis(data_format):
    return -1 if backend.standardize_data_format(data_format) == "channels_last" else -3


def _check_channels(images, axis, allowed, op):
    channels = images.shape[axis]
    if channels is not None and channels not in allowed:
        raise ValueError(
            f"{op}: invalid channel size: expected {' or '.join(str(a) for a in allowed)} channels on "
            f"axis {axis}. Received input with shape: images.shape={tuple(images.shape)}"
        )


def _check_float(images, op):
    dtype = dtype_of(images)
    if not backend.is_float_dtype(dtype):
        raise ValueError(
            f"{op}: invalid images dtype: expected a float dtype (values in [0, 1]). "
            f"Received: images.dtype={dtype}"
        )


def _planes(images, axis):
    """The three colour planes of ``images`` along ``axis``, each without that axis."""
    return [_np.take(images, i, axis=axis) for i in range(3)]


def _rgb_to_grayscale(images, data_format=None):
    axis = _channel_axis(data_format)
    images = _core.convert_to_tensor(images)
    check_rank(images, "rgb_to_grayscale")
    _check_channels(images, axis, (1, 3), "rgb_to_grayscale")
    if int(images.shape[axis]) == 1:
        return images
    dtype = dtype_of(images)
    x = _core.cast(images, compute_dtype(dtype))
    weights = _core.convert_to_tensor(np.asarray(GRAY_WEIGHTS, compute_dtype(dtype)))
    gray = _np.tensordot(x, weights, axes=([len(x.shape) + axis], [0]))  # channel axis contracted
    return _core.cast(_np.expand_dims(gray, axis), dtype)


def _rgb_to_hsv(images, data_format=None):
    axis = _channel_axis(data_format)
    images = _core.convert_to_tensor(images)
    check_rank(images, "rgb_to_hsv")
    _check_float(images, "rgb_to_hsv")
    _check_channels(images, axis, (3,), "rgb_to_hsv")
    dtype = dtype_of(images)
    x = _core.cast(images, compute_dtype(dtype))
    x = _np.where(_np.abs(x) < _EPS[dtype], 0.0, x)  # flush values within machine epsilon of zero
    red, green, blue = _planes(x, axis)
    value = _np.maximum(_np.maximum(red, green), blue)
    spread = value - _np.minimum(_np.minimum(red, green), blue)
    saturation = _np.where(value > 0, spread / _np.where(value > 0, value, 1.0), 0.0)
    inv = 1.0 / (6.0 * _np.where(spread > 0, spread, 1.0))
    # The largest channel picks the hue sector; red wins ties, then green.
    hue = _np.where(value == green, (blue - red) * inv + 1.0 / 3.0, (red - green) * inv + 2.0 / 3.0)
    hue = _np.where(value == red, (green - blue) * inv, hue)
    hue = _np.where(hue < 0.0, hue + 1.0, hue)
    hue = _np.where(spread > 0, hue, 0.0)
    return _core.cast(_np.stack([hue, saturation, value], axis=axis), dtype)


def _hsv_to_rgb(images, data_format=None):
    axis = _channel_axis(data_format)
    images = _core.convert_to_tensor(images)
    check_rank(images, "hsv_to_rgb")
    _check_float(images, "hsv_to_rgb")
    _check_channels(images, axis, (3,), "hsv_to_rgb")
    dtype = dtype_of(images)
    hue, saturation, value = _planes(_core.cast(images, compute_dtype(dtype)), axis)
    sector = _np.mod(hue, 1.0) * 6.0  # position on the colour wheel, in [0, 6)
    weights = (
        _np.clip(_np.abs(sector - 3.0) - 1.0, 0.0, 1.0),  # red
        _np.clip(2.0 - _np.abs(sector - 2.0), 0.0, 1.0),  # green
        _np.clip(2.0 - _np.abs(sector - 4.0), 0.0, 1.0),  # blue
    )
    rgb = [value * (1.0 - saturation + saturation * w) for w in weights]
    return _core.cast(_np.stack(rgb, axis=axis), dtype)


rgb_to_grayscale = image_op(_rgb_to_grayscale, "rgb_to_grayscale", (
    "Convert RGB images to grayscale with the weights ``(0.2989, 0.5870, 0.1140)``.\n\n"
    "Args: images (rank 3 or 4, 3 channels; 1-channel images are returned as they are), "
    "data_format. The output has one channel and the input's dtype (integer results truncated)."),
    static=("data_format",))
rgb_to_hsv = image_op(_rgb_to_hsv, "rgb_to_hsv", (
    "Convert float RGB images with values in ``[0, 1]`` to HSV, every channel in ``[0, 1]``.\n\n"
    "Args: images (rank 3 or 4, 3 channels, float dtype), data_format."), static=("data_format",))
hsv_to_rgb = image_op(_hsv_to_rgb, "hsv_to_rgb", (
    "Convert float HSV images (values in ``[0, 1]``) to RGB.\n\n"
    "Args: images (rank 3 or 4, 3 channels, float dtype), data_format."), static=("data_format",))

__all__ = ["rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb"]
