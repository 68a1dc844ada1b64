"""``MixUp``: blend each image (and its label) with another image of the batch in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, _is_number

_DATA_KEYS = ("images", "labels")


def split_data(layer, data):
    """``(images, labels_or_None, is_dict)`` from a tensor or an ``{"images", "labels"}`` dict."""
    if not isinstance(data, dict):
        return data, None, False
    if "images" not in data:
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) expects a dict input to hold an "
                         f"'images' entry; received keys {sorted(data)}.")
    other = sorted(set(data) - set(_DATA_KEYS))
    if other:
        raise NotImplementedError(f"Layer '{layer.name}' ({type(layer).__name__}) handles only the 'images' "
                                  f"and 'labels' entries of a dict input; received also {other} (bounding "
                                  "boxes and segmentation masks are not supported).")
    return data["images"], data.get("labels"), True


def join_data(data, images, labels):
    out = dict(data)
    out["images"] = images
    if labels is not None:
        out["labels"] = labels
    return out


def permutation(batch, seed_generator):
    return random.shuffle(ops.arange(batch, dtype="int32"), seed=seed_generator)


class MixUp(ImageLayer):
    """MixUp (Zhang et al., 2018) in training: each sample becomes a convex blend with a shuffled partner.

    A random permutation of the batch picks each sample's partner and a weight
    ``w ~ Beta(alpha, alpha)`` is drawn per sample; images become
    ``w * x + (1 - w) * x[perm]`` and, when the input is a dict
    ``{"images": ..., "labels": ...}``, labels are blended with the same ``w``.
    Inference returns the input unchanged.

    Args:
        alpha: positive concentration of the Beta distribution (default 0.2).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable mixing.

    Call arguments:
        data: images of rank 3 or 4, or a dict with ``"images"`` and ``"labels"``.
        training: apply the mixing (default ``True``, as in Keras).
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not _is_number(alpha) or alpha <= 0:
            raise ValueError(f"Layer '{self.name}' (MixUp) expects a positive number `alpha`; received "
                             f"alpha={alpha!r}.")
        self.alpha = alpha
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def mix(self, images, labels, weight, order):
        """Blends batched ``images`` (and ``labels``) with ``weight`` ``(batch,)`` and partners ``order``."""
        x = self._float_images(images)
        w = ops.cast(ops.reshape(weight, (-1, 1, 1, 1)), x.dtype)
        x = w * x + (1.0 - w) * ops.take(x, order, axis=0)
        if labels is not None:
            labels = ops.convert_to_tensor(labels)
            w = ops.cast(ops.reshape(weight, (-1, 1)), labels.dtype)
            labels = w * labels + (1.0 - w) * ops.take(labels, order, axis=0)
        return x, labels

    def call(self, data, training=True):
        images, labels, is_dict = split_data(self, data)
        if not training:
            return data if is_dict else ops.convert_to_tensor(images)
        images, unbatched = self._batched(ops.convert_to_tensor(images))
        batch = ops.shape(images)[0]
        order = permutation(batch, self.seed_generator)
        alpha = ops.convert_to_tensor(self.alpha, dtype=self.compute_dtype)
        weight = random.beta((batch,), alpha, alpha, seed=self.seed_generator, dtype=self.compute_dtype)
        images, labels = self.mix(images, labels, weight, order)
        images = ops.squeeze(images, 0) if unbatched else images
        return join_data(data, images, labels) if is_dict else images

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict):
            return dict(input_shape)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha": self.alpha, "seed": self.seed})
        return config
