"""``Cropping2D``: cropping at both ends of 2D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class Cropping2D(BaseSpatialMargin):
    """Crop images: remove rows and columns at the edges.

    Inputs are ``(batch, rows, cols, channels)`` (``(batch, channels, ...)`` with ``channels_first``).

    Args:
        cropping: int (all edges), ``(rows, cols)`` (symmetric) or ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(rank=2, amounts=cropping, mode="crop", data_format=data_format,
                         arg="cropping", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        config["data_format"] = self.data_format
        return config
