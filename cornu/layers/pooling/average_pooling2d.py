"""``AveragePooling2D``: 2D average pooling."""
from cornu.layers.pooling.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """2D average pooling: the mean of each window of ``pool_size``.

    Inputs are ``(batch, rows, cols, channels)`` (``channels_last``) or
    ``(batch, channels, rows, cols)`` (``channels_first``).

    Args:
        pool_size: int or tuple of 2 ints (default (2, 2)).
        strides: int, tuple of 2 ints, or None (= ``pool_size``).
        padding: ``"valid"`` or ``"same"`` (output ``ceil(n / stride)``, the
            odd pad at the end; padded positions are not counted in the average).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)
