"""``UpSampling3D``: repeat voxels along the three spatial axes."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.convolutional import arg_checks as ac
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class UpSampling3D(Layer):
    """Repeat each of the three spatial axes ``size[i]`` times.

    Args:
        size: int or tuple of 3 ints (default ``(2, 2, 2)``).
        data_format: ``"channels_last"`` (``(batch, d1, d2, d3, channels)``) or
            ``"channels_first"`` (default: the config's).
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = ac.int_tuple(self, size, 3, "size")
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)
        self.built = True

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        x = inputs
        for i, factor in enumerate(self.size):
            x = ops.repeat(x, factor, axis=first + i)  # axis length n -> n * factor
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
        config.update({"size": self.size, "data_format": self.data_format})
        return config
