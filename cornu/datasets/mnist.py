"""MNIST handwritten digits dataset."""

import numpy as np

from cornu.datasets._common import ORIGIN_FOLDER
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data"]

FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset of 28x28 grayscale images of digits 0-9.

    60,000 training and 10,000 test images, as in Keras.

    Args:
        path: the file's name in the dataset cache (``~/.keras/datasets``),
            or an absolute path.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` arrays of shapes
        ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``;
        pixels in 0-255, labels in 0-9.
    """
    path = resolve_dataset_file(path, origin=ORIGIN_FOLDER + "mnist.npz", file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
    return (x_train, y_train), (x_test, y_test)
