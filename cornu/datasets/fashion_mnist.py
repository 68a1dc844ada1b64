"""Fashion-MNIST dataset of Zalando clothing images."""

import gzip
import os

import numpy as np

from cornu.datasets._common import ORIGIN_FOLDER
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data"]

CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
_LABELS_MAGIC = 0x00000801
_IMAGES_MAGIC = 0x00000803


def _read_idx(path, magic, header_size):
    """Reads a gzipped IDX file; returns (dimensions, uint8 payload)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < header_size or int.from_bytes(raw[:4], "big") != magic:
        raise ValueError(f"{path} is not an IDX file of the expected kind (bad header).")
    dims = [int.from_bytes(raw[i : i + 4], "big") for i in range(4, header_size, 4)]
    payload = np.frombuffer(raw, dtype=np.uint8, offset=header_size)
    if payload.size != int(np.prod(dims)):
        raise ValueError(
            f"{path} holds {payload.size} bytes of data; its header announces "
            f"{int(np.prod(dims))}."
        )
    return dims, payload.copy()


def _load_split(labels_path, images_path):
    (count,), labels = _read_idx(labels_path, _LABELS_MAGIC, 8)
    (n, rows, cols), images = _read_idx(images_path, _IMAGES_MAGIC, 16)
    if n != count:
        raise ValueError(f"{images_path} holds {n} images for {count} labels.")
    return images.reshape(len(labels), rows, cols), labels


def load_data():
    """Loads the Fashion-MNIST dataset of 28x28 grayscale clothing images.

    60,000 training and 10,000 test images of 10 classes (0 T-shirt/top,
    1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
    8 Bag, 9 Ankle boot). The four gzipped IDX files are looked up in the
    ``fashion-mnist/`` sub-folder of the dataset folders.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``uint8`` arrays of shapes
        ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
    """
    paths = [
        resolve_dataset_file(name, origin=ORIGIN_FOLDER + name, cache_subdir=CACHE_SUBDIR)
        for name in FILES
    ]
    x_train, y_train = _load_split(paths[0], paths[1])
    x_test, y_test = _load_split(paths[2], paths[3])
    return (x_train, y_train), (x_test, y_test)
