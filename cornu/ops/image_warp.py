"""Resampling image ops: ``map_coordinates``, ``perspective_transform``, ``elastic_transform``,
``scale_and_translate``, and the point sampler that ``affine_transform`` shares.

Sampling follows ``jax.scipy.ndimage.map_coordinates`` (SciPy's documented
modes): order 0 rounds halves away from zero, order 1 is linear; in
``'constant'`` mode every out-of-range tap reads ``fill_value`` on its own, so a
point half a pixel outside the image gets half the edge value.
"""
import itertools

import numpy as np

from cornu import backend
from cornu.backend import KerasTensor
from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.image_base import (
    FILL_MODES,
    INTERPOLATIONS,
    check_choice,
    check_rank,
    compute_dtype,
    dtype_of,
    from_channels_last,
    gaussian_filter,
    image_op,
    restore_dtype,
    round_half_away,
    to_channels_last,
)

# -- sampling -----------------------------------------------------------------------------------


def fix_index(index, size, fill_mode):
    """Integer indices mapped into ``[0, size)`` per ``fill_mode``; also a validity mask ('constant')."""
    if fill_mode == "nearest":
        return _np.clip(index, 0, size - 1), None
    if fill_mode == "wrap":
        return _np.mod(index, size), None
    if fill_mode == "reflect":  # (d c b a | a b c d | d c b a)
        j = _np.mod(index, 2 * size)
        return _np.where(j < size, j, 2 * size - 1 - j), None
    if fill_mode == "mirror":  # (d c b | a b c d | c b a)
        if size == 1:
            return _np.zeros_like(index), None
        j = _np.mod(index, 2 * size - 2)
        return _np.where(j < size, j, 2 * size - 2 - j), None
    valid = _np.logical_and(index >= 0, index <= size - 1)
    return _np.clip(index, 0, size - 1), valid


def _taps(coordinate, order):
    """``[(integer index, weight)]`` for one axis: one nearest tap or two linear taps."""
    if order == 0:
        return [(_core.cast(round_half_away(coordinate), "int32"), None)]
    lower = _np.floor(coordinate)
    upper_weight = coordinate - lower
    lower = _core.cast(lower, "int32")
    return [(lower, 1.0 - upper_weight), (lower + 1, upper_weight)]


def sample(images, y, x, interpolation, fill_mode, fill_value):
    """Channels-last ``images`` (b, h, w, c) read at float points ``y, x`` (b, H, W) -> (b, H, W, c)."""
    batch, height, width, channels = (int(d) for d in images.shape)
    out_h, out_w = int(y.shape[1]), int(y.shape[2])
    dtype = dtype_of(images)
    rows = _np.reshape(images, (batch * height * width, channels))  # one row per pixel
    offsets = _core.convert_to_tensor(np.arange(batch, dtype="int32").reshape(batch, 1, 1) * (height * width))
    fill = _core.cast(fill_value, dtype)
    order = 1 if interpolation == "bilinear" else 0

    def axis_taps(coordinate, size, stride):
        taps = []
        for index, weight in _taps(coordinate, order):
            index, valid = fix_index(index, size, fill_mode)
            weight = None if weight is None else _core.cast(_np.expand_dims(weight, -1), dtype)  # (b, H, W, 1)
            taps.append((index * stride, valid, weight))
        return taps

    out = None
    for (yi, valid_y, wy), (xi, valid_x, wx) in itertools.product(axis_taps(y, height, width),
                                                                  axis_taps(x, width, 1)):
        index = _np.reshape(offsets + yi + xi, (-1,))  # (b, H, W) -> (b*H*W,)
        values = _np.reshape(_np.take(rows, index, axis=0), (batch, out_h, out_w, channels))
        if valid_y is not None:
            values = _np.where(_np.expand_dims(_np.logical_and(valid_y, valid_x), -1), values, fill)
        if wy is not None:
            values = values * (wy * wx)
        out = values if out is None else out + values
    return out


