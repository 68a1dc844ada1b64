"""``MaxPooling1D``: 1D max pooling."""
from cornu.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """1D max pooling: the maximum of each window of ``pool_size``.

    Inputs are ``(batch, steps, channels)`` (``channels_last``) or
    ``(batch, channels, steps)`` (``channels_first``).

    Args:
        pool_size: int or tuple of 1 ints (default 2).
        strides: int, tuple of 1 ints, or None (= ``pool_size``).
        padding: ``"valid"`` or ``"same"`` (output ``ceil(n / stride)``, the
            odd pad at the end).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)
