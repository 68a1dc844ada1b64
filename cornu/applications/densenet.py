"""DenseNet121, DenseNet169, DenseNet201 (Huang et al., CVPR 2017)."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
_HASHES = {  # (with classifier, without)
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}


def _bn(x, name):
    return layers.BatchNormalization(axis=_builder.channel_axis(3), epsilon=1.001e-5, name=name)(x)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 (4k) -> BN-ReLU-3x3 (k), concatenated to the input."""
    x1 = _bn(x, name + "_0_bn")
    x1 = layers.Activation("relu", name=name + "_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn(x1, name + "_1_bn")
    x1 = layers.Activation("relu", name=name + "_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=_builder.channel_axis(3), name=name + "_concat")([x, x1])


def dense_block(x, blocks, name):
    """``blocks`` conv blocks with growth rate 32."""
    for i in range(blocks):
        x = conv_block(x, 32, name=name + "_block" + str(i + 1))
    return x


def transition_block(x, reduction, name):
    """BN-ReLU-1x1 (channels x reduction) then 2x2 average pooling."""
    x = _bn(x, name + "_bn")
    x = layers.Activation("relu", name=name + "_relu")(x)
    x = layers.Conv2D(int(x.shape[_builder.channel_axis(3)] * reduction), 1, use_bias=False, name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    """A DenseNet with ``blocks`` conv blocks in each of its four dense blocks."""
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn(x, "conv1_bn")
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name=f"conv{i + 2}")
        if i < 3:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = _bn(x, "bn")
    x = layers.Activation("relu", name="relu")(x)
    x = _builder.head(x, include_top, pooling, classes, classifier_activation, named_pool=True)
    model = _builder.finish(img_input, input_tensor, x, name)
    key = {(6, 12, 24, 16): "densenet121", (6, 12, 32, 32): "densenet169", (6, 12, 48, 32): "densenet201"}
    family = key.get(tuple(blocks))
    if weights == "imagenet" and family is not None:
        suffix = "" if include_top else "_notop"
        file_name = f"{family}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        file_hash = _HASHES[family][0 if include_top else 1]
        return _builder.load(model, weights, file_name, BASE_WEIGHTS_PATH + file_name, file_hash)
    return _builder.load(model, None if weights == "imagenet" else weights)


_DOC = """{model} ({count} parameters with the classifier).

    Args as for ``VGG16`` (default input ``(224, 224, 3)``, at least 32x32).
    Inputs must go through this module's ``preprocess_input`` (torch mode).
    """


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


DenseNet121.__doc__ = _DOC.format(model="DenseNet121", count="8,062,504")
DenseNet169.__doc__ = _DOC.format(model="DenseNet169", count="14,307,880")
DenseNet201.__doc__ = _DOC.format(model="DenseNet201", count="20,242,984")


preprocess_input, decode_predictions = imagenet_utils.model_functions("DenseNet", "torch")
