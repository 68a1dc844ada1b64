"""``PyDataset`` (Keras 3) and ``Sequence`` (Keras 2): index-able batch sources for ``fit``."""


class PyDataset:
    """Base for datasets that return whole batches by index.

    Subclasses implement ``__len__`` (batches per epoch) and ``__getitem__(i)``
    returning ``(x, y)`` or ``(x, y, sample_weight)``; ``on_epoch_end`` runs
    after each epoch.

    Args:
        workers, use_multiprocessing, max_queue_size: accepted for
            compatibility with Keras; batches are produced in the training thread.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement `__getitem__`.")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement `__len__`.")

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


Sequence = PyDataset
