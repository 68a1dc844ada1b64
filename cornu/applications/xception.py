"""Xception (Chollet, CVPR 2017): depthwise separable convolutions with residual links."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
_FILES = {
    True: ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"),
}


def _sep(x, filters, name, act_first=True):
    axis = _builder.channel_axis()
    if act_first:
        x = layers.Activation("relu", name=name + "_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(axis=axis, name=name + "_bn")(x)
    if not act_first:
        x = layers.Activation("relu", name=name + "_act")(x)
    return x


def _projection(x, filters):
    axis = _builder.channel_axis()
    r = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=axis)(r)


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception (22,910,480 parameters with the classifier).

    Args as for ``VGG16``; the default input is ``(299, 299, 3)`` and at least
    71x71 is accepted. Inputs must go through this module's ``preprocess_input``.
    """
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = _builder.channel_axis()

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    # entry flow: blocks 2-4, each halving the resolution
    for block, filters in ((2, 128), (3, 256), (4, 728)):
        residual = _projection(x, filters)
        if block == 2:  # block 2 starts right after an activation
            x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False,
                                       name="block2_sepconv1")(x)
            x = layers.BatchNormalization(axis=axis, name="block2_sepconv1_bn")(x)
        else:
            x = _sep(x, filters, f"block{block}_sepconv1")
        x = _sep(x, filters, f"block{block}_sepconv2")
        x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
        x = layers.Add()([x, residual])

    # middle flow: blocks 5-12
    for i in range(8):
        prefix = f"block{i + 5}"
        residual = x
        for j in (1, 2, 3):
            x = _sep(x, 728, f"{prefix}_sepconv{j}")
        x = layers.Add()([x, residual])

    # exit flow
    residual = _projection(x, 1024)
    x = _sep(x, 728, "block13_sepconv1")
    x = _sep(x, 1024, "block13_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name="block13_pool")(x)
    x = layers.Add()([x, residual])
    x = _sep(x, 1536, "block14_sepconv1", act_first=False)
    x = _sep(x, 2048, "block14_sepconv2", act_first=False)

    x = _builder.head(x, include_top, pooling, classes, classifier_activation)
    model = _builder.finish(img_input, input_tensor, x, name)
    file_name, file_hash = _FILES[bool(include_top)]
    return _builder.load(model, weights, file_name, _BASE + file_name, file_hash)


preprocess_input, decode_predictions = imagenet_utils.model_functions("Xception", "tf")
