"""``CenterCrop``: crop the central ``height x width`` window of images."""
from cornu import ops
from cornu.layers.preprocessing._image_base import ImageLayer, check_size


class CenterCrop(ImageLayer):
    """Crops the center of images to ``(height, width)``.

    When an image is smaller than the target in some dimension, it is instead
    cropped to the target aspect ratio and resized (bilinear), as Keras's
    ``smart_resize`` does.

    Args:
        height, width: the output size.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, self.name, "CenterCrop", "height")
        self.width = check_size(width, self.name, "CenterCrop", "width")
        self.built = True

    def call(self, inputs):
        x = self._float_images(inputs)
        shape = ops.shape(x)
        self._check_rank(shape)
        height, width = self._height_width(shape)
        h_diff, w_diff = height - self.height, width - self.width
        if h_diff >= 0 and w_diff >= 0:
            top, left = int(h_diff / 2), int(w_diff / 2)
            h_axis, w_axis = self._hw_axes(len(shape))
            index = [slice(None)] * len(shape)
            index[h_axis] = slice(top, top + self.height)
            index[w_axis] = slice(left, left + self.width)
            return x[tuple(index)]
        return ops.image.resize(x, (self.height, self.width), interpolation="bilinear",
                                crop_to_aspect_ratio=True, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        shape = list(input_shape)
        h_axis, w_axis = self._hw_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width})
        return config
