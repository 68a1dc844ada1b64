"""California housing price regression dataset."""

import numpy as np

from cornu.datasets._common import ORIGIN_FOLDER, check_test_split, shuffled
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data"]

FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California housing dataset (20,640 samples, 8 features).

    Features: longitude, latitude, housing median age, total rooms, total
    bedrooms, population, households, median income. Targets: median house
    value in dollars. ``version="small"`` keeps the first 600 samples.
    The samples are then shuffled with ``numpy.random.RandomState(seed)``
    and the first ``int(n * (1 - test_split))`` form the training set.

    Args:
        version: ``"large"`` (all samples) or ``"small"`` (600 samples).
        path: the file's name in the dataset cache, or an absolute path.
        test_split: fraction of the data kept for the test set.
        seed: seed of the shuffle.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, float32 arrays; with the
        defaults, of shapes ``(16512, 8)``, ``(16512,)``, ``(4128, 8)``,
        ``(4128,)``.
    """
    check_test_split(test_split)
    if version not in ("small", "large"):
        raise ValueError(
            "Argument `version` must be one of 'small', 'large'. "
            f"Received: version={version}"
        )
    path = resolve_dataset_file(
        path, origin=ORIGIN_FOLDER + "california_housing.npz", file_hash=FILE_HASH
    )
    with np.load(path, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    x, y = shuffled(seed, x, y)
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (
        np.array(x[split:]),
        np.array(y[split:]),
    )
