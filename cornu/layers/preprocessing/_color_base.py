"""Shared pieces of the colour/intensity augmentation layers.

Argument parsing follows Keras 3's rules (so configs written by Keras load
unchanged): a single number ``f`` becomes ``(max(-f, low), f)`` for the
layer's bounds ``(low, high)``; a pair is sorted.  Integers stay integers, as
they do in Keras's configs.
"""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def keras_factor(factor, bounds, layer, arg="factor"):
    """``factor`` as a sorted ``(lower, upper)`` pair checked against ``bounds``."""
    message = (f"Layer '{layer.name}' ({type(layer).__name__}): the `{arg}` argument should be a number "
               f"(or a list of two numbers) in the range [{bounds[0]}, {bounds[1]}]. Received: {arg}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(f) for f in factor):
            raise ValueError(message)
        if factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(message)
        lower, upper = sorted(factor)
        return lower, upper
    if not _is_number(factor) or factor < bounds[0] or factor > bounds[1]:
        raise ValueError(message)
    factor = abs(factor)
    return max(-factor, bounds[0]), factor


def check_value_range(value_range, layer, sort=True):
    """``value_range`` as ``[low, high]`` (sorted when ``sort``), or a clear error."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or \
            not all(_is_number(v) for v in value_range):
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}): the `value_range` argument should be a list of "
            f"two numbers (low, high). Received: value_range={value_range!r}"
        )
    return sorted(value_range) if sort else tuple(value_range)


def rescale_range(images, source, target):
    """Map values linearly from the ``source`` range onto the ``target`` range."""
    if float(source[0]) == float(target[0]) and float(source[1]) == float(target[1]):
        return images
    unit = (images - float(source[0])) / (float(source[1]) - float(source[0]))
    return unit * (float(target[1]) - float(target[0])) + float(target[0])


def refuse_dict(layer, inputs):
    """Dict inputs (images with bounding boxes, masks or labels) are not supported: say so clearly."""
    if isinstance(inputs, dict):
        raise NotImplementedError(
            f"Layer '{layer.name}' ({type(layer).__name__}) takes an image tensor; dict inputs with "
            f"keys {sorted(inputs)} (bounding boxes, segmentation masks, labels) are not supported yet. "
            "Pass the images alone."
        )


class ColorLayer(ImageLayer):
    """Base of the colour layers: a seed generator, batching and per-image draws."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def _uniform(self, shape, minval=0.0, maxval=1.0):
        return random.uniform(shape, minval=float(minval), maxval=float(maxval), dtype=self.compute_dtype,
                              seed=self.seed_generator)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else 3

    def call(self, inputs, training=True):
        refuse_dict(self, inputs)
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)  # (b, h, w, c) or (b, c, h, w)
        out = self._augment(x, ops.shape(x)[0])
        return ops.squeeze(out, 0) if unbatched else out

    def _augment(self, images, batch):
        raise NotImplementedError

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        return config
