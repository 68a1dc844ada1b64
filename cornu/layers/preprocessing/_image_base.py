"""Shared pieces of the image preprocessing layers: argument checks and a base class."""
from cornu import backend, ops
from cornu.layers.layer import Layer


def parse_factor(factor, layer_name, cls_name, arg="factor", bounds=(-1.0, 1.0), symmetric=True):
    """``factor`` as a sorted ``(lower, upper)`` pair, validated against ``bounds``.

    A single number ``f`` gives ``(-f, f)`` (clipped to the lower bound) when
    ``symmetric``, else ``(f, f)``.
    """
    message = (f"Layer '{layer_name}' ({cls_name}): the `{arg}` argument should be a number (or a list "
               f"of two numbers) in the range [{bounds[0]}, {bounds[1]}]. Received: {arg}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(_is_number(f) for f in factor):
            raise ValueError(message)
        if min(factor) < bounds[0] or max(factor) > bounds[1]:
            raise ValueError(message)
        lower, upper = sorted(float(f) for f in factor)
        return lower, upper
    if not _is_number(factor) or factor < bounds[0] or factor > bounds[1]:
        raise ValueError(message)
    factor = abs(float(factor))
    if symmetric:
        return max(-factor, bounds[0]), factor
    return factor, factor


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_choice(value, choices, layer_name, cls_name, arg):
    if value not in choices:
        raise ValueError(
            f"Layer '{layer_name}' ({cls_name}): unknown `{arg}` {value!r}; expected one of {choices}."
        )
    return value


def check_size(value, layer_name, cls_name, arg):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"Layer '{layer_name}' ({cls_name}) expects a positive int `{arg}`; received {arg}={value!r}."
        )
    return value


class ImageLayer(Layer):
    """Base of the image layers: a ``data_format`` and helpers for rank-3/4 image tensors."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.supports_masking = False

    def _check_rank(self, shape):
        if len(shape) not in (3, 4):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects images of rank 3 (single image) "
                f"or 4 (batch of images); received input of shape {tuple(shape)}."
            )

    def _hw_axes(self, rank):
        """Positions of the height and width axes for inputs of ``rank``."""
        if self.data_format == "channels_first":
            return rank - 2, rank - 1
        return rank - 3, rank - 2

    def _height_width(self, shape):
        h_axis, w_axis = self._hw_axes(len(shape))
        return shape[h_axis], shape[w_axis]

    def _batched(self, images):
        """``(images, unbatched)`` with a batch axis added to single images."""
        shape = ops.shape(images)
        self._check_rank(shape)
        if len(shape) == 3:
            return ops.expand_dims(images, 0), True  # (h, w, c) -> (1, h, w, c)
        return images, False

    def _float_images(self, images):
        images = ops.convert_to_tensor(images)
        return ops.cast(images, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
