"""``MaxPooling3D``: 3D max pooling."""
from cornu.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """3D max pooling: the maximum of each window of ``pool_size``.

    Inputs are ``(batch, dim1, dim2, dim3, channels)`` (``channels_last``) or
    ``(batch, channels, dim1, dim2, dim3)`` (``channels_first``).

    Args:
        pool_size: int or tuple of 3 ints (default (2, 2, 2)).
        strides: int, tuple of 3 ints, or None (= ``pool_size``).
        padding: ``"valid"`` or ``"same"`` (output ``ceil(n / stride)``, the
            odd pad at the end).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)
