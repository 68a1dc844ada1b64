"""Turns a data adapter into engine-tensor batches for each epoch."""
import queue
import threading
import warnings

import numpy as np

from cornu import backend
from cornu.backend import runtime_flags
from cornu.trainers.data_adapters import get_data_adapter
from cornu.utils import tree


def _to_tensor(x):
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "US" or (x.dtype.kind == "O" and _all_strings(x)):
            return x  # strings stay on the host, for StringLookup/TextVectorization/Hashing layers
        if x.dtype.kind == "O":
            raise ValueError(f"Cannot train on an array of dtype {x.dtype}; convert it to numbers first.")
        if x.dtype == np.float64:
            x = x.astype(backend.floatx())
        return backend.host_to_device(x)  # pinned and asynchronous on a GPU
    if backend.is_tensor(x):
        return backend.host_to_device(x)  # e.g. a DataLoader's CPU tensors, moved to the device
    if isinstance(x, (int, float, bool)):
        return x
    return backend.convert_to_tensor(np.asarray(x))


def _all_strings(x):
    return x.size > 0 and all(isinstance(v, (str, bytes)) for v in x.flat)


class EpochIterator:
    """Yields ``(step, (x, y, sample_weight))`` with tensors, epoch after epoch."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None,
                 shuffle=False, class_weight=None):
        cap = runtime_flags.max_steps_per_epoch()  # cornu.config.set_max_steps_per_epoch
        if cap and (not steps_per_epoch or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap} (cornu.config.max_steps_per_epoch()).", stacklevel=3)
            steps_per_epoch = cap
        self.adapter = get_data_adapter(x, y, sample_weight=sample_weight, batch_size=batch_size,
                                        steps=steps_per_epoch, shuffle=shuffle, class_weight=class_weight)
        self.steps_per_epoch = steps_per_epoch
        self.class_weight = class_weight
        self._generator = None
        self.ran_out = False

    @property
    def num_batches(self):
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return getattr(self.adapter, "num_batches", None)

    def _prepared_batches(self):
        """One epoch of engine-tensor batches; host arrays are converted a batch ahead on a thread."""
        batches = map(self._prepare, self.adapter.get_epoch_iterator())
        if getattr(self.adapter, "on_device", True):
            return batches
        return prefetch(batches)

    def enumerate_epoch(self):
        if self.steps_per_epoch is not None and hasattr(self.adapter, "num_samples"):
            yield from self._bounded_array_epoch()
            return
        for step, batch in enumerate(self._prepared_batches()):
            yield step, batch
        if getattr(self.adapter, "exhausted", False) and self.steps_per_epoch is not None:
            self._warn_ran_out()

    def _bounded_array_epoch(self):
        # steps_per_epoch over arrays: keep drawing batches, continuing into new passes.
        step = 0
        while step < self.steps_per_epoch:
            if self._generator is None:
                self._generator = self._prepared_batches()
            try:
                batch = next(self._generator)
            except StopIteration:
                self._generator = None
                if step == 0:
                    return
                continue
            yield step, batch
            step += 1

    def _warn_ran_out(self):
        self.ran_out = True
        warnings.warn(
            "Your input ran out of data; interrupting training. Make sure that your dataset or "
            "generator can generate at least `steps_per_epoch * epochs` batches.",
            UserWarning, stacklevel=3,
        )

    def _prepare(self, batch):
        x, y, sw = batch
        if self.class_weight is not None and y is not None:
            sw = _class_weights_to_sample_weights(y, sw, self.class_weight)
        return (tree.map_structure(_to_tensor, x),
                None if y is None else tree.map_structure(_to_tensor, y),
                None if sw is None else tree.map_structure(_to_tensor, sw))


def prefetch(iterable, depth=2):
    """Iterate ``iterable`` on a background thread, ``depth`` items ahead.

    Used for arrays too large to live on the device: slicing and the copy to
    the device of the next batch overlap the current step. Exceptions are
    re-raised in the consumer; closing the generator stops the thread.
    """
    items = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(entry):
        """Queue ``entry`` unless the consumer has gone; returns whether it was queued."""
        while not stop.is_set():
            try:
                items.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in iterable:
                if not put((True, item)):
                    return
            put((True, done))
        except BaseException as e:  # handed to the consumer
            put((False, e))

    worker = threading.Thread(target=produce, name="cornu-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = items.get()
            if not ok:
                raise item
            if item is done:
                return
            yield item
    finally:
        stop.set()


def _class_weights_to_sample_weights(y, sample_weight, class_weight):
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("`class_weight` is only supported for models with a single output.")
    y = backend.convert_to_numpy(y) if backend.is_tensor(y) else np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype("int64")
    max_class = max(max(class_weight), int(labels.max()) if labels.size else 0)
    table = np.ones(max_class + 1, dtype="float32")
    for k, v in class_weight.items():
        table[int(k)] = v
    weights = table[labels]
    if sample_weight is not None:
        weights = weights * np.asarray(backend.convert_to_numpy(sample_weight) if backend.is_tensor(sample_weight)
                                       else sample_weight, dtype="float32")
    return weights
