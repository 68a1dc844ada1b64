"""Image ops (``cornu.ops.image``), written once over ``cornu.ops``: resizing and affine warps here;
colour (``image_color``), cropping and patches (``image_patches``), filters (``image_filters``) and
resampling (``image_warp``) in their own modules, all re-exported.

Conventions follow Keras 3 (and TensorFlow): images are ``(batch, height,
width, channels)`` (or ``channels_first``), resizing uses half-pixel centers
without antialiasing, and affine transforms map *output* pixel ``(x, y)`` to
*input* point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with
``k = c0 x + c1 y + 1``, for ``transform = [a0, a1, a2, b0, b1, b2, c0, c1]``.
"""
import numpy as np

from cornu import backend
from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.image_base import FILL_MODES, INTERPOLATIONS, image_op
from cornu.ops.image_base import from_channels_last as _from_channels_last
from cornu.ops.image_base import to_channels_last as _to_channels_last
from cornu.ops.image_base import to_float as _float
from cornu.ops.image_color import hsv_to_rgb, rgb_to_grayscale, rgb_to_hsv
from cornu.ops.image_filters import gaussian_blur, sobel_edges, ssim
from cornu.ops.image_patches import crop_images, extract_patches, extract_patches_3d, pad_images
from cornu.ops.image_warp import elastic_transform, map_coordinates, perspective_transform, sample, \
    scale_and_translate

RESIZE_INTERPOLATIONS = ("bilinear", "nearest")
AFFINE_INTERPOLATIONS = INTERPOLATIONS


def _linear_taps(in_size, out_size):
    """Half-pixel bilinear taps along one axis: (lower index, upper index, upper weight)."""
    scale = in_size / out_size
    src = (np.arange(out_size, dtype=np.float64) + 0.5) * scale - 0.5
    src = np.clip(src, 0.0, in_size - 1)
    lower = np.floor(src).astype("int32")
    upper = np.minimum(lower + 1, in_size - 1).astype("int32")
    return lower, upper, (src - lower).astype("float32")


def _nearest_taps(in_size, out_size):
    scale = in_size / out_size
    idx = np.floor((np.arange(out_size, dtype=np.float64) + 0.5) * scale).astype("int32")
    return np.minimum(idx, in_size - 1)


def _resize_axis(x, axis, out_size, interpolation):
    in_size = int(x.shape[axis])
    if in_size == out_size:
        return x
    if interpolation == "nearest":
        return _np.take(x, _nearest_taps(in_size, out_size), axis=axis)
    lower, upper, weight = _linear_taps(in_size, out_size)
    shape = [1] * len(x.shape)
    shape[axis] = out_size
    weight = _core.cast(np.reshape(weight, shape), backend.standardize_dtype(x.dtype))
    lo = _np.take(x, lower, axis=axis)
    hi = _np.take(x, upper, axis=axis)
    return lo + (hi - lo) * weight


def _resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
            pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    data_format = backend.standardize_data_format(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"resize: invalid value for argument `interpolation`. Expected one of "
            f"{RESIZE_INTERPOLATIONS}. Received: interpolation={interpolation!r}"
        )
    if antialias:
        raise NotImplementedError("resize: `antialias=True` is not supported yet; pass antialias=False.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True.")
    if fill_mode != "constant":
        raise ValueError(f"resize: only fill_mode='constant' is supported. Received: fill_mode={fill_mode!r}")
    if len(size) != 2 or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
        raise ValueError(f"resize: `size` must be a pair of positive ints. Received: size={size!r}")
    target_h, target_w = int(size[0]), int(size[1])
    x, unbatched = _to_channels_last(images, data_format, "resize")
    x = _float(x)
    height, width = int(x.shape[1]), int(x.shape[2])
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
        crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
        top, left = int(float(height - crop_h) / 2), int(float(width - crop_w) / 2)
        x = x[:, top:top + crop_h, left:left + crop_w, :]
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(float(width * target_h) / target_w))
        pad_w = max(width, int(float(height * target_w) / target_h))
        top, left = int(float(pad_h - height) / 2), int(float(pad_w - width) / 2)
        x = _np.pad(x, [(0, 0), (top, pad_h - height - top), (left, pad_w - width - left), (0, 0)],
                    constant_values=fill_value)
    x = _resize_axis(x, 1, target_h, interpolation)  # (b, h, w, c) -> (b, H, w, c)
    x = _resize_axis(x, 2, target_w, interpolation)  # (b, H, w, c) -> (b, H, W, c)
    return _from_channels_last(x, data_format, unbatched)


