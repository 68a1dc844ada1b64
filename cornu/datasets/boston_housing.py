"""Boston housing price regression dataset."""

import numpy as np

from cornu.datasets._common import ORIGIN_FOLDER, check_test_split, shuffled
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data"]

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing dataset (506 samples, 13 features).

    The samples are shuffled with ``numpy.random.RandomState(seed)`` and the
    first ``int(n * (1 - test_split))`` form the training set, as in Keras.

    Args:
        path: the file's name in the dataset cache, or an absolute path.
        test_split: fraction of the data kept for the test set.
        seed: seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64 arrays; with the
        defaults, of shapes ``(404, 13)``, ``(404,)``, ``(102, 13)``,
        ``(102,)``. Targets are median prices in k$.
    """
    check_test_split(test_split)
    path = resolve_dataset_file(
        path, origin=ORIGIN_FOLDER + "boston_housing.npz", file_hash=FILE_HASH
    )
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    x, y = shuffled(seed, x, y)
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (
        np.array(x[split:]),
        np.array(y[split:]),
    )
