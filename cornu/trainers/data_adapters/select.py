"""Pick the adapter for whatever the user passed to fit/evaluate/predict."""
import inspect

from cornu.trainers.data_adapters.array_adapter import ArrayDataAdapter
from cornu.trainers.data_adapters.iterable_adapters import (
    GeneratorDataAdapter,
    IterableAdapter,
    PyDatasetAdapter,
    is_structure_of_arrays,
)
from cornu.utils.py_dataset import PyDataset


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
                     class_weight=None):
    """Return a data adapter for ``x`` (arrays, tensors, generator, PyDataset, DataLoader)."""
    if x is None:
        raise ValueError("No input data: `x` is None.")
    if isinstance(x, PyDataset):  # before the generator test: Keras's image iterators are both
        _no_targets(y, sample_weight, "a PyDataset/Sequence")
        return PyDatasetAdapter(x, steps=steps, shuffle=False)  # Keras ignores `shuffle` for PyDatasets
    if inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        _no_targets(y, sample_weight, "a generator")
        return GeneratorDataAdapter(x, steps=steps)
    if hasattr(x, "__getitem__") and hasattr(x, "__len__") and not is_structure_of_arrays(x) \
            and not isinstance(x, (list, tuple, dict)):
        _no_targets(y, sample_weight, "a PyDataset/Sequence")
        return PyDatasetAdapter(x, steps=steps, shuffle=False)  # Keras ignores `shuffle` for PyDatasets
    if hasattr(x, "__iter__") and not isinstance(x, (list, tuple, dict)) and not hasattr(x, "shape"):
        _no_targets(y, sample_weight, "an iterable dataset")
        return IterableAdapter(x, steps=steps)
    if isinstance(x, (list, tuple)) and x and not is_structure_of_arrays(x):
        try:
            import numpy as np  # noqa: PLC0415

            x = np.asarray(x)
        except Exception as e:
            raise ValueError(f"Unrecognized data type for `x`: {type(x).__name__}.") from e
    return ArrayDataAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size, steps=steps,
                            shuffle=shuffle, class_weight=class_weight)


def _no_targets(y, sample_weight, what):
    if y is not None:
        raise ValueError(f"`y` argument is not supported when using {what} as input; the data "
                         "should yield (x, y) tuples.")
    if sample_weight is not None:
        raise ValueError(f"`sample_weight` argument is not supported when using {what} as input.")
