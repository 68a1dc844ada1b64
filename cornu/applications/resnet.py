"""ResNet50, ResNet101, ResNet152 (He et al., CVPR 2015) and the shared ResNet trunk."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}


def ResNet(stack_fn, preact, use_bias, name="resnet", include_top=True, weights="imagenet",
           input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax", weights_name=None):
    """The ResNet trunk: a 7x7 stem, the residual stacks built by ``stack_fn(x)``
    and the classifier or pooling. ``preact=True`` gives the V2 (pre-activation) form."""
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = _builder.channel_axis(3)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _builder.head(x, include_top, pooling, classes, classifier_activation, named_pool=True)
    model = _builder.finish(img_input, input_tensor, x, name)
    if weights == "imagenet" and weights_name in WEIGHTS_HASHES:
        suffix = "" if include_top else "_notop"
        file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return _builder.load(model, weights, file_name, BASE_WEIGHTS_PATH + file_name, file_hash)
    return _builder.load(model, None if weights == "imagenet" else weights)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """Bottleneck block (1x1, kxk, 1x1 with 4x expansion), post-activation."""
    axis = _builder.channel_axis(3)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` V1 bottleneck blocks, the first one projecting (and striding)."""
    x = residual_block_v1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=name + "_block" + str(i))
    return x


def _v1(depths, name, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation):
    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, depths[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, depths[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, depths[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, depths[3], name="conv5")

    return ResNet(stack_fn, False, True, name=name, include_top=include_top, weights=weights,
                  input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                  classifier_activation=classifier_activation, weights_name=weights_name)


_DOC = """{model} ({count} parameters with the classifier).

    Args:
        include_top: whether to include the ``avg_pool`` + ``predictions`` classifier.
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: optional shape without batch (default ``(224, 224, 3)``);
            only with ``include_top=False`` may it differ (at least 32x32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes (only without ``"imagenet"`` weights).
        classifier_activation: activation of the ``predictions`` layer.
        name: the model's name.

    Returns:
        A ``Model``; inputs must go through this module's ``preprocess_input``.
    """


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet50"):
    return _v1((3, 4, 6, 3), name, "resnet50", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    return _v1((3, 4, 23, 3), name, "resnet101", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    return _v1((3, 8, 36, 3), name, "resnet152", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


ResNet50.__doc__ = _DOC.format(model="ResNet50", count="25,636,712")
ResNet101.__doc__ = _DOC.format(model="ResNet101", count="44,707,176")
ResNet152.__doc__ = _DOC.format(model="ResNet152", count="60,419,944")


preprocess_input, decode_predictions = imagenet_utils.model_functions("ResNet", "caffe")
