"""Reuters newswire topic classification dataset."""

import json

import numpy as np

from cornu.datasets import _common
from cornu.datasets._npz import load_npz
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data", "get_word_index", "get_label_names"]

FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
    "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi",
    "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the Reuters dataset: 11,228 newswires labelled over 46 topics.

    Same processing as Keras: the whole set is shuffled with
    ``numpy.random.RandomState(seed)``; indices are shifted by
    ``index_from`` with ``start_char`` in front; with ``maxlen`` the
    sequences of ``maxlen`` indices or more are dropped; indices outside
    ``[skip_top, num_words)`` become ``oov_char`` (dropped when it is
    ``None``; without ``num_words`` the largest index is the bound); the
    first ``int(n * (1 - test_split))`` sequences form the training set.

    Args:
        path: the file's name in the dataset cache, or an absolute path.
        num_words: keep the ``num_words`` most frequent words (None: all).
        skip_top: replace the ``skip_top`` most frequent words by
            ``oov_char``.
        maxlen: drop sequences of this length or longer (None: keep all).
        test_split: fraction of the data kept for the test set.
        seed: seed of the shuffle.
        start_char: index marking the start of a sequence (None: none).
        oov_char: index replacing cut-out words (None: drop them).
        index_from: offset added to every word index.
        **kwargs: ``nb_words`` (Keras 1 name of ``num_words``) is accepted
            with a DeprecationWarning.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` are 1-D object arrays
        of lists of ints, ``y`` integer arrays of topic indices (see
        ``get_label_names``).
    """
    num_words = _common.legacy_num_words(num_words, kwargs, "reuters.load_data")
    _common.check_test_split(test_split)
    path = resolve_dataset_file(
        path, origin=_common.ORIGIN_FOLDER + "reuters.npz", file_hash=FILE_HASH
    )
    arrays = load_npz(path, keys=("x", "y"))
    xs, labels = _common.shuffled(seed, arrays["x"], arrays["y"])

    xs = _common.index_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = _common.remove_long_seq(maxlen, xs, labels)
    xs = _common.limit_vocabulary(xs, num_words, skip_top, oov_char)

    split = int(len(xs) * (1 - test_split))
    return (_common.object_array(xs[:split]), np.array(labels[:split])), (
        _common.object_array(xs[split:]),
        np.array(labels[split:]),
    )


def get_word_index(path="reuters_word_index.json"):
    """Returns the dict mapping each Reuters word to its frequency rank.

    The indices in ``load_data`` are these ranks plus ``index_from`` (3 by
    default); 0, 1 and 2 are padding, start and out-of-vocabulary.

    Args:
        path: the file's name in the dataset cache, or an absolute path.
    """
    path = resolve_dataset_file(
        path,
        origin=_common.ORIGIN_FOLDER + "reuters_word_index.json",
        file_hash=WORD_INDEX_HASH,
    )
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def get_label_names():
    """Returns the 46 topic names, as a tuple indexed by label."""
    return _LABEL_NAMES
