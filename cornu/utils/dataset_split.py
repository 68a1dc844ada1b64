"""``split_dataset``: cut an in-memory dataset into a left and a right part (e.g. train/test).

Keras builds ``tf.data`` datasets here (and fails when TensorFlow is absent);
cornu needs no TensorFlow and returns :class:`SplitDataset` objects, which are
``PyDataset`` batch sources that ``fit``/``evaluate``/``predict`` take directly
and that offer the ``tf.data`` methods Keras scripts chain on the result
(``batch``, ``unbatch``, ``shuffle``, ``prefetch``, ``cache``, ``cardinality``).

Size rules (those of Keras): a float is a fraction in ``(0, 1)`` rounded with
Python's ``round(fraction * n)``, an int a count in ``(0, n)``; a missing side is
the complement of the other; when both are given and leave samples over, the
left part is the first ``left_size`` samples and the right part the last
``right_size`` ones.  ``shuffle`` permutes the samples first with Python's
``random`` seeded by ``seed``, so the same seed picks the same samples as Keras.
"""
import numbers
import random

import numpy as np

from cornu.utils import tree
from cornu.utils.py_dataset import PyDataset

DEFAULT_BATCH_SIZE = 32


class SplitDataset(PyDataset):
    """Samples held as a structure of NumPy arrays, served in batches.

    Args:
        data: an array, or a tuple/list/dict (possibly nested) of arrays with
            the same first dimension.  Each sample is the structure of row ``i``
            of every array (lists become tuples, as in Keras).
        batch_size: samples per batch; ``None`` serves single samples.
        shuffle: redraw the sample order after each epoch.
        seed: seed of that reshuffling.
    """

    def __init__(self, data, batch_size=DEFAULT_BATCH_SIZE, shuffle=False, seed=None):
        super().__init__()
        self._data = _lists_to_tuples(data)
        leaves = tree.flatten(self._data)
        self._n = int(leaves[0].shape[0]) if leaves else 0
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
                                       or batch_size <= 0):
            raise ValueError(f"`batch_size` must be a positive integer or None. Received: batch_size={batch_size!r}")
        self.batch_size = None if batch_size is None else int(batch_size)
        self._shuffle = bool(shuffle)
        self._seed = seed
        self._rng = np.random.RandomState(seed)
        self._order = self._rng.permutation(self._n) if self._shuffle else np.arange(self._n)

    @property
    def data(self):
        """All samples, in their original order, as the structure of arrays."""
        return self._data

    @property
    def num_samples(self):
        """Number of samples (not batches)."""
        return self._n

    def __len__(self):
        if self.batch_size is None:
            return self._n
        return -(-self._n // self.batch_size)

    def __getitem__(self, index):
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, (numbers.Integral, np.integer)):
            raise TypeError(f"SplitDataset indices must be integers. Received: {index!r}")
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"Index {index} out of range for a SplitDataset of {len(self)} elements.")
        if self.batch_size is None:
            i = int(self._order[index])
            return tree.map_structure(lambda a: a[i], self._data)
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        return tree.map_structure(lambda a: a[rows], self._data)

    def on_epoch_end(self):
        if self._shuffle:
            self._order = self._rng.permutation(self._n)

    def cardinality(self):
        """Number of elements (batches, or samples when unbatched), like ``tf.data``."""
        return len(self)

    def batch(self, batch_size, drop_remainder=False):
        """The same samples in batches of ``batch_size`` (re-batching if already batched)."""
        if drop_remainder:
            if isinstance(batch_size, numbers.Integral) and batch_size > 0:
                keep = (self._n // int(batch_size)) * int(batch_size)
                return SplitDataset(tree.map_structure(lambda a: a[self._order[:keep]], self._data), batch_size)
        return SplitDataset(self._data, batch_size, shuffle=self._shuffle, seed=self._seed)

    def unbatch(self):
        """The same samples, one at a time."""
        return SplitDataset(self._data, None, shuffle=self._shuffle, seed=self._seed)

    def shuffle(self, buffer_size=None, seed=None, reshuffle_each_iteration=True):
        """The same samples in a seeded random order, redrawn after every epoch (the whole
        dataset is the buffer, so ``buffer_size`` is accepted and ignored)."""
        del buffer_size, reshuffle_each_iteration
        return SplitDataset(self._data, self.batch_size, shuffle=True, seed=seed)

    def prefetch(self, buffer_size=None):
        """Returns ``self``: batches are cut from arrays already in memory."""
        del buffer_size
        return self

    def cache(self, filename=""):
        """Returns ``self``: the samples already live in memory."""
        del filename
        return self

    def __repr__(self):
        return f"<SplitDataset samples={self._n} batch_size={self.batch_size}>"


def _lists_to_tuples(structure):
    if isinstance(structure, dict):
        return {k: _lists_to_tuples(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return tuple(_lists_to_tuples(v) for v in structure)
    return structure


def _is_array(x):
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, (list, tuple, dict))


def _is_torch_dataset(x):
    return any(c.__name__ in ("Dataset", "IterableDataset") and c.__module__.startswith("torch.utils.data")
               for c in type(x).__mro__)


def _arrays_of(structure, kind):
    """Check a structure of arrays (all leaves arrays of one length); NumPy copies of it."""
    if isinstance(structure, (list, tuple, dict)) and len(structure) == 0:
        raise ValueError(f"Received an empty {kind} dataset. Please provide a non-empty {kind} of arrays.")
    leaves = tree.flatten(structure)
    expected = None
    for i, leaf in enumerate(leaves):
        if not _is_array(leaf):
            raise ValueError(f"Expected a {kind} of `numpy.ndarray` objects. Received: {type(leaf).__name__} "
                             f"at index {i}.")
        if len(leaf.shape) == 0:
            raise ValueError(f"Expected arrays with a sample dimension. Received a scalar at index {i}.")
        if expected is None:
            expected = leaf.shape
        elif leaf.shape[0] != expected[0]:
            raise ValueError(f"Received a {kind} of arrays with different lengths. Mismatch found at index {i}: "
                             f"expected {expected[0]} samples (shape={tuple(expected)}), received shape="
                             f"{tuple(leaf.shape)}. Please provide arrays of the same length.")
    return tree.map_structure(np.asarray, structure)


def _stack_elements(elements, concatenate):
    """One structure of arrays from a list of same-structure elements (samples or batches)."""
    flat = [tree.flatten(e) for e in elements]
    widths = {len(f) for f in flat}
    if len(widths) != 1:
        raise ValueError("All `dataset` elements must have the same structure.")
    joined = []
    for column in zip(*flat):
        arrays = [np.asarray(a) for a in column]
        shapes = {a.shape[1:] if concatenate else a.shape for a in arrays}
        if len(shapes) != 1:
            raise ValueError(f"All `dataset` samples must have the same shape. Received shapes: {sorted(shapes)}")
        joined.append(np.concatenate(arrays) if concatenate else np.stack(arrays))
    return tree.pack_sequence_as(elements[0], joined)


def _to_structure(dataset):
    """``(structure of arrays, batch size to serve)`` for a supported ``dataset``."""
    if _is_array(dataset):
        if len(dataset.shape) == 0:
            raise ValueError("Expected an array with a sample dimension. Received a scalar.")
        return np.asarray(dataset), DEFAULT_BATCH_SIZE
    if isinstance(dataset, tuple):
        return _arrays_of(dataset, "tuple"), DEFAULT_BATCH_SIZE
    if isinstance(dataset, list):
        return _arrays_of(dataset, "list"), DEFAULT_BATCH_SIZE
    if isinstance(dataset, dict):
        return _arrays_of(dataset, "dict"), DEFAULT_BATCH_SIZE
    if hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__"):
        n = len(dataset)
        if n == 0:
            raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty list/tuple/dict of "
                             "arrays or a non-empty dataset.")
        elements = [dataset[i] for i in range(n)]
        if _is_torch_dataset(dataset):  # map-style torch datasets index samples
            return _stack_elements(elements, concatenate=False), DEFAULT_BATCH_SIZE
        # Items are batches (of ``batch_size``, None meaning single samples); without that
        # attribute, re-batch as the first batch.
        batch_size = getattr(dataset, "batch_size", "unknown")
        if isinstance(batch_size, str):
            batch_size = int(np.shape(tree.flatten(elements[0])[0])[0])
        if batch_size is None:
            return _stack_elements(elements, concatenate=False), None
        return _stack_elements(elements, concatenate=True), batch_size
    raise TypeError("The `dataset` argument must be a NumPy array, a list/tuple/dict of arrays with the same "
                    "length, a PyDataset or a map-style torch Dataset. "
                    f"Received: dataset={dataset!r} of type {type(dataset)}")


def _size_type(value, argname):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "invalid"
    if isinstance(value, numbers.Integral):
        return int
    if isinstance(value, numbers.Real):
        return float
    return "invalid"


def rescale_split_sizes(left_size, right_size, total_length):
    """``(left, right)`` sample counts from the user's sizes, with Keras's checks and rounding."""
    left_type, right_type = _size_type(left_size, "left_size"), _size_type(right_size, "right_size")
    if left_type == "invalid" and right_type == "invalid":
        raise TypeError("Invalid `left_size` and `right_size` Types. Expected: integer or float or None, "
                        f"Received: type(left_size)={type(left_size)} and type(right_size)={type(right_size)}")
    if left_type == "invalid":
        raise TypeError(f"Invalid `left_size` Type. Expected: int or float or None, Received: "
                        f"type(left_size)={type(left_size)}.")
    if right_type == "invalid":
        raise TypeError(f"Invalid `right_size` Type. Expected: int or float or None, Received: "
                        f"type(right_size)={type(right_size)}.")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be "
                         "non-zero.")
    if (left_type is int and not 0 < left_size < total_length) or (left_type is float and not 0 < left_size < 1):
        raise ValueError(f"`left_size` should be either a positive integer smaller than {total_length}, or a float "
                         f"within the range `[0, 1]`. Received: left_size={left_size}")
    if (right_type is int and not 0 < right_size < total_length) or (right_type is float and not 0 < right_size < 1):
        raise ValueError(f"`right_size` should be either a positive integer and smaller than {total_length} or a "
                         f"float within the range `[0, 1]`. Received: right_size={right_size}")
    if left_type is float and right_type is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or "
                         "equal to 1.")
    left = None if left_type is None else (round(left_size * total_length) if left_type is float else int(left_size))
    right = None if right_type is None else (round(right_size * total_length) if right_type is float
                                             else int(right_size))
    if left is None:
        left = total_length - right
    elif right is None:
        right = total_length - left
    if left + right > total_length:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total_length}. "
                         f"Received: left_size + right_size = {left + right} and total_length = {total_length}")
    for count, side in ((left, "left"), (right, "right")):
        if count == 0:
            raise ValueError(f"With `dataset` of length={total_length}, `left_size`={left} and `right_size`={right}. "
                             f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned "
                             "parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Split a dataset into a left part and a right part (e.g. train / test).

    Args:
        dataset: a NumPy array, a tuple/list/dict (possibly nested) of arrays
            with the same length, a ``PyDataset`` (its batches are joined, the
            splits keep its batch size) or a map-style torch ``Dataset``.
        left_size: a float in ``(0, 1)``: the fraction of samples in the left
            part (rounded with ``round``); an int: their number; None: the
            complement of ``right_size``.
        right_size: the same for the right part.
        shuffle: shuffle the samples before splitting.
        seed: seed of that shuffle (Python's ``random``, as Keras).
        preferred_backend: accepted for compatibility; cornu always returns
            :class:`SplitDataset` objects.

    Returns:
        ``(left, right)``: two :class:`SplitDataset` objects serving batches
        (of 32 samples for array inputs; call ``.batch(n)`` for another size,
        ``.unbatch()`` for single samples), ready for ``model.fit``.
    """
    if preferred_backend not in (None, "tensorflow", "torch", "jax", "numpy"):
        raise ValueError("`preferred_backend` must be None, 'tensorflow', 'torch', 'jax' or 'numpy'. Received: "
                         f"preferred_backend={preferred_backend!r}")
    data, batch_size = _to_structure(dataset)
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. Received: "
                         "left_size=None and right_size=None")
    total = int(tree.flatten(data)[0].shape[0])
    if total == 0:
        raise ValueError("Received an empty dataset. Argument `dataset` must be a non-empty list/tuple of "
                         "`numpy.ndarray` objects.")
    order = list(range(total))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.Random(seed).shuffle(order)
    left, right = rescale_split_sizes(left_size, right_size, total)
    left_rows, right_rows = np.asarray(order[:left]), np.asarray(order[total - right:])
    return (SplitDataset(tree.map_structure(lambda a: a[left_rows], data), batch_size),
            SplitDataset(tree.map_structure(lambda a: a[right_rows], data), batch_size))


__all__ = ["split_dataset", "SplitDataset", "rescale_split_sizes"]
