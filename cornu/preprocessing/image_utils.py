"""Image files and arrays: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``,
``smart_resize`` (Keras's ``keras.utils`` / ``keras.preprocessing.image`` helpers), with Pillow."""
import io
import pathlib
import warnings

import numpy as np

from cornu import backend

# Pillow resampling filters by Keras name.
_PIL_FILTERS = {"nearest": "NEAREST", "bilinear": "BILINEAR", "bicubic": "BICUBIC", "hamming": "HAMMING",
                "box": "BOX", "lanczos": "LANCZOS"}


def _pil():
    try:
        from PIL import Image  # noqa: PLC0415 - optional dependency, needed only here
    except ImportError as e:  # pragma: no cover - Pillow is a declared dependency
        raise ImportError("Image files need Pillow: `pip install pillow`.") from e
    return Image


def _data_format(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format!r}; expected 'channels_first' or 'channels_last'.")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3D array ``(height, width, channels)`` (or channels first) as a Pillow image.

    Args:
        x: the image array; 1 (grayscale), 3 (RGB) or 4 (RGBA) channels.
        data_format: where the channels are; default the configured format.
        scale: rescale the values to ``[0, 255]`` (``x - min``, divided by
            the new max, times 255).
        dtype: the float type used for the arithmetic (default ``floatx()``).
    """
    data_format = _data_format(data_format)
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected an image array of rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x = x / x_max
        x = x * 255
    image = _pil()
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit signed integer grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image as a 3D float array (``(h, w, c)`` or ``(c, h, w)``)."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape) if data_format == "channels_first" else x.reshape(x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to ``path`` (format from ``file_format`` or the file name)."""
    data_format = _data_format(data_format)
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.", UserWarning,
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Load an image file into a Pillow image.

    Args:
        path: a path (``str``/``pathlib.Path``) or a binary file object.
        color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
        target_size: ``(height, width)`` to resize to, or None.
        interpolation: ``"nearest"``, ``"bilinear"``, ``"bicubic"``,
            ``"hamming"``, ``"box"`` or ``"lanczos"``.
        keep_aspect_ratio: crop the centre to the target aspect ratio first.
    """
    image = _pil()
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):  # keep 16/32-bit grayscale as it is
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        size = (target_size[1], target_size[0])  # Pillow speaks (width, height)
        if img.size != size:
            if interpolation not in _PIL_FILTERS:
                raise ValueError(f"Invalid interpolation method {interpolation!r}; supported: "
                                 f"{', '.join(_PIL_FILTERS)}")
            resample = getattr(image, "Resampling", image)
            resample = getattr(resample, _PIL_FILTERS[interpolation])
            if keep_aspect_ratio:
                width, height = img.size
                target_width, target_height = size
                crop_height = min(height, (width * target_height) // target_width)
                crop_width = min(width, (height * target_width) // target_height)
                top = (height - crop_height) // 2
                left = (width - crop_width) // 2
                img = img.resize(size, resample, box=(left, top, left + crop_width, top + crop_height))
            else:
                img = img.resize(size, resample)
    return img


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", backend_module=None):
    """Resize an image (or batch) to ``size`` without distorting it: crop the largest centred
    region with the target aspect ratio, then resize it (half-pixel bilinear by default).

    NumPy in, NumPy out; engine tensors in, engine tensors out.
    """
    from cornu import ops  # noqa: PLC0415

    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    was_numpy = isinstance(x, np.ndarray) or not backend.is_tensor(x)
    img = backend.convert_to_tensor(np.asarray(x, dtype=backend.floatx()) if was_numpy else x)
    if len(img.shape) not in (3, 4):
        raise ValueError("Expected an image array with shape `(height, width, channels)`, or "
                         f"`(batch_size, height, width, channels)`, but got input with incorrect rank, "
                         f"of shape {tuple(img.shape)}.")
    if data_format == "channels_last":
        height, width = img.shape[-3], img.shape[-2]
    else:
        height, width = img.shape[-2], img.shape[-1]
    target_height, target_width = size
    crop_height = min(height, int(float(width * target_height) / target_width))
    crop_width = min(width, int(float(height * target_width) / target_height))
    top = int(float(height - crop_height) / 2)
    left = int(float(width - crop_width) / 2)
    rows, cols = slice(top, top + crop_height), slice(left, left + crop_width)
    if data_format == "channels_last":
        img = img[..., rows, cols, :]
    else:
        img = img[..., rows, cols]
    img = ops.image.resize(img, size=tuple(size), interpolation=interpolation, data_format=data_format)
    return backend.convert_to_numpy(img) if was_numpy else img


__all__ = ["array_to_img", "img_to_array", "save_img", "load_img", "smart_resize"]
