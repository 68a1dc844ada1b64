"""MobileNet (Howard et al., 2017): depthwise separable convolutions with a width multiplier."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_ALPHA_TEXT = {0.25: "2_5", 0.50: "5_0", 0.75: "7_5", 1.0: "1_0"}
# (pointwise filters, stride) of depthwise blocks 1..13
_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
           (512, 1), (1024, 2), (1024, 1)]


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=None):
    """MobileNet (4,253,864 parameters for ``alpha=1.0`` with the classifier).

    Args:
        input_shape: optional shape without batch (at least 32x32); ImageNet
            weights exist for square inputs of 128, 160, 192 and 224.
        alpha: width multiplier (ImageNet weights: 0.25, 0.5, 0.75, 1.0).
        depth_multiplier: depthwise channel multiplier (1 for ImageNet weights).
        dropout: dropout rate before the classifier.
        include_top, weights, input_tensor, pooling, classes, classifier_activation:
            as for the other applications.
        name: the model's name (default ``"mobilenet_{alpha:.2f}_{rows}"``).
    """
    _builder.check_args(weights, include_top, classes, classifier_activation)
    fmt = backend.image_data_format()
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape)[1:]
    default_size = 224
    if input_shape is not None:
        rows, cols = (input_shape[1], input_shape[2]) if fmt == "channels_first" else input_shape[:2]
        if rows == cols and rows in (128, 160, 192, 224):
            default_size = rows
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=fmt, require_flatten=include_top,
                                                    weights=weights)
    rows = input_shape[1] if fmt == "channels_first" else input_shape[0]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1. "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in _ALPHA_TEXT:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, "
                             f"`0.75` or `1.0` only. Received alpha={alpha}")
        if rows not in (128, 160, 192, 224):
            rows = 224
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = 1 if fmt == "channels_first" else -1

    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2),
                      name="conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    model = _builder.finish(img_input, input_tensor, x, name)
    if weights == "imagenet":
        top = "" if include_top else "_no_top"
        file_name = f"mobilenet_{_ALPHA_TEXT[alpha]}_{rows}_tf{top}.h5"
        return _builder.load(model, weights, file_name, BASE_WEIGHT_PATH + file_name)
    return _builder.load(model, weights)


def depthwise_conv_block(inputs, pointwise_filters, alpha, depth_multiplier=1, stride=1, block_id=1):
    """Depthwise 3x3 (+BN, ReLU6) then pointwise 1x1 (+BN, ReLU6)."""
    axis = _builder.channel_axis()
    pointwise_filters = int(pointwise_filters * alpha)
    x = inputs
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid",
                               depth_multiplier=depth_multiplier, strides=(stride, stride), use_bias=False,
                               name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(pointwise_filters, (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


preprocess_input, decode_predictions = imagenet_utils.model_functions("MobileNet", "tf")
