"""CIFAR-100 small images classification dataset."""

import numpy as np

from cornu.datasets import cifar
from cornu.datasets._common import image_data_format

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
INNER = "cifar-100-python"
FOLDERS = (
    "cifar-100-python-target/cifar-100-python",
    "cifar-100-python/cifar-100-python",
    "cifar-100-python",
)
ARCHIVES = (
    "cifar-100-python.tar.gz",
    "cifar-100-python-target_archive",
    "cifar-100-python_archive",
)


def load_data(label_mode="fine"):
    """Loads the CIFAR-100 dataset: 32x32 colour images of 100 classes.

    50,000 training and 10,000 test images; each has a fine label (100
    classes) and a coarse label (20 super-classes). The batch files are
    parsed without pickle.

    Args:
        label_mode: ``"fine"`` or ``"coarse"``: which labels to return.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images, channels-last
        ``(n, 32, 32, 3)`` unless the image data format is
        ``channels_first``; int64 labels of shape ``(n, 1)``.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            '`label_mode` must be one of `"fine"`, `"coarse"`. '
            f"Received: label_mode={label_mode}."
        )
    names = ("train", "test")
    source = cifar.locate(names, INNER, FOLDERS, ARCHIVES, ORIGIN, FILE_HASH)
    raw = source.read(names)
    key = label_mode + "_labels"
    x_train, y_train = cifar.parse_batch(raw["train"], key, what=source.describe("train"))
    x_test, y_test = cifar.parse_batch(raw["test"], key, what=source.describe("test"))

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
