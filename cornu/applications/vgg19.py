"""VGG19 (Simonyan & Zisserman, ICLR 2015)."""
from cornu.applications import imagenet_utils
from cornu.applications.vgg16 import build_vgg


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19 (143,667,240 parameters with the classifier).

    Arguments as for ``VGG16``. Inputs must go through
    ``cornu.applications.vgg19.preprocess_input`` (caffe mode).
    """
    return build_vgg("vgg19", (2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name)


preprocess_input, decode_predictions = imagenet_utils.model_functions("VGG19", "caffe")