def _map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    inputs = _core.convert_to_tensor(inputs)
    if isinstance(coordinates, (list, tuple)):
        coordinates = _np.stack([_core.convert_to_tensor(c) for c in coordinates])
    coordinates = _core.convert_to_tensor(coordinates)
    rank = len(inputs.shape)
    if len(coordinates.shape) < 2:
        raise ValueError("map_coordinates: invalid coordinates rank: expected at least rank 2. "
                         f"Received coordinates with shape: {tuple(coordinates.shape)}")
    if int(coordinates.shape[0]) != rank:
        raise ValueError("map_coordinates: the first dim of `coordinates` must be the rank of `inputs`. "
                         f"Received inputs with shape {tuple(inputs.shape)} and coordinates with leading "
                         f"dim {int(coordinates.shape[0])}")
    check_choice("map_coordinates", "fill_mode", fill_mode, FILL_MODES)
    if order not in (0, 1) or isinstance(order, bool):
        raise ValueError(f"map_coordinates: invalid value for argument `order`. Expected 0 (nearest) or "
                         f"1 (linear). Received: order={order!r}")
    dtype = dtype_of(inputs)
    work = compute_dtype(dtype)
    flat = _np.reshape(_core.cast(inputs, work), (-1,))
    fill = _core.cast(_core.cast(fill_value, dtype), work)  # the fill value as the input dtype holds it
    coordinates = _core.cast(coordinates, work)
    strides = [int(np.prod(inputs.shape[i + 1:], dtype="int64")) for i in range(rank)]
    per_axis = [_taps(coordinates[i], order) for i in range(rank)]
    out = None
    for taps in itertools.product(*per_axis):
        index, valid, weight = 0, None, None
        for axis, (idx, w) in enumerate(taps):
            idx, ok = fix_index(idx, int(inputs.shape[axis]), fill_mode)
            index = index + idx * strides[axis]
            valid = ok if valid is None else _np.logical_and(valid, ok)
            weight = w if weight is None else weight * w
        values = _np.take(flat, index)
        if valid is not None:
            values = _np.where(valid, values, fill)
        if weight is not None:
            values = values * weight
        out = values if out is None else out + values
    return restore_dtype(out, dtype)


# -- perspective_transform ----------------------------------------------------------------------


