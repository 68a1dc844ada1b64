"""``RandomElasticTransform``: randomly distort some images with a smooth displacement field in training."""
from cornu import ops, random
from cornu.layers.preprocessing._affine_base import FILL_MODES, INTERPOLATIONS
from cornu.layers.preprocessing._image_base import ImageLayer, check_choice, parse_factor


class RandomElasticTransform(ImageLayer):
    """Elastic distortion (Simard et al., 2003) of a random subset of the images in training.

    Per call a distortion strength ``s`` is drawn uniformly from ``scale``; the
    displacement field is Gaussian noise smoothed with ``sigma = 0.05 * s *
    min(h, w)`` and scaled by ``alpha = 0.1 * s * max(h, w)``
    (``ops.image.elastic_transform``). Each image is distorted when a uniform
    draw falls below a probability drawn uniformly from ``factor``; the result
    is clipped to ``value_range``. The identity (cast to the compute dtype) in
    inference. The strength is read on the host to size the smoothing kernel,
    so models holding this layer train eagerly (``supports_jit`` is False).

    Args:
        factor: probability range in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        scale: range of the distortion strength in ``[0, 1]``; a number means ``(0, s)``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: value outside the image when ``fill_mode="constant"``.
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        seed: int for repeatable distortions.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        cls_name = "RandomElasticTransform"
        self.factor = parse_factor(factor, self.name, cls_name, bounds=(0.0, 1.0))
        self.scale = parse_factor(scale, self.name, cls_name, arg="scale", bounds=(0.0, 1.0))
        self.interpolation = check_choice(interpolation, INTERPOLATIONS, self.name, cls_name, "interpolation")
        self.fill_mode = check_choice(fill_mode, FILL_MODES, self.name, cls_name, "fill_mode")
        self.fill_value = fill_value
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or \
                value_range[0] > value_range[1]:
            raise ValueError(f"Layer '{self.name}' ({cls_name}) expects `value_range` as (low, high); "
                             f"received value_range={value_range!r}.")
        self.value_range = tuple(value_range)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.supports_jit = False
        self.built = True

    def distort(self, x, strength, apply):
        """Distorts the batched ``x`` with strength ``strength`` where ``apply`` ``(batch,)`` is true."""
        height, width = self._height_width(ops.shape(x))
        alpha = max(height, width) * 0.1 * strength
        sigma = min(height, width) * 0.05 * strength
        warped = ops.image.elastic_transform(x, alpha=alpha, sigma=sigma, interpolation=self.interpolation,
                                             fill_mode=self.fill_mode, fill_value=self.fill_value,
                                             seed=self.seed_generator, data_format=self.data_format)
        x = ops.where(ops.reshape(apply, (-1, 1, 1, 1)), ops.cast(warped, x.dtype), x)
        return ops.clip(x, self.value_range[0], self.value_range[1])

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return x
        x, unbatched = self._batched(x)
        batch = ops.shape(x)[0]
        probability = random.uniform((batch,), self.factor[0], self.factor[1], seed=self.seed_generator)
        apply = random.uniform((batch,), 0.0, 1.0, seed=self.seed_generator) < probability
        strength = random.uniform((), self.scale[0], self.scale[1], seed=self.seed_generator)
        strength = float(ops.convert_to_numpy(strength))
        if strength <= 0.0:  # a zero-width smoothing kernel: nothing moves
            x = ops.clip(x, self.value_range[0], self.value_range[1])
        else:
            x = self.distort(x, strength, apply)
        return ops.squeeze(x, 0) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale, "interpolation": self.interpolation,
                       "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "value_range": self.value_range, "seed": self.seed})
        return config
