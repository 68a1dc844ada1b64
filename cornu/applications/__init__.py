"""``cornu.applications``: Keras's prebuilt image models, layer for layer.

Each family has its module (``cornu.applications.resnet`` ...) with the
constructors, ``preprocess_input`` and ``decode_predictions``. ImageNet
weights are the files Keras publishes, downloaded once into ``~/.keras/models``.
"""
from cornu.applications import (  # noqa: F401
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from cornu.applications.convnext import (  # noqa: F401
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from cornu.applications.densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: F401
from cornu.applications.efficientnet import (  # noqa: F401
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from cornu.applications.efficientnet_v2 import (  # noqa: F401
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from cornu.applications.inception_resnet_v2 import InceptionResNetV2  # noqa: F401
from cornu.applications.inception_v3 import InceptionV3  # noqa: F401
from cornu.applications.mobilenet import MobileNet  # noqa: F401
from cornu.applications.mobilenet_v2 import MobileNetV2  # noqa: F401
from cornu.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small  # noqa: F401
from cornu.applications.nasnet import NASNetLarge, NASNetMobile  # noqa: F401
from cornu.applications.resnet import ResNet50, ResNet101, ResNet152  # noqa: F401
from cornu.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2  # noqa: F401
from cornu.applications.vgg16 import VGG16  # noqa: F401
from cornu.applications.vgg19 import VGG19  # noqa: F401
from cornu.applications.xception import Xception  # noqa: F401

__all__ = [
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge", "DenseNet121",
    "DenseNet169", "DenseNet201", "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3",
    "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "InceptionResNetV2", "InceptionV3",
    "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2L",
    "EfficientNetV2M", "EfficientNetV2S",
    "MobileNet", "MobileNetV2", "MobileNetV3Large", "MobileNetV3Small", "NASNetLarge", "NASNetMobile",
    "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2", "VGG16", "VGG19",
    "Xception",
    "convnext", "densenet", "efficientnet", "imagenet_utils", "inception_resnet_v2", "inception_v3",
    "efficientnet_v2",
    "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet50", "resnet_v2", "vgg16",
    "vgg19", "xception",
]
