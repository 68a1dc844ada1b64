"""Helpers shared by the dataset loaders."""

import os
import warnings

import numpy as np

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def check_test_split(test_split):
    """Raises a ValueError unless ``0 <= test_split < 1``."""
    if not 0 <= test_split < 1:
        raise ValueError(
            f"`test_split` must be a fraction in [0, 1). Received: "
            f"test_split={test_split}"
        )


def shuffled(seed, *arrays):
    """Shuffles arrays of equal length with one ``RandomState(seed)`` permutation.

    Same algorithm as Keras: ``indices = arange(n)``, shuffled in place by a
    fresh ``numpy.random.RandomState(seed)``, then used to index every array.
    """
    rng = np.random.RandomState(seed)
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return tuple(a[indices] for a in arrays)


def object_array(sequences):
    """A 1-D object array holding each sequence (a list) as one element.

    ``np.array(list_of_lists, dtype=object)`` gives the same result for
    ragged lists (real data), but would build a 2-D array when all lists
    happen to have one length; this never does.
    """
    array = np.empty(len(sequences), dtype=object)
    for i, seq in enumerate(sequences):
        array[i] = seq
    return array


def remove_long_seq(maxlen, seqs, labels):
    """Keeps the sequences strictly shorter than ``maxlen``, with their labels."""
    kept_seqs, kept_labels = [], []
    for seq, label in zip(seqs, labels):
        if len(seq) < maxlen:
            kept_seqs.append(seq)
            kept_labels.append(label)
    return kept_seqs, kept_labels


def index_words(seqs, start_char, index_from):
    """Adds ``index_from`` to every word index and prepends ``start_char``."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in seq] for seq in seqs]
    if index_from:
        return [[w + index_from for w in seq] for seq in seqs]
    return [list(seq) for seq in seqs]


def limit_vocabulary(seqs, num_words, skip_top, oov_char):
    """Replaces (or drops, when ``oov_char`` is None) words outside the range.

    Words ``w`` with ``skip_top <= w < num_words`` are kept. When
    ``num_words`` is falsy it is the largest index present (so, as in Keras,
    that largest index itself counts as out of range).
    """
    if not num_words:
        num_words = max((max(seq) for seq in seqs if len(seq)), default=0)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in seqs]
    return [[w for w in seq if skip_top <= w < num_words] for seq in seqs]


def legacy_num_words(num_words, kwargs, loader):
    """Handles the Keras 1 ``nb_words`` argument and unknown keywords."""
    if "nb_words" in kwargs:
        warnings.warn(
            f"The `nb_words` argument of `{loader}` has been renamed "
            "`num_words`.",
            DeprecationWarning,
            stacklevel=3,
        )
        num_words = kwargs.pop("nb_words")
    if kwargs:
        warnings.warn(
            f"`{loader}` ignores the unknown keyword arguments {sorted(kwargs)}.",
            stacklevel=3,
        )
    return num_words


def image_data_format():
    """The image data format: ``$CORNU_IMAGE_DATA_FORMAT``, else channels_last."""
    value = os.environ.get("CORNU_IMAGE_DATA_FORMAT", "channels_last").strip().lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "CORNU_IMAGE_DATA_FORMAT must be 'channels_last' or 'channels_first'. "
            f"Received: {value!r}"
        )
    return value
