"""InceptionResNetV2 (Szegedy et al., "Inception-v4, Inception-ResNet and the
Impact of Residual Connections on Learning", AAAI 2017)."""
from cornu import backend, layers, ops
from cornu.applications import _builder, imagenet_utils
from cornu.layers import Layer
from cornu.serialization import register_builtin

BASE_WEIGHT_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
_FILES = {
    True: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96"),
    False: ("inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "d19885ff4a710c122648d3b5c3b684e4"),
}


class CustomScaleLayer(Layer):
    """``inputs[0] + inputs[1] * scale``: the scaled residual of an Inception-ResNet block.

    Args:
        scale: the factor applied to the residual branch (``inputs[1]``).
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return ops.add(inputs[0], ops.multiply(inputs[1], self.scale))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config


# Keras writes the class's private module path; cornu files name it the same way.
register_builtin("keras.src.applications.inception_resnet_v2", CustomScaleLayer)
register_builtin("keras.applications.inception_resnet_v2", CustomScaleLayer)


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    """Conv2D, then (without bias) BatchNormalization without scale, then the activation.

    Layers are named ``name``, ``name + "_bn"`` and ``name + "_ac"`` (auto names without ``name``).
    """
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=_builder.channel_axis(3), scale=False, name=bn_name)(x)
    if activation is not None:
        ac_name = None if name is None else f"{name}_ac"
        x = layers.Activation(activation, name=ac_name)(x)
    return x


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One Inception-ResNet block: ``activation(x + scale * conv(concat(branches(x))))``.

    Args:
        x: input tensor.
        scale: factor of the residual branch.
        block_type: ``"block35"``, ``"block17"`` or ``"block8"`` (the branch structure).
        block_idx: index used in the layer names (``f"{block_type}_{block_idx}_..."``).
        activation: activation after the sum (``None`` for none).
    """
    if block_type == "block35":
        b0 = conv2d_bn(x, 32, 1)
        b1 = conv2d_bn(conv2d_bn(x, 32, 1), 32, 3)
        b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 32, 1), 48, 3), 64, 3)
        branches = [b0, b1, b2]
    elif block_type == "block17":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 128, 1), 160, [1, 7]), 192, [7, 1])
        branches = [b0, b1]
    elif block_type == "block8":
        b0 = conv2d_bn(x, 192, 1)
        b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1), 224, [1, 3]), 256, [3, 1])
        branches = [b0, b1]
    else:
        raise ValueError('Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", '
                         f"but got: {block_type}")
    block_name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_builder.channel_axis(3), name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[_builder.channel_axis(3)], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                      classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    """InceptionResNetV2 (55,873,736 parameters with the classifier).

    Args:
        include_top: whether to include the ``predictions`` classifier.
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: shape without batch when ``include_top=False`` (default
            ``(299, 299, 3)``; sides of at least 75).
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top=False``.
        classes: number of classes (only without ``"imagenet"`` weights).
        classifier_activation: activation of the ``predictions`` layer.
        name: the model's name.

    Returns:
        A ``Model``; inputs must go through this module's ``preprocess_input`` ([-1, 1]).
    """
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=75, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = _builder.channel_axis(3)

    # stem: 35 x 35 x 192
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    # mixed 5b (Inception-A): 35 x 35 x 320
    b0 = conv2d_bn(x, 96, 1)
    b1 = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    bp = conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=axis, name="mixed_5b")([b0, b1, b2, bp])
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    # mixed 6a (Reduction-A): 17 x 17 x 1088
    b0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_6a")([b0, b1, bp])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    # mixed 7a (Reduction-B): 8 x 8 x 2080
    b0 = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b1 = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    b2 = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    bp = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_7a")([b0, b1, b2, bp])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)

    x = conv2d_bn(x, 1536, 1, name="conv_7b")  # 8 x 8 x 1536
    x = _builder.head(x, include_top, pooling, classes, classifier_activation)
    model = _builder.finish(img_input, input_tensor, x, name)
    file_name, file_hash = _FILES[bool(include_top)]
    return _builder.load(model, weights, file_name, BASE_WEIGHT_URL + file_name, file_hash)


preprocess_input, decode_predictions = imagenet_utils.model_functions("InceptionResNetV2", "tf")
