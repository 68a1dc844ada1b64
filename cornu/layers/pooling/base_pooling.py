"""``BasePooling``: max and average pooling over 1, 2 or 3 spatial dimensions."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.backend.common.conv_utils import conv_output_length
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BasePooling(Layer):
    """Pool windows of ``pool_size`` moved by ``strides`` (default: ``pool_size``).

    Args:
        pool_size: int or tuple of ``pool_dimensions`` ints.
        strides: int, tuple or None (= ``pool_size``).
        pool_dimensions: number of spatial dimensions.
        pool_mode: ``"max"`` or ``"average"``.
        padding: ``"valid"`` or ``"same"`` (TensorFlow rule; average pooling
            leaves the padded positions out of each average).
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid",
                 data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.pool_size = ac.int_tuple(self, pool_size, pool_dimensions, "pool_size")
        self.strides = self.pool_size if strides is None else \
            ac.int_tuple(self, strides, pool_dimensions, "strides")
        self.padding = ac.padding_mode(self, padding)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        op = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return op(inputs, pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                  data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.pool_dimensions)
        if self.data_format == "channels_first":
            spatial = input_shape[2:]
        else:
            spatial = input_shape[1:-1]
        spatial = tuple(conv_output_length(n, k, s, self.padding)
                        for n, k, s in zip(spatial, self.pool_size, self.strides))
        if self.data_format == "channels_first":
            return input_shape[:2] + spatial
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.update({
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        })
        return config
