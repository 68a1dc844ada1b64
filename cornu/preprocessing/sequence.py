"""Sequence preprocessing: padding, skip-grams and time-series batches.

The Keras 1/2 ``keras.preprocessing.sequence`` API, with the same results
(including the random draws of ``skipgrams``, which use Python's ``random``
module exactly as Keras does).
"""

import json
import random

import numpy as np

__all__ = [
    "pad_sequences",
    "skipgrams",
    "make_sampling_table",
    "TimeseriesGenerator",
]


def pad_sequences(
    sequences,
    maxlen=None,
    dtype="int32",
    padding="pre",
    truncating="pre",
    value=0.0,
):
    """Pads sequences to the same length.

    Turns a list of ``num_samples`` sequences into an array of shape
    ``(num_samples, maxlen)`` (plus the shape of the elements, when they are
    not scalars). ``maxlen`` defaults to the length of the longest sequence.
    Shorter sequences are padded with ``value``; longer ones are truncated.

    Example::

        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post")
        array([[1, 0],
               [2, 3],
               [5, 6]], dtype=int32)

    Args:
        sequences: list of sequences (lists or arrays).
        maxlen: length of the result rows; ``None`` means the longest
            sequence's length.
        dtype: dtype of the result; use ``object`` to pad with variable
            length strings.
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence.
        truncating: ``"pre"`` or ``"post"``: drop values from the start or
            the end of sequences longer than ``maxlen``.
        value: the padding value (a number or a string).

    Returns:
        A NumPy array of shape ``(len(sequences), maxlen)``.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    num_samples = len(sequences)

    lengths = []
    sample_shape = ()
    found_shape = False
    # The shape of the elements comes from the first non-empty sequence and
    # is checked against every other one below.
    for x in sequences:
        try:
            lengths.append(len(x))
            if not found_shape and len(x):
                sample_shape = np.asarray(x).shape[1:]
                found_shape = True
        except TypeError as e:
            raise ValueError(
                f"`sequences` must be a list of iterables. Found non-iterable: {x}"
            ) from e

    if maxlen is None:
        maxlen = int(np.max(lengths)) if lengths else 0

    is_dtype_str = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_dtype_str:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: "
            f"{type(value)}\nYou should set `dtype=object` for variable length "
            "strings."
        )

    x = np.full((num_samples, maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == "pre":
            trunc = s[-maxlen:] if maxlen else s[:0]
        elif truncating == "post":
            trunc = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')

        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(
                f"Shape of sample {trunc.shape[1:]} of sequence at position "
                f"{idx} is different from expected shape {sample_shape}"
            )
        if padding == "post":
            x[idx, : len(trunc)] = trunc
        elif padding == "pre":
            if len(trunc):
                x[idx, -len(trunc) :] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x


def make_sampling_table(size, sampling_factor=1e-5):
    """Generates a word-rank-based probabilistic sampling table.

    ``table[i]`` is the probability of keeping the ``i``-th most common word
    when sampling, following word2vec: ``min(1, sqrt(f / sampling_factor) /
    (f / sampling_factor))`` with word frequencies ``f`` approximated by
    Zipf's law: ``1 / (rank * (log(rank) + gamma) + 1/2 - 1/(12 * rank))``.

    Args:
        size: number of possible words.
        sampling_factor: the word2vec sampling factor.

    Returns:
        A 1-D array of ``size`` probabilities (for use with ``skipgrams``).
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(
    sequence,
    vocabulary_size,
    window_size=4,
    negative_samples=1.0,
    shuffle=True,
    categorical=False,
    sampling_table=None,
    seed=None,
):
    """Generates skip-gram word pairs with labels.

    Positive pairs are ``(word, word in its window)`` with label 1; negative
    pairs are ``(word, random word of the vocabulary)`` with label 0. Index 0
    is a non-word and is skipped. Random draws use Python's ``random``
    module (as Keras does), so ``seed`` also seeds that module.

    Args:
        sequence: list of word indices.
        vocabulary_size: largest word index + 1.
        window_size: half-width of the window around each word.
        negative_samples: number of negative pairs per positive pair
            (``0`` for none).
        shuffle: whether to shuffle the pairs.
        categorical: labels as ``[0, 1]``/``[1, 0]`` instead of ``1``/``0``.
        sampling_table: per-rank keep probabilities (see
            ``make_sampling_table``).
        seed: seed of the shuffle.

    Returns:
        ``(couples, labels)``: a list of ``[word, context]`` pairs and the
        list of their labels.
    """
    couples = []
    labels = []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        window_start = max(0, i - window_size)
        window_end = min(len(sequence), i + window_size + 1)
        for j in range(window_start, window_end):
            if j == i:
                continue
            wj = sequence[j]
            if not wj:
                continue
            couples.append([wi, wj])
            labels.append([0, 1] if categorical else 1)

    if negative_samples > 0:
        num_negative_samples = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [
            [words[i % len(words)], random.randint(1, vocabulary_size - 1)]
            for i in range(num_negative_samples)
        ]
        if categorical:
            labels += [[1, 0]] * num_negative_samples
        else:
            labels += [0] * num_negative_samples

    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


