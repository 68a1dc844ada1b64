"""Torch engine: control-flow ops beyond the core set (``switch``)."""
from cornu.backend.torch.core import convert_to_tensor


def switch(index, branches, *operands):
    """Call ``branches[index](*operands)``, ``index`` clamped to the valid range (runs eagerly)."""
    index = int(convert_to_tensor(index))
    return branches[min(max(index, 0), len(branches) - 1)](*operands)
