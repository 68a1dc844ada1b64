"""``CutMix``: paste a random box from another image of the batch into each image in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, parse_factor
from cornu.layers.preprocessing.mix_up import join_data, permutation, split_data
from cornu.layers.preprocessing.random_erasing import box_bounds, box_mask


class CutMix(ImageLayer):
    """CutMix (Yun et al., 2019) in training: each image gets a box cut from a shuffled partner.

    Per call, ``alpha`` is drawn uniformly from ``factor`` (plus ``1e-6``); per
    image, ``lam ~ Beta(alpha, alpha)`` sets a box whose sides are
    ``sqrt(1 - lam)`` of the image's, placed uniformly inside it. The box's
    pixels come from the partner picked by a random permutation of the batch.
    With a dict input ``{"images": ..., "labels": ...}`` labels become
    ``m * y + (1 - m) * y[perm]``, ``m`` being one minus the box's share of the
    image area. Single (unbatched) images and inference are left as they are
    (cast to the compute dtype).

    Args:
        factor: range of ``alpha`` in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        seed: int for repeatable mixing.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = parse_factor(factor, self.name, "CutMix", bounds=(0.0, 1.0))
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def mix(self, images, labels, box, order):
        """Pastes ``box = (x0, x1, y0, y1)`` (each ``(batch,)``) from ``images[order]`` into ``images``."""
        x = self._float_images(images)
        shape = ops.shape(x)
        height, width = self._height_width(shape)
        x0, x1, y0, y1 = box
        mask = box_mask(height, width, x0, x1, y0, y1, self.data_format, x.dtype)
        x = ops.where(mask, ops.take(x, order, axis=0), x)
        if labels is not None:
            labels = ops.convert_to_tensor(labels)
            keep = 1.0 - (x1 - x0) * (y1 - y0) / float(width * height)
            keep = ops.cast(ops.reshape(keep, (-1, 1)), labels.dtype)
            labels = keep * labels + (1.0 - keep) * ops.take(labels, order, axis=0)
        return x, labels

    def call(self, data, training=True):
        images, labels, is_dict = split_data(self, data)
        images = self._float_images(images)
        self._check_rank(ops.shape(images))
        if training and len(ops.shape(images)) == 4:
            shape = ops.shape(images)
            batch = shape[0]
            height, width = self._height_width(shape)
            dtype = self.compute_dtype
            alpha = random.uniform((), self.factor[0], self.factor[1], dtype=dtype,
                                   seed=self.seed_generator) + 1e-6
            lam = random.beta((batch,), alpha, alpha, seed=self.seed_generator, dtype=dtype)
            ratio = ops.sqrt(1.0 - lam)
            x0, x1 = box_bounds(batch, width, ratio, self.seed_generator, dtype)
            y0, y1 = box_bounds(batch, height, ratio, self.seed_generator, dtype)
            order = permutation(batch, self.seed_generator)
            images, labels = self.mix(images, labels, (x0, x1, y0, y1), order)
        return join_data(data, images, labels) if is_dict else images

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict):
            return dict(input_shape)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config
