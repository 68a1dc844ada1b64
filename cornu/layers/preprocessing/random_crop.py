"""``RandomCrop``: cut a random ``height x width`` window out of the images in training."""
from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, check_size


class RandomCrop(ImageLayer):
    """Crops every image of a batch to ``(height, width)`` at one random location in training.

    One window position is drawn per call and shared by the whole batch. When
    the input is not larger than the target along both axes, the window is
    placed where the largest centered window of the target aspect ratio would
    start, and the slice is resized to ``(height, width)`` if it comes out
    smaller. As in Keras 3, inference (``training=False``) returns the input
    unchanged (no crop, no cast).

    Args:
        height: int, height of the output.
        width: int, width of the output.
        seed: int for repeatable crops.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Call arguments:
        inputs: images of rank 3 or 4, any numeric dtype (output in the layer's
            compute dtype in training).
        training: apply the crop (default ``True``, as in Keras).
    """

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, self.name, "RandomCrop", "height")
        self.width = check_size(width, self.name, "RandomCrop", "width")
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def _window_start(self, in_h, in_w, training):
        """``(h_start, w_start)``: random in training when the input is larger, else centered."""
        if training and in_h > self.height and in_w > self.width:
            h_start = ops.cast(random.uniform((), 0.0, float(in_h - self.height + 1), seed=self.seed_generator),
                               "int32")
            w_start = ops.cast(random.uniform((), 0.0, float(in_w - self.width + 1), seed=self.seed_generator),
                               "int32")
            return h_start, w_start
        crop_h = max(min(in_h, int(float(in_w * self.height) / self.width)), 1)
        crop_w = max(min(in_w, int(float(in_h * self.width) / self.height)), 1)
        return int((in_h - crop_h) / 2), int((in_w - crop_w) / 2)

    def call(self, inputs, training=True):
        if not training:
            return ops.convert_to_tensor(inputs)
        x = self._float_images(inputs)
        shape = ops.shape(x)
        self._check_rank(shape)
        h_axis, w_axis = self._hw_axes(len(shape))
        in_h, in_w = shape[h_axis], shape[w_axis]
        if in_h is None or in_w is None:
            raise ValueError(f"Layer '{self.name}' (RandomCrop) needs a fully defined height and width; "
                             f"received images of shape {tuple(shape)}.")
        h_start, w_start = self._window_start(in_h, in_w, training)
        if isinstance(h_start, int):
            # Static window (input not larger than the target): plain slicing, clipped at the border.
            index = [slice(None)] * len(shape)
            index[h_axis] = slice(h_start, h_start + self.height)
            index[w_axis] = slice(w_start, w_start + self.width)
            x = x[tuple(index)]
        else:
            starts = [0] * len(shape)
            starts[h_axis], starts[w_axis] = h_start, w_start
            sizes = list(shape)
            sizes[h_axis], sizes[w_axis] = self.height, self.width
            x = ops.slice(x, ops.stack([ops.cast(s, "int32") for s in starts]), sizes)
        new_shape = ops.shape(x)
        if (new_shape[h_axis], new_shape[w_axis]) != (self.height, self.width):
            x = ops.image.resize(x, (self.height, self.width), data_format=self.data_format)
            x = ops.cast(x, self.compute_dtype)
        return x

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        shape = list(input_shape)
        h_axis, w_axis = self._hw_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
