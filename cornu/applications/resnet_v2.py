"""ResNet50V2, ResNet101V2, ResNet152V2 (He et al., "Identity Mappings in Deep
Residual Networks", ECCV 2016): pre-activation residual networks."""
from cornu import layers
from cornu.applications import _builder, imagenet_utils
from cornu.applications.resnet import _DOC, ResNet


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck block; the stride sits on the 3x3 convolution."""
    axis = _builder.channel_axis(3)
    preact = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` V2 blocks: projection first, stride on the last."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=name + "_block" + str(i))
    return residual_block_v2(x, filters, stride=stride1, name=name + "_block" + str(blocks))


def _v2(depths, name, weights_name, include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation):
    def stack_fn(x):
        x = stack_residual_blocks_v2(x, 64, depths[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, depths[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, depths[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, depths[3], stride1=1, name="conv5")

    return ResNet(stack_fn, True, True, name=name, include_top=include_top, weights=weights,
                  input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                  classifier_activation=classifier_activation, weights_name=weights_name)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    return _v2((3, 4, 6, 3), name, "resnet50v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    return _v2((3, 4, 23, 3), name, "resnet101v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    return _v2((3, 8, 36, 3), name, "resnet152v2", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation)


ResNet50V2.__doc__ = _DOC.format(model="ResNet50V2", count="25,613,800")
ResNet101V2.__doc__ = _DOC.format(model="ResNet101V2", count="44,675,560")
ResNet152V2.__doc__ = _DOC.format(model="ResNet152V2", count="60,380,648")


preprocess_input, decode_predictions = imagenet_utils.model_functions("ResNetV2", "tf")
