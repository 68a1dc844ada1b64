"""Cropping, padding and patch extraction: ``crop_images``, ``pad_images``,
``extract_patches``, ``extract_patches_3d``.

All are exact (pure indexing), keep the input dtype and work for every dtype.
Patches are laid out as Keras (and TensorFlow) lay them out: the feature index of
patch element ``(i, j)`` and channel ``ch`` is ``(i * patch_width + j) * channels + ch``.
"""
import itertools

from cornu import backend
from cornu.backend import KerasTensor
from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.image_base import check_rank, image_op

# -- crop_images / pad_images -------------------------------------------------------------------


def _check_amounts(op, names, values):
    given = [v for v in values if v is not None]
    if len(given) != 2:
        raise ValueError(
            f"{op}: must specify exactly two of {', '.join(names)}. Received: "
            + ", ".join(f"{n}={v!r}" for n, v in zip(names, values))
        )
    for name, value in zip(names, values):
        if value is None:
            continue
        if isinstance(value, bool) or not hasattr(value, "__index__"):
            raise TypeError(f"{op}: `{name}` must be an int. Received: {name}={value!r}")
        if int(value) < 0:
            raise ValueError(f"{op}: {name} must be >= 0. Received: {name}={value}")


def _split(op, padding, size, before, after, target, names):
    """Resolve ``(before, after, target)`` along one axis of length ``size`` (None: unknown).

    Padding: ``target = before + size + after``; cropping: ``size = before + target + after``.
    Returns the three amounts, with None where ``size`` is unknown and they depend on it.
    """
    _check_amounts(op, names, (before, after, target))
    before, after, target = (None if v is None else int(v) for v in (before, after, target))
    if size is None:
        if target is None and padding:
            return before, after, None
        if target is None:
            raise ValueError(
                f"{op}: when the image {names[2].split('_')[1]} is unknown, `{names[2]}` must be given. "
                f"Received: {names[2]}=None"
            )
        return before, after, target
    sign = 1 if padding else -1
    if target is None:
        target = size + sign * (before + after)
    elif before is None:
        before = sign * (target - size) - after
    else:
        after = sign * (target - size) - before
    for name, value in zip(names, (before, after, target)):
        if value < 0:
            raise ValueError(
                f"{op}: {name} must be >= 0. Received: {name}={value} (computed for an image "
                f"{names[2].split('_')[1]} of {size})"
            )
    return before, after, target


def _spatial_axes(rank, data_format):
    data_format = backend.standardize_data_format(data_format)
    return (rank - 3, rank - 2) if data_format == "channels_last" else (rank - 2, rank - 1)


_PAD_NAMES = (("top_padding", "bottom_padding", "target_height"),
              ("left_padding", "right_padding", "target_width"))
_CROP_NAMES = (("top_cropping", "bottom_cropping", "target_height"),
               ("left_cropping", "right_cropping", "target_width"))


def _plans(images, op, padding, amounts, data_format):
    check_rank(images, op)
    axes = _spatial_axes(len(images.shape), data_format)
    names = _PAD_NAMES if padding else _CROP_NAMES
    return axes, [_split(op, padding, images.shape[axis], *amount, names=name)
                  for axis, amount, name in zip(axes, amounts, names)]


def _pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
                target_height=None, target_width=None, data_format=None):
    images = _core.convert_to_tensor(images)
    amounts = ((top_padding, bottom_padding, target_height), (left_padding, right_padding, target_width))
    axes, plans = _plans(images, "pad_images", True, amounts, data_format)
    pad_width = [(0, 0)] * len(images.shape)
    for axis, (before, after, _) in zip(axes, plans):
        pad_width[axis] = (before, after)
    return _np.pad(images, pad_width)


def _crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                 target_height=None, target_width=None, data_format=None):
    images = _core.convert_to_tensor(images)
    amounts = ((top_cropping, bottom_cropping, target_height), (left_cropping, right_cropping, target_width))
    axes, plans = _plans(images, "crop_images", False, amounts, data_format)
    key = [slice(None)] * len(images.shape)
    for axis, (before, _, target) in zip(axes, plans):
        key[axis] = slice(before, before + target)
    return images[tuple(key)]


def _shape_spec(images, op, padding, amounts, data_format):
    axes, plans = _plans(images, op, padding, amounts, data_format)
    shape = list(images.shape)
    for axis, (_, _, target) in zip(axes, plans):
        shape[axis] = target
    return KerasTensor(tuple(shape), dtype=images.dtype)


def _pad_spec(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
              target_height=None, target_width=None, data_format=None):
    amounts = ((top_padding, bottom_padding, target_height), (left_padding, right_padding, target_width))
    return _shape_spec(images, "pad_images", True, amounts, data_format)


def _crop_spec(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
               target_height=None, target_width=None, data_format=None):
    amounts = ((top_cropping, bottom_cropping, target_height), (left_cropping, right_cropping, target_width))
    return _shape_spec(images, "crop_images", False, amounts, data_format)


# -- extract_patches ----------------------------------------------------------------------------


def _tuple(value, n, name, op):
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * n
    if not isinstance(value, (tuple, list)) or len(value) != n or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value):
        raise ValueError(f"{op}: `{name}` must be a positive int or a tuple of {n} positive ints. "
                         f"Received: {name}={value!r}")
    return tuple(int(v) for v in value)