def _square_to_quad(points):
    """The projective map of the unit square's corners onto ``points`` (n, 4, 2), as (n, 3, 3)
    matrices ``[[a, b, c], [d, e, f], [g, h, 1]]`` acting on ``(u, v, 1)`` (Heckbert, 1989)."""
    px, py = points[..., 0], points[..., 1]
    x0, x1, x2, x3 = (px[:, i] for i in range(4))
    y0, y1, y2, y3 = (py[:, i] for i in range(4))
    sx, sy = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
    den = dx1 * dy2 - dx2 * dy1
    g = (sx * dy2 - dx2 * sy) / den
    h = (dx1 * sy - sx * dy1) / den
    rows = [[x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
            [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
            [g, h, _np.ones_like(g)]]
    return _np.stack([_np.stack(r, axis=-1) for r in rows], axis=-2)


def _adjugate(m):
    """Adjugate of (n, 3, 3) matrices: the inverse up to a scale, which projective maps ignore."""
    def c(i, j):
        return m[:, i, j]

    cof = [[c((j + 1) % 3, (i + 1) % 3) * c((j + 2) % 3, (i + 2) % 3)
            - c((j + 1) % 3, (i + 2) % 3) * c((j + 2) % 3, (i + 1) % 3) for j in range(3)] for i in range(3)]
    return _np.stack([_np.stack(r, axis=-1) for r in cof], axis=-2)


def _homography(start_points, end_points):
    """Transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (n, 8) sending each end point to its start point."""
    m = _np.matmul(_square_to_quad(start_points), _adjugate(_square_to_quad(end_points)))
    m = _np.reshape(m, (-1, 9))
    return m[:, :8] / m[:, 8:9]


def _check_points(points, name):
    if len(points.shape) not in (2, 3) or tuple(points.shape[-2:]) != (4, 2):
        raise ValueError(f"perspective_transform: invalid {name} shape: expected (4, 2) for a single image "
                         f"or (N, 4, 2) for a batch. Received shape: {tuple(points.shape)}")


def _perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                           data_format=None):
    data_format = backend.standardize_data_format(data_format)
    check_choice("perspective_transform", "interpolation", interpolation, INTERPOLATIONS)
    start_points = _core.convert_to_tensor(start_points)
    end_points = _core.convert_to_tensor(end_points)
    _check_points(start_points, "start_points")
    _check_points(end_points, "end_points")
    if tuple(start_points.shape) != tuple(end_points.shape):
        raise ValueError("perspective_transform: start_points and end_points must have the same shape. "
                         f"Received start_points.shape={tuple(start_points.shape)}, "
                         f"end_points.shape={tuple(end_points.shape)}")
    x, unbatched = to_channels_last(images, data_format, "perspective_transform")
    dtype = dtype_of(x)
    x = _core.cast(x, compute_dtype(dtype))
    batch, height, width, _ = (int(d) for d in x.shape)
    start = _np.reshape(_core.cast(start_points, "float32"), (-1, 4, 2))
    end = _np.reshape(_core.cast(end_points, "float32"), (-1, 4, 2))
    if int(start.shape[0]) not in (1, batch):
        raise ValueError(f"perspective_transform: got {int(start.shape[0])} sets of points for {batch} images.")
    t = _homography(start, end)  # (n, 8)
    grid_y, grid_x = np.meshgrid(np.arange(height, dtype="float32"), np.arange(width, dtype="float32"),
                                 indexing="ij")
    gx = _core.convert_to_tensor(grid_x[None])  # (1, H, W)
    gy = _core.convert_to_tensor(grid_y[None])
    c = [_np.reshape(t[:, i], (-1, 1, 1)) for i in range(8)]  # 8 x (n, 1, 1)
    k = c[6] * gx + c[7] * gy + 1.0
    x_in = _np.broadcast_to((c[0] * gx + c[1] * gy + c[2]) / k, (batch, height, width))
    y_in = _np.broadcast_to((c[3] * gx + c[4] * gy + c[5]) / k, (batch, height, width))
    out = sample(x, y_in, x_in, interpolation, "constant", fill_value)
    return from_channels_last(restore_dtype(out, dtype), data_format, unbatched)


# -- elastic_transform --------------------------------------------------------------------------


def _check_elastic(images, interpolation, fill_mode):
    check_choice("elastic_transform", "interpolation", interpolation, INTERPOLATIONS)
    check_choice("elastic_transform", "fill_mode", fill_mode, FILL_MODES)
    check_rank(images, "elastic_transform")


def _elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                       fill_value=0.0, seed=None, data_format=None):
    data_format = backend.standardize_data_format(data_format)
    images = _core.convert_to_tensor(images)
    _check_elastic(images, interpolation, fill_mode)
    sigma = float(_core.convert_to_numpy(sigma))
    if not sigma > 0:
        raise ValueError(f"elastic_transform: `sigma` must be positive. Received: sigma={sigma}")
    x, unbatched = to_channels_last(images, data_format, "elastic_transform")
    batch, height, width, _ = (int(d) for d in x.shape)
    # Random displacements (dy, dx) per pixel, smoothed by a Gaussian of std ``sigma``.
    noise = backend.random.normal((2 * batch, height, width, 1), dtype=compute_dtype(dtype_of(x)), seed=seed)
    out = _displace(x, noise, alpha, sigma, interpolation, fill_mode, fill_value)
    return from_channels_last(out, data_format, unbatched)


