"""InceptionV3 (Szegedy et al., "Rethinking the Inception Architecture", CVPR 2016)."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
_FILES = {
    True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564"),
    False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63"),
}


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias) + BatchNormalization (no scale) + ReLU."""
    bn_name = None if name is None else name + "_bn"
    conv_name = None if name is None else name + "_conv"
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
                      name=conv_name)(x)
    x = layers.BatchNormalization(axis=_builder.channel_axis(3), scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    b = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(b, filters, 1, 1)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """InceptionV3 (23,851,784 parameters with the classifier).

    Args as for ``VGG16``; the default input is ``(299, 299, 3)`` and at least
    75x75 is accepted. Inputs must go through this module's ``preprocess_input``.
    """
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = _builder.channel_axis(3)

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    # mixed 0, 1, 2: 35 x 35 x 256 / 288
    for i, pool_filters in enumerate((32, 64, 64)):
        b1 = conv2d_bn(x, 64, 1, 1)
        b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
        b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        bp = _avg_branch(x, pool_filters)
        x = layers.Concatenate(axis=axis, name=f"mixed{i}")([b1, b5, b3, bp])

    # mixed 3: 17 x 17 x 768
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed3")([b3, bd, bp])

    # mixed 4..7: 17 x 17 x 768
    for i, f in enumerate((128, 160, 160, 192)):
        b1 = conv2d_bn(x, 192, 1, 1)
        b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, f, 1, 1), f, 1, 7), 192, 7, 1)
        bd = conv2d_bn(x, f, 1, 1)
        bd = conv2d_bn(bd, f, 7, 1)
        bd = conv2d_bn(bd, f, 1, 7)
        bd = conv2d_bn(bd, f, 7, 1)
        bd = conv2d_bn(bd, 192, 1, 7)
        bp = _avg_branch(x, 192)
        x = layers.Concatenate(axis=axis, name=f"mixed{4 + i}")([b1, b7, bd, bp])

    # mixed 8: 8 x 8 x 1280
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    bp = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=axis, name="mixed8")([b3, b7, bp])

    # mixed 9, 10: 8 x 8 x 2048
    for i in range(2):
        b1 = conv2d_bn(x, 320, 1, 1)
        b3 = conv2d_bn(x, 384, 1, 1)
        b3 = layers.Concatenate(axis=axis, name=f"mixed9_{i}")([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)])
        bd = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
        bd = layers.Concatenate(axis=axis)([conv2d_bn(bd, 384, 1, 3), conv2d_bn(bd, 384, 3, 1)])
        bp = _avg_branch(x, 192)
        x = layers.Concatenate(axis=axis, name=f"mixed{9 + i}")([b1, b3, bd, bp])

    x = _builder.head(x, include_top, pooling, classes, classifier_activation)
    model = _builder.finish(img_input, input_tensor, x, name)
    file_name, file_hash = _FILES[bool(include_top)]
    return _builder.load(model, weights, file_name, _BASE + file_name, file_hash)


preprocess_input, decode_predictions = imagenet_utils.model_functions("InceptionV3", "tf")
