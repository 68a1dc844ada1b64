"""``Resizing``: resize images to a fixed height and width."""
from cornu import backend, ops
from cornu.layers.preprocessing._image_base import ImageLayer, check_choice, check_size

_INT_RANGES = {"uint8": (0, 255), "int8": (-128, 127), "uint16": (0, 65535), "int16": (-32768, 32767),
               "int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1)}


def saturate_cast(x, dtype):
    """Round float ``x`` and clip it to the range of integer ``dtype`` before casting."""
    if dtype in _INT_RANGES:
        low, high = _INT_RANGES[dtype]
        x = ops.clip(ops.round(x), low, high)
    else:
        x = ops.round(x)
    return ops.cast(x, dtype)


class Resizing(ImageLayer):
    """Resizes images to ``(height, width)`` with half-pixel centers (Keras 3 / TensorFlow semantics).

    Inputs are rank 3 (one image) or 4 (a batch), ``channels_last`` or
    ``channels_first``.  Integer images are resized in float then rounded back
    to their dtype.

    Args:
        height, width: the output size.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        crop_to_aspect_ratio: crop the largest centered window of the target
            aspect ratio before resizing, so nothing is distorted.
        pad_to_aspect_ratio: pad evenly (with ``fill_value``) to the target
            aspect ratio before resizing.
        fill_mode: ``"constant"`` (the only mode, used for padding).
        fill_value: the padding value.
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, self.name, "Resizing", "height")
        self.width = check_size(width, self.name, "Resizing", "width")
        self.interpolation = check_choice(interpolation, ("bilinear", "nearest"), self.name, "Resizing",
                                          "interpolation")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                f"Layer '{self.name}' (Resizing): only one of `crop_to_aspect_ratio` and "
                "`pad_to_aspect_ratio` can be True."
            )
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = check_choice(fill_mode, ("constant",), self.name, "Resizing", "fill_mode")
        self.fill_value = float(fill_value)
        self.built = True

    def call(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        self._check_rank(inputs.shape)
        dtype = backend.standardize_dtype(inputs.dtype)
        x = inputs if backend.is_float_dtype(dtype) else ops.cast(inputs, self.compute_dtype)
        out = ops.image.resize(x, (self.height, self.width), interpolation=self.interpolation,
                               crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                               pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_mode=self.fill_mode,
                               fill_value=self.fill_value, data_format=self.data_format)
        if backend.is_int_dtype(dtype):
            return saturate_cast(out, dtype)
        return out

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        shape = list(input_shape)
        h_axis, w_axis = self._hw_axes(len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "interpolation": self.interpolation,
                       "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                       "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value})
        return config
