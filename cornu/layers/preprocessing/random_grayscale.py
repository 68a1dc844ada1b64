"""``RandomGrayscale``: turn a random share of the images to grey in training."""
from cornu import ops
from cornu.layers.preprocessing._color_base import ColorLayer, _is_number


class RandomGrayscale(ColorLayer):
    """Replaces each image, with probability ``factor``, by its grey version.

    The grey value is the BT.601 luma ``0.2989 R + 0.5870 G + 0.1140 B``,
    written to every channel, so the output keeps the input's shape.  The
    identity in inference.

    Args:
        factor: probability in ``[0, 1]`` that an image is converted
            (default 0.5).
        data_format: ``"channels_last"`` or ``"channels_first"``.
        seed: int for repeatable draws.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not _is_number(factor) or factor < 0 or factor > 1:
            raise ValueError(
                f"Layer '{self.name}' (RandomGrayscale): `factor` should be a number between 0 and 1. "
                f"Received: factor={factor!r}"
            )
        self.factor = factor

    def _augment(self, images, batch):
        apply = ops.less(self._uniform((batch, 1, 1, 1)), float(self.factor))
        gray = ops.image.rgb_to_grayscale(images, data_format=self.data_format)  # one channel, broadcast below
        return ops.where(apply, ops.broadcast_to(gray, ops.shape(images)), images)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor})
        return config
