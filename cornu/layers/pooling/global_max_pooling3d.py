"""``GlobalMaxPooling3D``: max over all 3D spatial positions."""
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Global max pooling for 3D inputs: ``(batch, dim1, dim2, dim3, channels)`` ->
    ``(batch, channels)`` (``keepdims=True`` keeps the reduced axes as 1).

    Args:
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
        keepdims: keep the spatial axes with length 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=3, pool_mode="max", data_format=data_format,
                         keepdims=keepdims, **kwargs)