def _patches(images, size, strides, dilation_rate, padding, data_format, n, op):
    """Patches of ``n`` spatial dims; ``images`` has rank ``n + 1`` (single) or ``n + 2`` (batch)."""
    data_format = backend.standardize_data_format(data_format)
    size = _tuple(size, n, "size", op)
    strides = size if strides is None else _tuple(strides, n, "strides", op)
    dilation = _tuple(dilation_rate, n, "dilation_rate", op)
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{op}: `padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    x = _core.convert_to_tensor(images)
    if len(x.shape) not in (n + 1, n + 2):
        raise ValueError(
            f"{op}: invalid images rank: expected rank {n + 1} (single) or {n + 2} (batch) for "
            f"{n}D patches. Received input with shape: images.shape={tuple(x.shape)}")
    unbatched = len(x.shape) == n + 1
    if unbatched:
        x = _np.expand_dims(x, 0)
    if data_format == "channels_first":
        x = _np.moveaxis(x, 1, -1)  # (b, c, ...) -> (b, ..., c)
    spatial = [int(d) for d in x.shape[1:-1]]
    spans = [(k - 1) * d + 1 for k, d in zip(size, dilation)]  # extent of one dilated patch
    if mode == "same":
        outs = [-(-s // st) for s, st in zip(spatial, strides)]
        totals = [max((o - 1) * st + span - s, 0) for o, st, span, s in zip(outs, strides, spans, spatial)]
        x = _np.pad(x, [(0, 0)] + [(t // 2, t - t // 2) for t in totals] + [(0, 0)])
    else:
        if any(span > s for span, s in zip(spans, spatial)):
            raise ValueError(
                f"{op}: patches of size {size} (dilation {dilation}) do not fit in images of spatial "
                f"shape {tuple(spatial)} with padding='valid'.")
        outs = [(s - span) // st + 1 for s, span, st in zip(spatial, spans, strides)]
    if strides == size and dilation == (1,) * n:
        # Non-overlapping patches: one reshape and transpose.
        x = x[(slice(None),) + tuple(slice(0, o * k) for o, k in zip(outs, size))]
        split = [int(x.shape[0])] + [v for o, k in zip(outs, size) for v in (o, k)] + [int(x.shape[-1])]
        x = _np.reshape(x, split)  # (b, o1, k1, o2, k2, ..., c)
        order = [0] + [1 + 2 * i for i in range(n)] + [2 + 2 * i for i in range(n)] + [2 * n + 1]
        x = _np.transpose(x, order)  # (b, o1, o2, ..., k1, k2, ..., c)
        out = _np.reshape(x, [int(x.shape[0])] + outs + [-1])
    else:
        pieces = []
        for offset in itertools.product(*(range(k) for k in size)):
            key = tuple(slice(i * d, i * d + (o - 1) * st + 1, st)
                        for i, d, o, st in zip(offset, dilation, outs, strides))
            pieces.append(x[(slice(None),) + key])  # (b, o1, o2, ..., c) for this patch element
        out = _np.concatenate(pieces, axis=-1) if len(pieces) > 1 else pieces[0]
    if data_format == "channels_first":
        out = _np.moveaxis(out, -1, 1)
    return _np.squeeze(out, 0) if unbatched else out


def _extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    if isinstance(size, bool) or not isinstance(size, (int, tuple, list)):
        raise TypeError(f"extract_patches: `size` must be an int or a tuple. Received: size={size!r} "
                        f"of type {type(size).__name__}")
    if isinstance(size, (tuple, list)) and len(size) not in (2, 3):
        raise ValueError(f"extract_patches: `size` must be a tuple of length 2 or 3. Received: size={size!r}")
    n = 3 if isinstance(size, (tuple, list)) and len(size) == 3 else 2
    return _patches(images, size, strides, dilation_rate, padding, data_format, n, "extract_patches")


def _extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d")


crop_images = image_op(_crop_images, "crop_images", (
    "Crop images along height and width.\n\n"
    "Give exactly two of ``top_cropping``, ``bottom_cropping``, ``target_height`` and two of "
    "``left_cropping``, ``right_cropping``, ``target_width``. Args: images (rank 3 or 4), the "
    "amounts (non-negative ints), data_format."), spec=_crop_spec)
pad_images = image_op(_pad_images, "pad_images", (
    "Pad images with zeros along height and width.\n\n"
    "Give exactly two of ``top_padding``, ``bottom_padding``, ``target_height`` and two of "
    "``left_padding``, ``right_padding``, ``target_width``. Args: images (rank 3 or 4), the "
    "amounts (non-negative ints), data_format."), spec=_pad_spec)
extract_patches = image_op(_extract_patches, "extract_patches", (
    "Extract patches of ``size`` from images into the channel axis.\n\n"
    "``size`` is an int or ``(height, width)`` for 2D patches of rank 3/4 images, or "
    "``(depth, height, width)`` for 3D patches of rank 4/5 volumes. Args: images, size, strides "
    "(default ``size``: non-overlapping), dilation_rate, padding (``'valid'`` or ``'same'``), "
    "data_format. Output: ``(batch, out_h, out_w, h*w*channels)`` (channels first: features on axis 1)."),
    static=("size", "strides", "dilation_rate", "padding", "data_format"))
extract_patches_3d = image_op(_extract_patches_3d, "extract_patches_3d", (
    "Extract 3D patches of ``size`` (int or ``(depth, height, width)``) from volumes of rank 4 or 5.\n\n"
    "Args: volumes, size, strides (default ``size``), dilation_rate, padding (``'valid'`` or "
    "``'same'``), data_format. Output: ``(batch, out_d, out_h, out_w, d*h*w*channels)``."),
    static=("size", "strides", "dilation_rate", "padding", "data_format"))

__all__ = ["crop_images", "pad_images", "extract_patches", "extract_patches_3d"]