def _displace_fn(x, noise, alpha, sigma, interpolation, fill_mode, fill_value):
    """Channels-last ``x`` resampled at the grid moved by ``alpha`` times the smoothed ``sigma * noise``."""
    dtype = dtype_of(x)
    work = compute_dtype(dtype)
    x = _core.cast(x, work)
    batch, height, width, _ = (int(d) for d in x.shape)
    noise = noise * sigma
    size = int(6 * sigma) | 1
    shift = gaussian_filter(noise, size, sigma, size, sigma) * _core.cast(alpha, work)
    shift = _np.reshape(shift, (2, batch, height, width))
    grid_y, grid_x = np.meshgrid(np.arange(height, dtype=work), np.arange(width, dtype=work), indexing="ij")
    y_in = _core.convert_to_tensor(grid_y[None]) + shift[0]
    x_in = _core.convert_to_tensor(grid_x[None]) + shift[1]
    return restore_dtype(sample(x, y_in, x_in, interpolation, fill_mode, fill_value), dtype)


_displace = backend.image.compile_composite(_displace_fn, ("sigma", "interpolation", "fill_mode"))


def _elastic_spec(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
                  fill_value=0.0, seed=None, data_format=None):
    _check_elastic(images, interpolation, fill_mode)
    return KerasTensor(images.shape, dtype=images.dtype)


# -- scale_and_translate ------------------------------------------------------------------------


def _triangle(x):
    return _np.maximum(0.0, 1.0 - x)


def _keys_cubic(x):  # Keys (1981) cubic convolution kernel, a = -0.5
    inner = ((1.5 * x - 2.5) * x) * x + 1.0
    outer = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return _np.where(x >= 2.0, 0.0, _np.where(x >= 1.0, outer, inner))


def _lanczos(radius):
    def kernel(x):
        safe = _np.where(x > 1e-3, x, 1.0)
        value = radius * _np.sin(np.pi * safe) * _np.sin(np.pi * safe / radius) / (np.pi ** 2 * safe * safe)
        return _np.where(x > radius, 0.0, _np.where(x > 1e-3, value, 1.0))
    return kernel


SCALE_AND_TRANSLATE_METHODS = {
    "linear": _triangle, "bilinear": _triangle, "trilinear": _triangle, "triangle": _triangle,
    "cubic": _keys_cubic, "bicubic": _keys_cubic, "tricubic": _keys_cubic,
    "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0),
}


def _weights(in_size, out_size, scale, translation, kernel, antialias, dtype):
    """(in_size, out_size) resampling weights for one axis (half-pixel centres)."""
    inv_scale = 1.0 / scale
    # Downsampling with antialias widens the kernel into a low-pass filter.
    kernel_scale = _np.maximum(inv_scale, 1.0) if antialias else 1.0
    centres = _core.convert_to_tensor(np.arange(out_size, dtype=dtype) + 0.5)
    src = centres * inv_scale - translation * inv_scale - 0.5  # input position of each output pixel
    grid = _core.convert_to_tensor(np.arange(in_size, dtype=dtype)[:, None])
    w = kernel(_np.abs(_np.expand_dims(src, 0) - grid) / kernel_scale)  # (in, out)
    total = _np.sum(w, axis=0, keepdims=True)
    w = _np.where(_np.abs(total) > 1000.0 * float(np.finfo("float32").eps),
                  w / _np.where(total != 0, total, 1.0), 0.0)
    inside = _np.logical_and(src >= -0.5, src <= in_size - 0.5)  # samples off the image give zeros
    return _np.where(_np.expand_dims(inside, 0), w, 0.0)


