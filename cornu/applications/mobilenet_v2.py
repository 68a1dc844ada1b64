"""MobileNetV2 (Sandler et al., CVPR 2018): inverted residual blocks with linear bottlenecks."""
import warnings

from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
           (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6)]


def _rows_from_args(input_shape, input_tensor, weights):
    """The (rows, cols) the model is built for, following Keras's rules."""
    fmt = backend.image_data_format()
    axes = (1, 2) if fmt == "channels_first" else (0, 1)
    if input_shape is None and input_tensor is not None:
        shape = tuple(input_tensor.shape)[1:]
        input_shape = shape
    if input_shape is None:
        return None, 224
    rows, cols = input_shape[axes[0]], input_shape[axes[1]]
    if rows == cols and rows in _SIZES:
        return input_shape, rows
    return input_shape, 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 (3,538,984 parameters for ``alpha=1.0`` with the classifier).

    Args:
        input_shape: optional shape without batch, e.g. ``(96, 96, 3)`` (at least 32x32);
            ImageNet weights exist for square inputs of 96, 128, 160, 192 and 224.
        alpha: width multiplier (ImageNet weights: 0.35, 0.5, 0.75, 1.0, 1.3, 1.4).
        include_top: whether to include the ``predictions`` classifier.
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top=False``.
        classes: number of classes (only without ``"imagenet"`` weights).
        classifier_activation: activation of the ``predictions`` layer.
        name: the model's name (default ``"mobilenetv2_{alpha:.2f}_{rows}"``).

    Returns:
        A ``Model``; inputs must go through this module's ``preprocess_input`` ([-1, 1]).
    """
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape, default_size = _rows_from_args(input_shape, input_tensor, weights)
    fmt = backend.image_data_format()
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
                             f"`0.75`, `1.0`, `1.3` or `1.4` only. Received `alpha={alpha}`")
        if input_shape is not None:
            side = input_shape[1] if fmt == "channels_first" else input_shape[0]
            if side not in _SIZES:
                warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, "
                              "192, 224]. Weights for input shape (224, 224) will be loaded as the default.",
                              stacklevel=2)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=fmt, require_flatten=include_top,
                                                    weights=weights)
    rows = input_shape[1] if fmt == "channels_first" else input_shape[0]
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = 1 if fmt == "channels_first" else -1

    first = _builder.make_divisible(32 * alpha, 8)
    x = layers.Conv2D(first, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = inverted_res_block(x, filters, alpha, stride, expansion, block_id)
    last = _builder.make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = _builder.finish(img_input, input_tensor, x, name)
    if weights == "imagenet":
        top = "" if include_top else "_no_top"
        file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
        return _builder.load(model, weights, file_name, BASE_WEIGHT_PATH + file_name)
    return _builder.load(model, weights)


def inverted_res_block(inputs, filters, alpha, stride, expansion, block_id):
    """Expand (1x1) -> depthwise 3x3 -> linear project (1x1), residual when shapes allow."""
    axis = _builder.channel_axis()
    in_channels = inputs.shape[axis]
    pointwise_filters = _builder.make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


preprocess_input, decode_predictions = imagenet_utils.model_functions("MobileNetV2", "tf")
