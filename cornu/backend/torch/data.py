"""Torch engine: moving batches of training data to the device and slicing them there."""
import numpy as np
import torch

from cornu.backend.torch.core import convert_to_tensor, device_scope, get_device


def host_to_device(x):
    """``convert_to_tensor`` for a batch of host data, sent asynchronously where possible.

    On a CUDA device a NumPy array (or a CPU tensor, e.g. from a DataLoader) is
    copied into page-locked (pinned) host memory and sent with a non-blocking
    copy on the current stream: a data thread's transfer of the next batch
    overlaps the running step, and stream order makes the step see it complete.
    Anywhere else this is ``convert_to_tensor``.
    """
    device = get_device()
    on_host = isinstance(x, np.ndarray) or torch.is_tensor(x) and x.device.type == "cpu"
    if not device.startswith("cuda") or not on_host:
        return convert_to_tensor(x)
    with device_scope("cpu"):
        staged = convert_to_tensor(x)
    if not staged.is_pinned():
        staged = staged.pin_memory()
    return staged.to(device, non_blocking=True)


def take_rows(arrays, rows):
    """The same rows of every tensor in ``arrays`` (a list), as a list.

    ``rows`` is a Python ``slice`` (views, no copy) or a 1-D integer NumPy array
    (one index tensor on the device, shared by every gather).
    """
    if isinstance(rows, slice):
        return [a[rows] for a in arrays]
    if not arrays:
        return []
    index = torch.as_tensor(np.asarray(rows, dtype=np.int64), device=arrays[0].device)
    return [torch.index_select(a, 0, index) for a in arrays]
