"""NumPy arrays and engine tensors (single, list or dict), batched and shuffled."""
import math

import numpy as np

from cornu import backend
from cornu.utils import tree


def _num_samples(arrays):
    flat = [a for a in tree.flatten(arrays) if a is not None]
    sizes = {int(a.shape[0]) for a in flat}
    return sizes, flat


def _to_numpy(x):
    if x is None or isinstance(x, np.ndarray):
        return x
    if backend.is_tensor(x):
        return backend.convert_to_numpy(x)
    if hasattr(x, "values") and hasattr(x, "columns"):  # pandas DataFrame
        return np.asarray(x.values)
    return np.asarray(x)


def check_lengths(x, y, sample_weight):
    """Raise when x, y and sample_weight disagree on the number of samples."""
    sizes = {}
    for label, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if part is None:
            continue
        for a in tree.flatten(part):
            if a is not None:
                sizes.setdefault(label, set()).add(int(a.shape[0]))
    all_sizes = set().union(*sizes.values()) if sizes else set()
    if len(all_sizes) > 1:
        detail = ", ".join(f"{k} sizes: {sorted(v)}" for k, v in sizes.items())
        raise ValueError(
            "Data cardinality is ambiguous: make sure all arrays contain the same number of "
            f"samples. Received {detail}."
        )


class ArrayDataAdapter:
    """Batches in-memory arrays; shuffles each epoch (``shuffle=True`` or ``"batch"``)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                 class_weight=None):
        self.x = tree.map_structure(_to_numpy, x)
        self.y = None if y is None else tree.map_structure(_to_numpy, y)
        self.sample_weight = None if sample_weight is None else tree.map_structure(_to_numpy, sample_weight)
        check_lengths(self.x, self.y, self.sample_weight)
        sizes, _ = _num_samples(self.x)
        self.num_samples = sizes.pop() if sizes else 0
        if batch_size is None:
            batch_size = 32 if steps is None else max(1, math.ceil(self.num_samples / steps))
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.class_weight = class_weight
        self._steps = steps
        self.on_device = _fits_on_device((self.x, self.y, self.sample_weight))
        if self.on_device:
            # Copied to the engine's device once; each batch is then an index on the device.
            self.x, self.y, self.sample_weight = tree.map_structure(
                _to_device, (self.x, self.y, self.sample_weight))

    @property
    def num_batches(self):
        return math.ceil(self.num_samples / self.batch_size) if self.num_samples else 0

    def get_epoch_iterator(self):
        """Yield ``(x, y, sample_weight)`` batches (NumPy) for one epoch."""
        n = self.num_samples
        if self.shuffle == "batch":
            order = np.arange(n)
            batches = np.array_split(order, self.num_batches)
            np.random.shuffle(batches)
            index_batches = [np.random.permutation(b) for b in batches]
        else:
            order = np.random.permutation(n) if self.shuffle else np.arange(n)
            index_batches = [order[i:i + self.batch_size] for i in range(0, n, self.batch_size)]
        for idx in index_batches:
            rows = idx if self.shuffle else slice(int(idx[0]), int(idx[-1]) + 1)
            if self.on_device:
                yield self._device_rows(rows)
                continue
            take = (lambda a, r=rows: a[r])
            bx = tree.map_structure(lambda a: None if a is None else take(a), self.x)
            by = None if self.y is None else tree.map_structure(lambda a: None if a is None else take(a), self.y)
            bsw = None if self.sample_weight is None else tree.map_structure(take, self.sample_weight)
            yield bx, by, bsw

    def _device_rows(self, rows):
        """``(x, y, sample_weight)`` rows of the device-resident arrays, cut by one engine call."""
        parts = (self.x, self.y, self.sample_weight)
        flat = []
        tree.map_structure(lambda a: a is not None and flat.append(a), parts)  # the order filled below
        taken = iter(backend.take_rows(flat, rows))
        return tree.map_structure(lambda a: None if a is None else next(taken), parts)


DEVICE_DATA_LIMIT_BYTES = 1 << 30


def _fits_on_device(arrays):
    """Numeric arrays totalling under ``DEVICE_DATA_LIMIT_BYTES`` live on the device."""
    flat = [a for a in tree.flatten(arrays) if a is not None]
    if not flat or any(not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf" for a in flat):
        return False
    return sum(a.nbytes for a in flat) <= DEVICE_DATA_LIMIT_BYTES


def _to_device(a):
    if a is None:
        return None
    if a.dtype == np.float64:
        a = a.astype(backend.floatx())
    return backend.convert_to_tensor(a)


def train_validation_split(arrays, validation_split):
    """Split arrays keeping the *last* ``validation_split`` fraction for validation (Keras rule)."""
    flat = [a for a in tree.flatten(arrays) if a is not None]
    for a in flat:
        if not hasattr(a, "shape"):
            raise ValueError(
                "`validation_split` is only supported for NumPy arrays and tensors; received "
                f"{type(a).__name__}. Pass `validation_data` instead."
            )
    sizes = {int(a.shape[0]) for a in flat}
    n = sizes.pop()
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"Training data has {n} samples, which is not enough to split with "
            f"validation_split={validation_split}."
        )
    train = tree.map_structure(lambda a: None if a is None else a[:split_at], arrays)
    val = tree.map_structure(lambda a: None if a is None else a[split_at:], arrays)
    return train, val
