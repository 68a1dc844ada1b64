"""ImageNet helpers shared by the applications: input preprocessing, decoding
of class scores, and the input-shape rules every constructor applies."""
import json
import warnings

import numpy as np

from cornu import backend, ops
from cornu.utils import get_file

CLASS_INDEX = None
CLASS_INDEX_PATH = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN = [103.939, 116.779, 123.68]
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_STD = [0.229, 0.224, 0.225]

PREPROCESS_INPUT_DOC = """Preprocess a batch of images for {model} (mode ``{mode}``).

    Args:
        x: a float NumPy array or tensor with 3 color channels, values in [0, 255].
            Float NumPy arrays are modified in place (as in Keras).
        data_format: ``"channels_last"`` or ``"channels_first"``; default
            ``cornu.config.image_data_format()``.

    Returns:
        The preprocessed array or tensor.
"""


def _check_format(data_format):
    if data_format is None:
        data_format = backend.image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    return data_format


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocess a batch of images as the ImageNet models expect.

    Args:
        x: float NumPy array or tensor of images (3 color channels, RGB, [0, 255]).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the global setting).
        mode: ``"caffe"`` (RGB to BGR, minus the ImageNet channel means, no scaling),
            ``"tf"`` (scale to [-1, 1]) or ``"torch"`` (scale to [0, 1], then
            normalize with the ImageNet mean and standard deviation).

    Returns:
        The preprocessed images (float NumPy arrays are modified in place).
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError("Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    data_format = _check_format(data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _mean_std(mode):
    if mode == "torch":
        return _TORCH_MEAN, _TORCH_STD
    return _CAFFE_MEAN, None


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    elif data_format == "channels_first":  # caffe: RGB -> BGR
        x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
    else:
        x = x[..., ::-1]
    mean, std = _mean_std(mode)
    for c in range(3):
        if data_format == "channels_first":
            index = (c,) if x.ndim == 3 else (slice(None), c)
        else:
            index = (Ellipsis, c)
        x[index] -= mean[c]
        if std is not None:
            x[index] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    x = ops.convert_to_tensor(x)
    ndim = len(x.shape)
    if mode == "tf":
        x = x / 127.5
        return x - 1.0
    if mode == "torch":
        x = x / 255.0
    elif data_format == "channels_first":  # caffe: RGB -> BGR
        axis = 0 if ndim == 3 else 1
        x = ops.flip(x, axis=axis)
    else:
        x = ops.flip(x, axis=-1)
    mean, std = _mean_std(mode)
    shape = [3, 1, 1] if data_format == "channels_first" else [3]
    if data_format == "channels_first" and ndim != 3:
        shape = [1] + shape
    x = x + ops.convert_to_tensor(-np.reshape(np.array(mean), shape), dtype=x.dtype)
    if std is not None:
        x = x / ops.convert_to_tensor(np.reshape(np.array(std), shape), dtype=x.dtype)
    return x


def decode_predictions(preds, top=5):
    """Turn ImageNet class scores into ``(class_id, class_name, score)`` triples.

    Args:
        preds: array or tensor of shape ``(batch, 1000)``.
        top: how many of the best classes to return per sample.

    Returns:
        A list (one per sample) of lists of ``(wordnet_id, name, score)`` tuples,
        best first. The class index (``imagenet_class_index.json``) is downloaded
        once into ``~/.keras/models``.
    """
    global CLASS_INDEX
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array of "
                         f"shape (samples, 1000)). Received array with shape: {preds.shape}")
    if CLASS_INDEX is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    preds = ops.convert_to_numpy(preds)
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda t: t[2], reverse=True)
        results.append(result)
    return results


_generic_preprocess_input = preprocess_input  # the model modules' functions below shadow these names
_generic_decode_predictions = decode_predictions

_IDENTITY_DOC = """The identity: {model} models preprocess their [0, 255] inputs themselves.

    Args:
        x: a float NumPy array or tensor.
        data_format: unused (kept for API compatibility).

    Returns:
        ``x`` unchanged.
"""


def model_functions(model, mode):
    """The ``preprocess_input`` and ``decode_predictions`` of an application module.

    ``mode`` is the preprocessing mode (``"caffe"``, ``"tf"`` or ``"torch"``), or
    ``None`` for models that take raw [0, 255] images (the identity).
    """
    if mode is None:
        def preprocess_input(x, data_format=None):
            return x

        preprocess_input.__doc__ = _IDENTITY_DOC.format(model=model)
    else:
        def preprocess_input(x, data_format=None):
            return _generic_preprocess_input(x, data_format=data_format, mode=mode)

        preprocess_input.__doc__ = PREPROCESS_INPUT_DOC.format(model=model, mode=mode)

    def decode_predictions(preds, top=5):
        """See ``cornu.applications.imagenet_utils.decode_predictions``."""
        return _generic_decode_predictions(preds, top=top)

    return preprocess_input, decode_predictions


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The input shape a model is built with, checked against the model's limits.

    Args:
        input_shape: the user's shape (without batch) or None.
        default_size: the image side the pretrained weights use.
        min_size: the smallest side the architecture accepts.
        data_format: ``"channels_last"`` or ``"channels_first"``.
        require_flatten: True when the classifier head is included (fixed size).
        weights: ``"imagenet"``, None or a path.
    """
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == "channels_first" else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {channels} input channels.", stacklevel=3)
        side = (channels, default_size, default_size)
        default_shape = side if data_format == "channels_first" else (default_size, default_size, channels)
    else:
        default_shape = ((3, default_size, default_size) if data_format == "channels_first"
                         else (default_size, default_size, 3))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}. Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        if data_format == "channels_first":
            channels, spatial = input_shape[0], input_shape[1:]
        else:
            channels, spatial = input_shape[-1], input_shape[:2]
        if weights == "imagenet" and channels != 3:
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        for side in spatial:
            if side is not None and side < min_size:
                raise ValueError(f"Input size must be at least {min_size}x{min_size}; "
                                 f"Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """Zero padding ``((top, bottom), (left, right))`` for a stride-2 'valid' convolution
    that mimics TensorFlow's 'same' padding."""
    channels_first = backend.image_data_format() == "channels_first"
    size = inputs.shape[2:4] if channels_first else inputs.shape[1:3]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained heads only accept ``None`` or ``"softmax"`` as classifier activation."""
    if weights is None:
        return
    if classifier_activation not in {None, "softmax"}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, "
                         f"with `include_top=True`; Received: classifier_activation={classifier_activation}")
