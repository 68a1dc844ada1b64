"""``ZeroPadding1D``: zero padding at both ends of 1D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class ZeroPadding1D(BaseSpatialMargin):
    """Pad the time axis with zeros at the start and end.

    Inputs are ``(batch, steps, channels)`` (``(batch, channels, ...)`` with ``channels_first``).

    Args:
        padding: int (both ends) or ``(start, end)``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(rank=1, amounts=padding, mode="pad", data_format=data_format,
                         arg="padding", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        config["data_format"] = self.data_format
        return config
