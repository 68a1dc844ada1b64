"""Adaptive pooling: average or max pooling to a fixed spatial output size, in 1D, 2D and 3D.

The six public classes differ only in the number of spatial dimensions and the
reduction, so they share one small base class here.
"""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseAdaptivePooling(Layer):
    """Pool each spatial axis into exactly ``output_size`` bins, whatever its length.

    Bin ``i`` of an axis of length ``n`` split into ``m`` bins covers positions
    ``floor(i * n / m)`` up to (excluding) ``ceil((i + 1) * n / m)``; bins may
    overlap when ``n`` is not a multiple of ``m``.

    Args:
        output_size: int or tuple of ``pool_dimensions`` positive ints.
        pool_dimensions: number of spatial dimensions (1, 2 or 3).
        pool_mode: ``"average"`` or ``"max"``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = None
    pool_mode = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(output_size, list):
            output_size = tuple(output_size)
        self.output_size = ac.int_tuple(self, output_size, self.pool_dimensions, "output_size")
        try:
            self.data_format = standardize_data_format(data_format)
        except ValueError:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the `data_format` argument must be "
                f"'channels_last' or 'channels_first'; received data_format={data_format!r}."
            ) from None
        self.input_spec = InputSpec(ndim=self.pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        op = ops.adaptive_max_pool if self.pool_mode == "max" else ops.adaptive_average_pool
        return op(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.pool_dimensions)
        if self.data_format == "channels_first":
            return input_shape[:2] + self.output_size
        return (input_shape[0],) + self.output_size + (input_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """1D adaptive average pooling: ``(batch, steps, channels)`` to ``(batch, output_size, channels)``.

    Each output step is the mean of its bin of input steps (see
    ``BaseAdaptivePooling`` for the bin bounds); ``channels_first`` inputs are
    ``(batch, channels, steps)``.

    Args:
        output_size: int or tuple of 1 int, the output length.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 1
    pool_mode = "average"


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """2D adaptive average pooling to ``output_size = (rows, cols)`` (an int means square).

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or
    ``(batch, channels, rows, cols)`` (``channels_first``).

    Args:
        output_size: int or tuple of 2 ints.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 2
    pool_mode = "average"


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """3D adaptive average pooling to ``output_size = (depth, rows, cols)`` (an int: all three).

    Inputs are ``(batch, depth, rows, cols, channels)`` (``channels_last``) or
    ``(batch, channels, depth, rows, cols)`` (``channels_first``).

    Args:
        output_size: int or tuple of 3 ints.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 3
    pool_mode = "average"


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """1D adaptive max pooling: the maximum of each bin, ``output_size`` bins per sequence.

    Args:
        output_size: int or tuple of 1 int, the output length.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 1
    pool_mode = "max"


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """2D adaptive max pooling to ``output_size = (rows, cols)`` (an int means square).

    Args:
        output_size: int or tuple of 2 ints.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 2
    pool_mode = "max"


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """3D adaptive max pooling to ``output_size = (depth, rows, cols)`` (an int: all three).

    Args:
        output_size: int or tuple of 3 ints.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    pool_dimensions = 3
    pool_mode = "max"
