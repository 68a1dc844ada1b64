"""Batches as ``(x, y, sample_weight)``: packing and unpacking (``cornu.utils`` exports both)."""

__all__ = ["pack_x_y_sample_weight", "unpack_x_y_sample_weight"]


def unpack_x_y_sample_weight(data):
    """Split a batch into ``(x, y, sample_weight)``, missing parts ``None``.

    A tuple or list of one to three items is ``(x[, y[, sample_weight]])``;
    anything else is ``x`` alone.
    """
    if isinstance(data, list):
        data = tuple(data)
    if isinstance(data, tuple):
        if len(data) > 3:
            raise ValueError(
                "Data is expected to be `(x,)`, `(x, y)` or `(x, y, sample_weight)`; received a tuple of "
                f"{len(data)} items."
            )
        return tuple(data) + (None,) * (3 - len(data))
    return data, None, None


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch for ``x``, ``y`` and ``sample_weight`` as a model's ``fit`` expects it.

    ``x`` alone stays as it is (wrapped in a 1-tuple when it is itself a tuple
    or list, so it is not read as ``(x, y)``); otherwise ``(x, y)`` or
    ``(x, y, sample_weight)``.
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
