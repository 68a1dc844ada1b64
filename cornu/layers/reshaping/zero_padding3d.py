"""``ZeroPadding3D``: zero padding at both ends of 3D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class ZeroPadding3D(BaseSpatialMargin):
    """Pad volumes with zeros along their three spatial axes.

    Inputs are ``(batch, dim1, dim2, dim3, channels)`` (``(batch, channels, ...)`` with ``channels_first``).

    Args:
        padding: int, 3 ints (symmetric per axis) or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(rank=3, amounts=padding, mode="pad", data_format=data_format,
                         arg="padding", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        config["data_format"] = self.data_format
        return config
