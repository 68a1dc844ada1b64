"""``Cropping1D``: cropping at both ends of 1D spatial axes."""
from cornu.layers.reshaping.base_spatial_margin import BaseSpatialMargin


class Cropping1D(BaseSpatialMargin):
    """Crop along the time axis: remove ``cropping`` steps at the start and end.

    Inputs are ``(batch, steps, channels)``.

    Args:
        cropping: int (both ends) or ``(start, end)``.
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(rank=1, amounts=cropping, mode="crop", data_format="channels_last",
                         arg="cropping", **kwargs)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = self.cropping
        return config