def _affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                      data_format=None):
    data_format = backend.standardize_data_format(data_format)
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError(
            f"affine_transform: invalid value for argument `interpolation`. Expected one of "
            f"{AFFINE_INTERPOLATIONS}. Received: interpolation={interpolation!r}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"affine_transform: invalid value for argument `fill_mode`. Expected one of {FILL_MODES}. "
            f"Received: fill_mode={fill_mode!r}"
        )
    x, unbatched = _to_channels_last(images, data_format, "affine_transform")
    x = _float(x)
    transform = _core.convert_to_tensor(transform)
    if len(transform.shape) not in (1, 2) or int(transform.shape[-1]) != 8:
        raise ValueError(
            "affine_transform: `transform` must have shape (8,) or (batch, 8). Received: "
            f"transform.shape={tuple(transform.shape)}"
        )
    if len(transform.shape) == 1:
        transform = _np.expand_dims(transform, 0)  # (8,) -> (1, 8)
    transform = _core.cast(transform, "float32")
    batch, height, width, _ = (int(d) for d in x.shape)
    if int(transform.shape[0]) not in (1, batch):
        raise ValueError(
            f"affine_transform: got {int(transform.shape[0])} transforms for {batch} images."
        )
    grid_y, grid_x = np.meshgrid(np.arange(height, dtype="float32"), np.arange(width, dtype="float32"),
                                 indexing="ij")
    gx = _core.convert_to_tensor(grid_x[None])  # (1, H, W)
    gy = _core.convert_to_tensor(grid_y[None])
    t = [_np.reshape(transform[:, i], (-1, 1, 1)) for i in range(8)]  # 8 x (b, 1, 1)
    k = t[6] * gx + t[7] * gy + 1.0
    x_in = (t[0] * gx + t[1] * gy + t[2]) / k  # (b, H, W)
    y_in = (t[3] * gx + t[4] * gy + t[5]) / k
    if int(x_in.shape[0]) != batch:
        x_in = _np.broadcast_to(x_in, (batch, height, width))
        y_in = _np.broadcast_to(y_in, (batch, height, width))
    out = sample(x, y_in, x_in, interpolation, fill_mode, fill_value)
    return _from_channels_last(out, data_format, unbatched)


resize = image_op(_resize, "resize", (
    "Resize images to ``size=(height, width)`` with half-pixel centers (TensorFlow/Keras 3 "
    "semantics, no antialiasing).\n\n"
    "Args: images (rank 3 or 4), size, interpolation (``'bilinear'`` or ``'nearest'``), "
    "antialias (False only), crop_to_aspect_ratio, pad_to_aspect_ratio, fill_mode "
    "(``'constant'``), fill_value, data_format."),
    static=("size", "interpolation", "antialias", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode",
            "fill_value", "data_format"))
affine_transform = image_op(_affine_transform, "affine_transform", (
    "Warp images with affine/projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` "
    "mapping output pixels to input points.\n\n"
    "Args: images (rank 3 or 4), transform ((8,) or (batch, 8)), interpolation "
    "(``'bilinear'`` or ``'nearest'``), fill_mode (``'constant'``, ``'nearest'``, ``'wrap'``, "
    "``'mirror'``, ``'reflect'``), fill_value, data_format."),
    static=("interpolation", "fill_mode", "data_format"))

__all__ = ["resize", "affine_transform", "rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "crop_images",
           "pad_images", "extract_patches", "extract_patches_3d", "gaussian_blur", "sobel_edges", "ssim",
           "map_coordinates", "perspective_transform", "elastic_transform", "scale_and_translate"]
