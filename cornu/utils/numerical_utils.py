"""NumPy helpers for labels and vectors: one-hot encoding and normalisation."""

import numpy as np

__all__ = ["to_categorical", "normalize"]


def to_categorical(x, num_classes=None, dtype="float32"):
    """Converts a class vector (integers) to a one-hot class matrix.

    A trailing axis of size 1 is dropped first, so labels of shape ``(n, 1)``
    give a result of shape ``(n, num_classes)``; in general the result has
    the input's shape (less that axis) plus a last axis of ``num_classes``.

    Example::

        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)

    Args:
        x: array-like of class indices from 0 to ``num_classes - 1``.
        num_classes: total number of classes. ``None`` means
            ``max(x) + 1``.
        dtype: dtype of the result (Keras 2 argument), ``"float32"`` by
            default.

    Returns:
        A NumPy array holding the one-hot encoding of ``x``.
    """
    x = np.array(x, dtype="int64")
    input_shape = x.shape
    if len(input_shape) > 1 and input_shape[-1] == 1:
        input_shape = input_shape[:-1]
    x = x.reshape(-1)
    if not num_classes:
        if x.size == 0:
            raise ValueError(
                "to_categorical: cannot infer `num_classes` from an empty "
                "input. Pass `num_classes` explicitly."
            )
        num_classes = int(np.max(x)) + 1
    num_classes = int(num_classes)
    if x.size and (x.max() >= num_classes or x.min() < -num_classes):
        raise ValueError(
            f"to_categorical: class index {int(x.max())} is out of range for "
            f"num_classes={num_classes}. Indices must be in "
            f"[0, {num_classes - 1}]."
        )
    categorical = np.zeros((x.shape[0], num_classes), dtype=dtype)
    categorical[np.arange(x.shape[0]), x] = 1
    return categorical.reshape(tuple(input_shape) + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Normalises a NumPy array along an axis to unit norm.

    Vectors whose norm is zero are left unchanged (divided by 1).

    Args:
        x: NumPy array to normalise.
        axis: the axis along which to normalise.
        order: the norm order (``2`` for the L2 norm), as in
            ``numpy.linalg.norm``.

    Returns:
        A normalised copy of ``x``.
    """
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
