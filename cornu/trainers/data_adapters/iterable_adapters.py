"""Generators, ``PyDataset``/``Sequence`` objects and torch ``DataLoader``s."""
import collections
import concurrent.futures
import itertools

import numpy as np

from cornu.utils import tree


def _unpack(batch):
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
        raise ValueError(
            "Data yielded by a generator or dataset must be `x`, `(x,)`, `(x, y)` or "
            f"`(x, y, sample_weight)`; got a tuple of {len(batch)} elements."
        )
    if isinstance(batch, list) and len(batch) in (2, 3) and not _looks_like_inputs(batch):
        return tuple(batch) + (None,) * (3 - len(batch))
    return batch, None, None


def _looks_like_inputs(batch):
    return False


class GeneratorDataAdapter:
    """A Python generator/iterator; ``steps`` bounds each epoch (it continues across epochs)."""

    def __init__(self, generator, steps=None):
        self._iterator = iter(generator)
        self._steps = steps
        self.num_batches = steps
        self.exhausted = False

    def get_epoch_iterator(self):
        count = itertools.count() if self._steps is None else range(self._steps)
        for _ in count:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self.exhausted = True
                return
            yield _unpack(batch)


class PyDatasetAdapter:
    """An object with ``__len__`` and ``__getitem__`` returning batches (``PyDataset``/``Sequence``)."""

    def __init__(self, dataset, steps=None, shuffle=False):
        self.dataset = dataset
        self._steps = steps
        self.shuffle = shuffle
        self.num_batches = steps if steps is not None else len(dataset)
        self.exhausted = False

    def get_epoch_iterator(self):
        n = len(self.dataset)
        order = np.random.permutation(n) if self.shuffle else np.arange(n)
        limit = n if self._steps is None else self._steps
        indices = [int(order[i % n]) for i in range(limit)]
        workers = int(getattr(self.dataset, "workers", 1) or 1)
        if workers > 1:
            yield from self._prefetched(indices, workers)
        else:
            for i in indices:
                yield _unpack(self.dataset[i])
        if hasattr(self.dataset, "on_epoch_end"):
            self.dataset.on_epoch_end()

    def _prefetched(self, indices, workers):
        """Batches built by ``workers`` threads, up to ``max_queue_size`` ahead, in order.

        (``use_multiprocessing=True`` also uses threads: batches are NumPy work
        that releases the GIL, and nothing from the dataset is pickled.)
        """
        ahead = max(int(getattr(self.dataset, "max_queue_size", 10) or 10), workers)
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            pending = collections.deque()
            position = 0
            while position < len(indices) or pending:
                while position < len(indices) and len(pending) < ahead:
                    pending.append(pool.submit(self.dataset.__getitem__, indices[position]))
                    position += 1
                yield _unpack(pending.popleft().result())


class IterableAdapter:
    """A re-iterable object (e.g. ``torch.utils.data.DataLoader``): one pass per epoch."""

    def __init__(self, iterable, steps=None):
        self.iterable = iterable
        self._steps = steps
        try:
            self.num_batches = steps if steps is not None else len(iterable)
        except TypeError:
            self.num_batches = steps
        self.exhausted = False

    def get_epoch_iterator(self):
        for i, batch in enumerate(self.iterable):
            if self._steps is not None and i >= self._steps:
                return
            x, y, sw = _unpack(tuple(batch) if isinstance(batch, list) else batch)
            yield x, y, sw


def is_structure_of_arrays(x):
    return all(hasattr(a, "shape") and hasattr(a, "dtype") or a is None for a in tree.flatten(x))
