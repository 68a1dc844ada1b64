"""``RandomFlip``: randomly flip images horizontally and/or vertically in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, check_choice

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(ImageLayer):
    """Flips each image with probability 1/2 during training; the identity in inference.

    Args:
        mode: ``"horizontal"`` (left-right), ``"vertical"`` (top-bottom) or
            ``"horizontal_and_vertical"`` (default; one draw per image decides both).
        seed: int for repeatable flips.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Call arguments:
        inputs: images of rank 3 or 4.
        training: apply the augmentation (default ``True``, as in Keras; models
            pass ``False`` in ``predict``/``evaluate``).
    """

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.mode = check_choice(mode, (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL), self.name,
                                 "RandomFlip", "mode")
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        x, unbatched = self._batched(x)
        batch = ops.shape(x)[0]
        flips = ops.less_equal(random.uniform((batch, 1, 1, 1), seed=self.seed_generator), 0.5)
        h_axis, w_axis = self._hw_axes(4)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x = ops.where(flips, ops.flip(x, axis=w_axis), x)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            x = ops.where(flips, ops.flip(x, axis=h_axis), x)
        return ops.squeeze(x, 0) if unbatched else x

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode, "seed": self.seed})
        return config