class TimeseriesGenerator:
    """Batches of sliding windows over a time series, with targets.

    Sample ``k`` of the output ends just before row ``r = start_index +
    length + k * stride`` and holds ``data[r - length : r : sampling_rate]``;
    its target is ``targets[r]``.

    Args:
        data: indexable sequence of time steps (list or array), time first.
        targets: targets, one per time step (same length as ``data``).
        length: length of the history of each sample, in time steps.
        sampling_rate: period between the time steps kept in a sample.
        stride: period between the end rows of successive samples.
        start_index: time steps before this are never used.
        end_index: time steps after this are never used (``None``: last).
        shuffle: draw the end rows at random (with ``np.random``) instead
            of in order.
        reverse: give each sample's time steps in reverse order.
        batch_size: samples per batch (the last batch may be smaller).
    """

    def __init__(
        self,
        data,
        targets,
        length,
        sampling_rate=1,
        stride=1,
        start_index=0,
        end_index=None,
        shuffle=False,
        reverse=False,
        batch_size=128,
    ):
        if len(data) != len(targets):
            raise ValueError(
                "Data and targets have to be of same length. "
                f"Data length is {len(data)} while target length is {len(targets)}"
            )
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        if end_index is None:
            end_index = len(data) - 1
        self.end_index = end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"`start_index+length={self.start_index} > "
                f"end_index={self.end_index}` is disallowed, as no part of the "
                "sequence would be left to be used as current step."
            )

    def __len__(self):
        """Number of batches."""
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        """Returns batch ``index`` as ``(samples, targets)`` arrays."""
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            if index < 0:
                index += len(self)
            if not 0 <= index < len(self):
                raise IndexError(
                    f"Batch index {index} is out of range for a generator of "
                    f"{len(self)} batches."
                )
            i = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(
                i,
                min(i + self.batch_size * self.stride, self.end_index + 1),
                self.stride,
            )
        samples = np.array(
            [self.data[row - self.length : row : self.sampling_rate] for row in rows]
        )
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self):
        """Returns the generator's configuration as a JSON-friendly dict.

        ``data`` and ``targets`` are stored as JSON strings.
        """
        data = self.data
        if type(data).__module__ == np.__name__:
            data = data.tolist()
        try:
            json_data = json.dumps(data)
        except TypeError as e:
            raise TypeError(f"Data not JSON Serializable: {data}") from e
        targets = self.targets
        if type(targets).__module__ == np.__name__:
            targets = targets.tolist()
        try:
            json_targets = json.dumps(targets)
        except TypeError as e:
            raise TypeError(f"Targets not JSON Serializable: {targets}") from e
        return {
            "data": json_data,
            "targets": json_targets,
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs):
        """Returns ``{"class_name": ..., "config": ...}`` as a JSON string.

        Args:
            **kwargs: passed to ``json.dumps``.
        """
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )
