"""``Cropping3D``: cropping at both ends of 3D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class Cropping3D(BaseSpatialMargin):
    """Crop volumes along their three spatial axes.

    Inputs are ``(batch, dim1, dim2, dim3, channels)`` (``(batch, channels, ...)`` with ``channels_first``).

    Args:
        cropping: int, 3 ints (symmetric per axis) or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(rank=3, amounts=cropping, mode="crop", data_format=data_format,
                         arg="cropping", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        config["data_format"] = self.data_format
        return config
