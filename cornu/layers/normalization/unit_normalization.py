"""``UnitNormalization``: scale each sample to unit L2 norm along ``axis``."""
from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.normalization.layer_normalization import _check_axes, _standardize_axis


class UnitNormalization(Layer):
    """Divides each sample by its L2 norm along ``axis``: ``x / sqrt(max(sum(x**2), 1e-12))``.

    Args:
        axis: int or list of ints, the axes to normalize over (default ``-1``).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis, self.name, "UnitNormalization")
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        square_sum = ops.sum(ops.square(x), axis=self.axis, keepdims=True)
        return ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, 1e-12)))

    def compute_output_shape(self, input_shape):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        _check_axes(axes, input_shape, self.name, "UnitNormalization")
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
