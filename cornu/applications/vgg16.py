"""VGG16 and VGG19 (Simonyan & Zisserman, ICLR 2015)."""
from cornu import backend, layers
from cornu.applications import _builder, imagenet_utils

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILES = {
    ("vgg16", True): ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
    ("vgg16", False): ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
    ("vgg19", True): ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    ("vgg19", False): ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
}


def build_vgg(family, convs_per_block, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name):
    """A VGG network with ``convs_per_block`` 3x3 convolutions in each of its five blocks."""
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, n) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), start=1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _builder.pool(x, pooling)
    model = _builder.finish(img_input, input_tensor, x, name)
    file_name, file_hash = _FILES[(family, bool(include_top))]
    return _builder.load(model, weights, file_name, f"{_BASE}{family}/{file_name}", file_hash)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16 (138,357,544 parameters with the classifier).

    Args:
        include_top: whether to include the 3 fully connected layers on top.
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: optional shape without batch (default ``(224, 224, 3)``);
            only with ``include_top=False`` may it differ (at least 32x32).
        pooling: ``None``, ``"avg"`` or ``"max"`` global pooling when ``include_top=False``.
        classes: number of classes (only without ``"imagenet"`` weights).
        classifier_activation: activation of the ``predictions`` layer.
        name: the model's name.

    Returns:
        A ``Model``. Inputs must go through ``cornu.applications.vgg16.preprocess_input``.
    """
    return build_vgg("vgg16", (2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)


preprocess_input, decode_predictions = imagenet_utils.model_functions("VGG16", "caffe")
