"""``ZeroPadding2D``: zero padding at both ends of 2D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class ZeroPadding2D(BaseSpatialMargin):
    """Pad images with zero rows and columns at the edges.

    Inputs are ``(batch, rows, cols, channels)`` (``(batch, channels, ...)`` with ``channels_first``).

    Args:
        padding: int (all edges), ``(rows, cols)`` (symmetric) or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(rank=2, amounts=padding, mode="pad", data_format=data_format,
                         arg="padding", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        config["data_format"] = self.data_format
        return config
