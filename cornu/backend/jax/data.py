"""JAX engine: moving batches of training data to the device and slicing them there.

A batch of device-resident arrays is cut by one jitted call for all arrays
(inputs, targets, weights), not by one eager dispatch per array.
"""
import functools

import jax
import numpy as np
from jax import lax

from cornu.backend.jax.core import convert_to_tensor


def host_to_device(x):
    """``convert_to_tensor`` for a batch of host data (JAX's transfers are already asynchronous)."""
    return convert_to_tensor(x)


@functools.partial(jax.jit, static_argnums=(2,))
def _slice_rows(arrays, start, size):
    return [lax.dynamic_slice_in_dim(a, start, size, axis=0) for a in arrays]


@jax.jit
def _gather_rows(arrays, index):
    return [a[index] for a in arrays]


def take_rows(arrays, rows):
    """The same rows of every array in ``arrays`` (a list), as a list.

    ``rows`` is a Python ``slice`` with step 1, or a 1-D integer NumPy array.
    One compiled program per batch size serves every batch of an epoch.
    """
    if not arrays:
        return []
    if isinstance(rows, slice):
        start, stop, _ = rows.indices(int(arrays[0].shape[0]))
        return _slice_rows(list(arrays), np.int32(start), max(stop - start, 0))
    return _gather_rows(list(arrays), np.asarray(rows, dtype=np.int32))
