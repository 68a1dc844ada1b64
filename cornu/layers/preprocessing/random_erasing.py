"""``RandomErasing``: blank out a random rectangle of some images in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, _is_number, parse_factor


def box_bounds(batch, length, ratio, seed_generator, dtype):
    """``(start, end)`` of a ``(batch,)`` segment of ``ratio * length`` placed uniformly in ``[0, length]``."""
    extent = ratio * float(length)
    start = random.uniform((batch,), 0.0, 1.0, dtype=dtype, seed=seed_generator) * (float(length) - extent)
    return start, start + extent


def box_mask(height, width, x0, x1, y0, y1, data_format, dtype):
    """Boolean ``(batch, h, w, 1)`` (or ``(batch, 1, h, w)``) mask of the pixels with
    ``x0 <= col < x1`` and ``y0 <= row < y1``."""
    rows = ops.reshape(ops.arange(height, dtype=dtype), (1, height, 1))
    cols = ops.reshape(ops.arange(width, dtype=dtype), (1, 1, width))
    x0, x1, y0, y1 = (ops.reshape(v, (-1, 1, 1)) for v in (x0, x1, y0, y1))
    mask = ops.logical_and(ops.logical_and(cols >= x0, cols < x1), ops.logical_and(rows >= y0, rows < y1))
    axis = 1 if data_format == "channels_first" else 3
    return ops.expand_dims(mask, axis)  # (batch, h, w) -> (batch, h, w, 1) or (batch, 1, h, w)


class RandomErasing(ImageLayer):
    """Erases one random rectangle per image, for a random subset of the batch, in training.

    For each image a side ratio ``sqrt(u)`` is drawn per axis with ``u`` uniform
    in ``scale``; the rectangle of that relative width and height is placed
    uniformly inside the image. The image is erased when a uniform draw falls
    below a probability itself drawn uniformly from ``factor``. Erased pixels take
    ``fill_value`` (or Gaussian noise times ``value_range[1]`` when
    ``fill_value`` is ``None``), clipped to ``value_range``. The identity (cast to
    the compute dtype) in inference.

    Args:
        factor: probability range in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        scale: range of the erased area fraction per axis (squared), in ``[0, 1]``.
        fill_value: ``None`` (noise), a number, or one number per channel (3).
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        seed: int for repeatable erasing.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, self.name, "RandomErasing", bounds=(0.0, 1.0))
        self.scale = parse_factor(scale, self.name, "RandomErasing", arg="scale", bounds=(0.0, 1.0))
        if fill_value is not None and not _is_number(fill_value) and not (
                isinstance(fill_value, (list, tuple)) and len(fill_value) == 3
                and all(_is_number(v) for v in fill_value)):
            raise ValueError(f"Layer '{self.name}' (RandomErasing) expects `fill_value` to be None, a number or "
                             f"a list of three numbers; received fill_value={fill_value!r}.")
        self.fill_value = list(fill_value) if isinstance(fill_value, tuple) else fill_value
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or \
                value_range[0] > value_range[1]:
            raise ValueError(f"Layer '{self.name}' (RandomErasing) expects `value_range` as (low, high); "
                             f"received value_range={value_range!r}.")
        self.value_range = tuple(value_range)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def _fill(self, shape):
        dtype = self.compute_dtype
        if self.fill_value is None:
            fill = random.normal(shape, dtype=dtype, seed=self.seed_generator) * float(self.value_range[1])
        elif isinstance(self.fill_value, list):
            channel_shape = (1, 3, 1, 1) if self.data_format == "channels_first" else (1, 1, 1, 3)
            fill = ops.reshape(ops.convert_to_tensor(self.fill_value, dtype=dtype), channel_shape)
        else:
            fill = ops.full((1, 1, 1, 1), float(self.fill_value), dtype=dtype)
        return ops.clip(fill, self.value_range[0], self.value_range[1])

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)
        shape = ops.shape(x)
        batch = shape[0]
        height, width = self._height_width(shape)
        dtype = self.compute_dtype
        ratio = ops.sqrt(random.uniform((batch, 2), self.scale[0], self.scale[1], dtype=dtype,
                                        seed=self.seed_generator))
        x0, x1 = box_bounds(batch, width, ratio[:, 0], self.seed_generator, dtype)
        y0, y1 = box_bounds(batch, height, ratio[:, 1], self.seed_generator, dtype)
        mask = box_mask(height, width, x0, x1, y0, y1, self.data_format, dtype)
        probability = random.uniform((batch,), self.factor[0], self.factor[1], seed=self.seed_generator)
        apply = random.uniform((batch,), 0.0, 1.0, seed=self.seed_generator) < probability
        mask = ops.logical_and(mask, ops.reshape(apply, (-1, 1, 1, 1)))
        x = ops.where(mask, self._fill(shape), x)
        return ops.squeeze(x, 0) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                       "value_range": self.value_range, "seed": self.seed})
        return config
