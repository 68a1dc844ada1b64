"""Filtering image ops: ``gaussian_blur``, ``sobel_edges``, ``ssim``.

Each channel is filtered on its own (a depthwise convolution); borders are
zero-padded (``'same'``, TensorFlow's split of an even kernel's padding) for
the blur and the Sobel filters, and left out (``'valid'``) for SSIM.
"""
import numpy as np

from cornu import backend
from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.image_base import (
    check_rank,
    compute_dtype,
    depthwise,
    dtype_of,
    from_channels_last,
    gaussian_filter,
    image_op,
    restore_dtype,
    to_channels_last,
)


def _pair_of_ints(value, name, op):
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in value):
        raise ValueError(f"{op}: `{name}` must be a tuple of two positive ints. Received: {name}={value!r}")
    return int(value[0]), int(value[1])


def _pair_of_sigmas(sigma, op):
    """``(sigma_x, sigma_y)``: a number, a pair, or a tensor of shape () or (2,)."""
    if isinstance(sigma, (int, float, np.number)) and not isinstance(sigma, bool):
        sigma = (sigma, sigma)
    if isinstance(sigma, (tuple, list)):
        if len(sigma) != 2:
            raise ValueError(f"{op}: `sigma` must be a pair of floats. Received: sigma={sigma!r}")
        return sigma[0], sigma[1]
    sigma = _core.convert_to_tensor(sigma)
    if tuple(sigma.shape) == ():
        return sigma, sigma
    if tuple(sigma.shape) != (2,):
        raise ValueError(f"{op}: `sigma` must be a pair of floats. Received sigma of shape {tuple(sigma.shape)}")
    return sigma[0], sigma[1]


def _gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    data_format = backend.standardize_data_format(data_format)
    # As Keras's engines (and torchvision) compute it: the first entries act along the width.
    size_x, size_y = _pair_of_ints(kernel_size, "kernel_size", "gaussian_blur")
    sigma_x, sigma_y = _pair_of_sigmas(sigma, "gaussian_blur")
    x, unbatched = to_channels_last(images, data_format, "gaussian_blur")
    dtype = dtype_of(x)
    work = compute_dtype(dtype)
    x = _core.cast(x, work)
    out = gaussian_filter(x, size_y, sigma_y, size_x, sigma_x)
    return from_channels_last(restore_dtype(out, dtype), data_format, unbatched)


_SOBEL_Y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], "float64")


def _sobel_edges(images, data_format=None):
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    check_rank(images, "sobel_edges", ranks=(4,))
    x, _ = to_channels_last(images, data_format, "sobel_edges")
    dtype = dtype_of(x)
    work = compute_dtype(dtype)
    kernel = np.stack([_SOBEL_Y, _SOBEL_Y.T], axis=-1).astype(work)  # (3, 3, 2): d/dy, d/dx
    out = depthwise(_core.cast(x, work), _core.convert_to_tensor(kernel))
    b, h, w, c = (int(d) for d in x.shape)
    out = _np.reshape(out, (b, h, w, c, 2))  # (b, h, w, c*2) -> (b, h, w, c, [dy, dx])
    if data_format == "channels_first":
        out = _np.transpose(out, (0, 3, 1, 2, 4))  # -> (b, c, h, w, 2)
    return restore_dtype(out, dtype)


def _ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    data_format = backend.standardize_data_format(data_format)
    image1 = _core.convert_to_tensor(image1)
    image2 = _core.convert_to_tensor(image2)
    check_rank(image1, "ssim", name="image1")
    check_rank(image2, "ssim", name="image2")
    if tuple(image1.shape) != tuple(image2.shape):
        raise ValueError(f"ssim: `image1` and `image2` must have the same shape. Received: "
                         f"image1.shape={tuple(image1.shape)}, image2.shape={tuple(image2.shape)}")
    if isinstance(filter_size, bool) or not isinstance(filter_size, (int, np.integer)) or filter_size < 1:
        raise ValueError(f"ssim: `filter_size` must be a positive int. Received: filter_size={filter_size!r}")
    filter_size = int(filter_size)
    dtype = dtype_of(image1)
    work = compute_dtype(dtype)
    x1, unbatched = to_channels_last(_core.cast(image1, work), data_format, "ssim")
    x2, _ = to_channels_last(_core.cast(image2, work), data_format, "ssim")
    b, h, w, c = (int(d) for d in x1.shape)
    if filter_size > min(h, w):
        raise ValueError(f"ssim: images of size {(h, w)} are smaller than the filter "
                         f"(filter_size={filter_size}); pass a smaller filter_size.")
    stats = _np.concatenate([x1, x2, x1 * x1, x2 * x2, x1 * x2], axis=-1)  # (b, h, w, 5c)
    local = gaussian_filter(stats, filter_size, filter_sigma, filter_size, filter_sigma, padding="valid")
    mu1, mu2, e11, e22, e12 = _np.split(local, 5, axis=-1)  # local (Gaussian-weighted) means
    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    var1, var2, cov = e11 - mu1 * mu1, e22 - mu2 * mu2, e12 - mu1 * mu2
    ssim_map = ((2.0 * mu1 * mu2 + c1) * (2.0 * cov + c2)) / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2))
    out = _np.mean(ssim_map, axis=(1, 2, 3))  # mean over positions, then channels: (b,)
    if unbatched:
        out = _np.squeeze(out, 0)
    return _core.cast(out, dtype)


gaussian_blur = image_op(_gaussian_blur, "gaussian_blur", (
    "Blur images with a Gaussian kernel, each channel separately, zero-padded to the same size.\n\n"
    "Args: images (rank 3 or 4), kernel_size (pair of ints), sigma (pair of floats or a tensor), "
    "data_format. As Keras's engines compute it, ``kernel_size[0]``/``sigma[0]`` act along the "
    "width and ``kernel_size[1]``/``sigma[1]`` along the height. The input dtype is kept."),
    static=("kernel_size", "data_format"))
sobel_edges = image_op(_sobel_edges, "sobel_edges", (
    "Sobel gradients of a batch of images (rank 4), zero-padded: output ``(..., 2)`` holds "
    "``[d/dy, d/dx]`` per pixel and channel, shape ``(b, h, w, c, 2)`` (channels first: "
    "``(b, c, h, w, 2)``).\n\nArgs: images, data_format."), static=("data_format",))
ssim = image_op(_ssim, "ssim", (
    "Structural similarity (Wang et al., 2004) of two images or batches, with a Gaussian window "
    "(``'valid'`` positions only), averaged over positions and channels.\n\n"
    "Args: image1, image2 (same shape, rank 3 or 4), max_val (dynamic range), filter_size, "
    "filter_sigma, k1, k2, data_format. Returns one value per image (a scalar when unbatched), in "
    "``image1``'s dtype."), static=("filter_size", "data_format"))

__all__ = ["gaussian_blur", "sobel_edges", "ssim"]
