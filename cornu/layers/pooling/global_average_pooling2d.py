"""``GlobalAveragePooling2D``: average over all 2D spatial positions."""
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling for 2D inputs: ``(batch, rows, cols, channels)`` ->
    ``(batch, channels)`` (``keepdims=True`` keeps the reduced axes as 1).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
        keepdims: keep the spatial axes with length 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, pool_mode="average", data_format=data_format,
                         keepdims=keepdims, **kwargs)
