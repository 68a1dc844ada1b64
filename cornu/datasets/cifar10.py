"""CIFAR-10 small images classification dataset."""

import numpy as np

from cornu.datasets import cifar
from cornu.datasets._common import image_data_format

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
INNER = "cifar-10-batches-py"
FOLDERS = ("cifar-10-batches-py-target/cifar-10-batches-py", "cifar-10-batches-py")
ARCHIVES = (
    "cifar-10-python.tar.gz",
    "cifar-10-batches-py-target_archive",
    "cifar-10-batches-py.tar.gz",
)
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def load_data():
    """Loads the CIFAR-10 dataset: 32x32 colour images of 10 classes.

    50,000 training and 10,000 test images. Classes: 0 airplane,
    1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
    9 truck. The batch files are parsed without pickle.

    The images are channels-last ``(n, 32, 32, 3)`` unless the image data
    format is ``channels_first`` (``(n, 3, 32, 32)``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays; labels have
        shape ``(n, 1)``.
    """
    names = TRAIN_BATCHES + ("test_batch",)
    source = cifar.locate(names, INNER, FOLDERS, ARCHIVES, ORIGIN, FILE_HASH)
    raw = source.read(names)
    parts = [
        cifar.parse_batch(raw[name], "labels", what=source.describe(name))
        for name in TRAIN_BATCHES
    ]
    num_train = sum(len(data) for data, _ in parts)
    x_train = np.empty((num_train, 3, 32, 32), dtype="uint8")
    y_train = np.empty((num_train,), dtype="uint8")
    start = 0
    for data, labels in parts:
        x_train[start : start + len(data)] = data
        y_train[start : start + len(data)] = labels
        start += len(data)
    x_test, y_test = cifar.parse_batch(raw["test_batch"], "labels", what=source.describe("test_batch"))

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)
