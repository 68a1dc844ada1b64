"""IMDB movie review sentiment classification dataset."""

import json

import numpy as np

from cornu.datasets import _common
from cornu.datasets._npz import load_npz
from cornu.utils.file_utils import resolve_dataset_file

__all__ = ["load_data", "get_word_index"]

FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """Loads the IMDB dataset: 25,000 train and 25,000 test movie reviews.

    Each review is a list of word indices, words being ranked by frequency
    (index 1 is the most frequent word of the word index). The arrays come
    out exactly as Keras builds them:

    1. the training set, then the test set, are shuffled with the same
       ``numpy.random.RandomState(seed)``;
    2. every index is shifted by ``index_from`` and ``start_char`` is put in
       front of each review (when not ``None``);
    3. with ``maxlen``, reviews of ``maxlen`` indices or more (start
       character included) are dropped;
    4. indices outside ``[skip_top, num_words)`` become ``oov_char`` (or are
       dropped when ``oov_char`` is ``None``). Without ``num_words`` the
       largest index is used as the bound, so that index is replaced too.

    The file is read without unpickling: its object arrays are rebuilt by a
    restricted reader that refuses anything but plain lists of ints.

    Args:
        path: the file's name in the dataset cache, or an absolute path.
        num_words: keep the ``num_words`` most frequent words (None: all).
        skip_top: replace the ``skip_top`` most frequent words by
            ``oov_char``.
        maxlen: drop reviews of this length or longer (None: keep all).
        seed: seed of the shuffle.
        start_char: index marking the start of a review (None: none).
        oov_char: index replacing cut-out words (None: drop them).
        index_from: offset added to every word index.
        **kwargs: ``nb_words`` (Keras 1 name of ``num_words``) is accepted
            with a DeprecationWarning.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` are 1-D object arrays
        of lists of ints, ``y`` integer arrays of labels (0 negative,
        1 positive).
    """
    num_words = _common.legacy_num_words(num_words, kwargs, "imdb.load_data")
    path = resolve_dataset_file(
        path, origin=_common.ORIGIN_FOLDER + "imdb.npz", file_hash=FILE_HASH
    )
    arrays = load_npz(path, keys=("x_train", "y_train", "x_test", "y_test"))

    rng = np.random.RandomState(seed)
    indices = np.arange(len(arrays["x_train"]))
    rng.shuffle(indices)
    x_train, labels_train = arrays["x_train"][indices], arrays["y_train"][indices]
    indices = np.arange(len(arrays["x_test"]))
    rng.shuffle(indices)
    x_test, labels_test = arrays["x_test"][indices], arrays["y_test"][indices]

    x_train = _common.index_words(x_train, start_char, index_from)
    x_test = _common.index_words(x_test, start_char, index_from)

    if maxlen:
        x_train, labels_train = _common.remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = _common.remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, "
                "no sequence was kept. Increase maxlen."
            )

    xs = _common.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    return (_common.object_array(xs[:split]), labels[:split]), (
        _common.object_array(xs[split:]),
        labels[split:],
    )


def get_word_index(path="imdb_word_index.json"):
    """Returns the dict mapping each IMDB word to its frequency rank (from 1).

    The indices in ``load_data`` are these ranks plus ``index_from`` (3 by
    default); 0, 1 and 2 are padding, start and out-of-vocabulary.

    Args:
        path: the file's name in the dataset cache, or an absolute path.
    """
    path = resolve_dataset_file(
        path,
        origin=_common.ORIGIN_FOLDER + "imdb_word_index.json",
        file_hash=WORD_INDEX_HASH,
    )
    with open(path, encoding="utf-8") as f:
        return json.load(f)
