"""``keras.applications.resnet50``: ResNet50 with its caffe-mode preprocessing."""
from cornu.applications.resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
