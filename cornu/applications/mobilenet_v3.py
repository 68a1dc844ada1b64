"""MobileNetV3Small / MobileNetV3Large (Howard et al., "Searching for MobileNetV3", ICCV 2019).

Inverted residual blocks with optional squeeze-and-excitation and hard-swish.
The models take raw [0, 255] images: the [-1, 1] rescaling is a layer of the
model (``include_preprocessing=True``), so ``preprocess_input`` is the identity.
"""
import warnings

from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
WEIGHTS_HASHES = {  # (with classifier, without)
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}

# Blocks: (expansion, filters, kernel or None for the variant's kernel (3 minimalistic, else 5),
#          stride, squeeze-excite?, activation: "relu" or None for the variant's activation)
_SMALL = [(1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"), (88.0 / 24, 24, 3, 1, False, "relu"),
          (4, 40, None, 2, True, None), (6, 40, None, 1, True, None), (6, 40, None, 1, True, None),
          (3, 48, None, 1, True, None), (3, 48, None, 1, True, None), (6, 96, None, 2, True, None),
          (6, 96, None, 1, True, None), (6, 96, None, 1, True, None)]
_LARGE = [(1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
          (3, 40, None, 2, True, "relu"), (3, 40, None, 1, True, "relu"), (3, 40, None, 1, True, "relu"),
          (6, 80, 3, 2, False, None), (2.5, 80, 3, 1, False, None), (2.3, 80, 3, 1, False, None),
          (2.3, 80, 3, 1, False, None), (6, 112, 3, 1, True, None), (6, 112, 3, 1, True, None),
          (6, 160, None, 2, True, None), (6, 160, None, 1, True, None), (6, 160, None, 1, True, None)]


def _bn(x, name):
    return layers.BatchNormalization(axis=_builder.channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _activate(x, activation):
    """``"relu"`` (an auto-named ``ReLU`` layer) or ``"hard_swish"`` (an ``Activation`` layer)."""
    if activation == "relu":
        return layers.ReLU()(x)
    return layers.Activation("hard_swish")(x)


def _hard_sigmoid(x):
    """relu6(x + 3) / 6, spelled with graph operations as Keras does (no weights)."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_builder.make_divisible(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """Expand (1x1) -> depthwise -> optional squeeze-excite -> linear project (1x1) [+ skip]."""
    shortcut = x
    in_filters = x.shape[_builder.channel_axis()]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(_builder.make_divisible(in_filters * expansion), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _bn(x, f"{prefix}expand_bn")
        x = _activate(x, activation)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _bn(x, f"{prefix}depthwise_bn")
    x = _activate(x, activation)
    if se_ratio:
        x = _se_block(x, _builder.make_divisible(in_filters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_bn")
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _input_shape(input_shape, input_tensor):
    """Keras's MobileNetV3 input rules (any size from 32x32; unknown sides allowed)."""
    channels_first = backend.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        given = input_tensor.shape[1] if channels_first else input_tensor.shape[2]
        if given != input_shape[1]:
            raise ValueError(f"input_shape[1] must equal input_tensor.shape[{1 if channels_first else 2}]. "
                             f"Received input_shape={input_shape}, input_tensor.shape={input_tensor.shape}")
    if input_shape is None and input_tensor is not None:
        shape = tuple(input_tensor.shape)
        if channels_first:
            input_shape = (3, shape[3], shape[2])
        else:
            input_shape = (shape[2], shape[1], 3)
    if input_shape is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    rows, cols = (input_shape[1], input_shape[2]) if channels_first else (input_shape[0], input_shape[1])
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    return tuple(input_shape), rows, cols


def MobileNetV3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """A MobileNetV3 from its block table (``_SMALL`` or ``_LARGE``); see ``MobileNetV3Small``."""
    _builder.check_args(weights, False, classes)
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be '
                         f"1000.  Received classes={classes}")
    input_shape, rows, cols = _input_shape(input_shape, input_tensor)
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             "minimalistic or `1.0` for minimalistic only.")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input "
                          "shape (224, 224) will be loaded as the default.", stacklevel=3)
    img_input = _builder.make_input(input_tensor, input_shape)
    if minimalistic:
        kernel, activation, se_ratio = 3, "relu", None
    else:
        kernel, activation, se_ratio = 5, "hard_swish", 0.25

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _bn(x, "conv_bn")
    x = _activate(x, activation)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, _builder.make_divisible(filters * alpha), kernel if k is None else k, stride,
                                se_ratio if se else None, act or activation, block_id)
    last_conv_ch = _builder.make_divisible(x.shape[_builder.channel_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _builder.make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _bn(x, "conv_1_bn")
    x = _activate(x, activation)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = _activate(x, activation)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = _builder.finish(img_input, input_tensor, x, name)
    if weights == "imagenet":
        key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        if include_top:
            file_name, file_hash = f"weights_mobilenet_v3_{key}.h5", WEIGHTS_HASHES[key][0]
        else:
            file_name, file_hash = f"weights_mobilenet_v3_{key}_no_top_v2.h5", WEIGHTS_HASHES[key][1]
        return _builder.load(model, weights, file_name, BASE_WEIGHT_PATH + file_name, file_hash)
    return _builder.load(model, weights)


_ARGS_DOC = """
    Args:
        input_shape: optional shape without batch, e.g. ``(224, 224, 3)``; sides of at
            least 32 (``None`` sides allowed). ImageNet weights are for 224x224.
        alpha: width multiplier of every block (ImageNet weights: 0.75 and 1.0, or
            1.0 with ``minimalistic``); above 1.0 it also widens the last layer.
        minimalistic: 3x3 kernels, ReLU and no squeeze-and-excitation.
        include_top: whether to include the classifier (``conv_2`` + ``logits``).
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        classes: number of classes (only without ``"imagenet"`` weights).
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top=False``.
        dropout_rate: dropout before the ``logits`` layer.
        classifier_activation: activation of the ``predictions`` layer.
        include_preprocessing: rescale [0, 255] inputs to [-1, 1] inside the model.
        name: the model's name.

    Returns:
        A ``Model`` taking [0, 255] images (with ``include_preprocessing``).
    """


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    return MobileNetV3(_SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation,
                       include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    return MobileNetV3(_LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top, weights,
                       input_tensor, classes, pooling, dropout_rate, classifier_activation,
                       include_preprocessing, name=name)


MobileNetV3Small.__doc__ = ("MobileNetV3Small (2,554,968 parameters with the classifier at ``alpha=1.0``)."
                            + "\n" + _ARGS_DOC)
MobileNetV3Large.__doc__ = ("MobileNetV3Large (5,507,432 parameters with the classifier at ``alpha=1.0``)."
                            + "\n" + _ARGS_DOC)


preprocess_input, decode_predictions = imagenet_utils.model_functions("MobileNetV3", None)