def _scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    check_choice("scale_and_translate", "method", method, tuple(SCALE_AND_TRANSLATE_METHODS))
    images = _core.convert_to_tensor(images)
    rank = len(images.shape)
    output_shape = tuple(output_shape)
    if len(output_shape) != rank:
        raise ValueError(f"scale_and_translate: `output_shape` must have one entry per dimension of `images` "
                         f"({rank}). Received: output_shape={output_shape}")
    spatial = [d % rank for d in spatial_dims]
    for d in range(rank):
        if d not in spatial and output_shape[d] not in (None, images.shape[d]):
            raise ValueError(f"scale_and_translate: dimension {d} is not in `spatial_dims`, so output_shape[{d}] "
                             f"must equal the input's {images.shape[d]}. Received: output_shape={output_shape}")
    scale = _core.convert_to_tensor(scale)
    translation = _core.convert_to_tensor(translation)
    if tuple(scale.shape) != (len(spatial),) or tuple(translation.shape) != (len(spatial),):
        raise ValueError(f"scale_and_translate: `scale` and `translation` need one entry per spatial dim "
                         f"({len(spatial)}). Received shapes {tuple(scale.shape)} and {tuple(translation.shape)}")
    dtype = dtype_of(images)
    out_dtype = dtype if backend.is_float_dtype(dtype) else "float32"
    work = compute_dtype(out_dtype)
    x = _core.cast(images, work)
    params = backend.result_type(dtype_of(scale), dtype_of(translation), "float32")
    params = compute_dtype(params)
    for i, d in enumerate(spatial):
        w = _weights(int(images.shape[d]), int(output_shape[d]), _core.cast(scale[i], params),
                     _core.cast(translation[i], params), SCALE_AND_TRANSLATE_METHODS[method], antialias, params)
        x = _np.moveaxis(_np.tensordot(x, _core.cast(w, work), axes=([d], [0])), -1, d)  # resample axis d
    return _core.cast(x, out_dtype)


map_coordinates = image_op(_map_coordinates, "map_coordinates", (
    "Sample ``inputs`` (any rank) at the points ``coordinates`` (shape ``(inputs.ndim, ...)``).\n\n"
    "Args: inputs, coordinates, order (0: nearest, 1: linear), fill_mode (``'constant'``, "
    "``'nearest'``, ``'wrap'``, ``'mirror'``, ``'reflect'``, as in SciPy's documentation), "
    "fill_value. Output: ``coordinates.shape[1:]`` in the inputs' dtype (integers rounded)."),
    static=("order", "fill_mode"))
perspective_transform = image_op(_perspective_transform, "perspective_transform", (
    "Warp images by the perspective transform that takes ``end_points`` (in the output) to "
    "``start_points`` (in the input); points are ``(x, y)``, shape ``(4, 2)`` or ``(N, 4, 2)``.\n\n"
    "Args: images (rank 3 or 4), start_points, end_points, interpolation (``'bilinear'`` or "
    "``'nearest'``), fill_value (outside the input), data_format."), static=("interpolation", "data_format"))
elastic_transform = image_op(_elastic_transform, "elastic_transform", (
    "Elastic deformation: displace each pixel by Gaussian noise smoothed with std ``sigma`` "
    "(kernel ``int(6 sigma) | 1``) and scaled by ``alpha``.\n\n"
    "Args: images (rank 3 or 4), alpha, sigma, interpolation (``'bilinear'`` or ``'nearest'``), "
    "fill_mode, fill_value, seed (None, an int or a SeedGenerator), data_format."), spec=_elastic_spec)
scale_and_translate = image_op(_scale_and_translate, "scale_and_translate", (
    "Resample ``images`` to ``output_shape``: along each of ``spatial_dims`` the output point "
    "``p`` reads the input at ``(p - translation) / scale`` (half-pixel centres; outside points "
    "give zeros), as ``jax.image.scale_and_translate``.\n\n"
    "Args: images, output_shape, scale, translation (one entry per spatial dim), spatial_dims, "
    "method (``'linear'``/``'bilinear'``/``'trilinear'``/``'triangle'``, "
    "``'cubic'``/``'bicubic'``/``'tricubic'``, ``'lanczos3'``, ``'lanczos5'``), antialias. Float "
    "inputs keep their dtype; integers give float32."),
    static=("output_shape", "spatial_dims", "method", "antialias"))

__all__ = ["map_coordinates", "perspective_transform", "elastic_transform", "scale_and_translate"]
