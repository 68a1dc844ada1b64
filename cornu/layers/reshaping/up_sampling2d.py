"""``UpSampling2D``: enlarge images by integer factors (nearest or bilinear)."""
import numpy as np

from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer

_KERAS_MODES = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")
_SUPPORTED = ("nearest", "bilinear")


def bilinear_taps(length, factor):
    """For resizing an axis from ``length`` to ``length * factor`` with half-pixel
    centres (TensorFlow's ``resize`` rule): lower index, upper index and the
    weight of the upper one for every output position.

    Source coordinate of output ``o``: ``(o + 0.5) / factor - 0.5``; below 0
    or past the last input it is clamped to the edge.
    """
    src = (np.arange(length * factor) + 0.5) / factor - 0.5
    floor = np.floor(src)
    lower = np.clip(floor, 0, length - 1).astype("int32")
    upper = np.clip(np.ceil(src), 0, length - 1).astype("int32")
    weight = (src - floor).astype("float32")
    return lower, upper, weight


class UpSampling2D(Layer):
    """Upsample rows and columns by ``size``.

    Args:
        size: int or tuple of 2 ints (row and column factors, default ``(2, 2)``).
        data_format: ``"channels_last"`` (``(batch, rows, cols, channels)``) or
            ``"channels_first"`` (default: the config's).
        interpolation: ``"nearest"`` (repeat rows and columns) or
            ``"bilinear"`` (TensorFlow's half-pixel bilinear resize, as Keras).
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = ac.int_tuple(self, size, 2, "size")
        self.data_format = standardize_data_format(data_format)
        mode = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if mode not in _KERAS_MODES:
            raise ValueError(
                f"UpSampling2D layer '{self.name}': `interpolation` must be one of {list(_KERAS_MODES)}; "
                f"received interpolation={interpolation!r}."
            )
        if mode not in _SUPPORTED:
            raise NotImplementedError(
                f"UpSampling2D layer '{self.name}': interpolation={mode!r} is not implemented in cornu yet; "
                f"use one of {list(_SUPPORTED)}."
            )
        self.interpolation = mode
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        x = inputs
        for i, factor in enumerate(self.size):
            axis = first + i
            if self.interpolation == "nearest":
                x = ops.repeat(x, factor, axis=axis)  # axis length n -> n * factor
                continue
            lower, upper, weight = bilinear_taps(int(x.shape[axis]), factor)
            low = ops.take(x, lower, axis=axis)  # axis length n -> n * factor
            high = ops.take(x, upper, axis=axis)
            shape = [1] * 4
            shape[axis] = weight.shape[0]
            w = ops.cast(ops.reshape(weight, shape), x.dtype)  # (n * factor,) -> broadcastable
            x = ops.add(low, ops.multiply(ops.subtract(high, low), w))
        return x

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for i, factor in enumerate(self.size):
            if out[first + i] is not None:
                out[first + i] *= factor
        return tuple(out)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        return config
