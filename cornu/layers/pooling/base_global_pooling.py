"""``BaseGlobalPooling``: reduce every spatial dimension with max or mean."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduce all ``pool_dimensions`` spatial axes.

    Args:
        pool_dimensions: number of spatial dimensions.
        pool_mode: ``"max"`` or ``"average"``.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        keepdims: keep the reduced axes with length 1.
    """

    def __init__(self, pool_dimensions, pool_mode="max", data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.data_format = standardize_data_format(data_format)
        if not isinstance(keepdims, bool):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': the `keepdims` argument must be a bool; "
                f"received keepdims={keepdims!r}."
            )
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def _spatial_axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.pool_dimensions))

    def call(self, inputs):
        reduce = ops.max if self.pool_mode == "max" else ops.mean
        return reduce(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        ac.check_rank(self, input_shape, self.pool_dimensions)
        axes = self._spatial_axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config
