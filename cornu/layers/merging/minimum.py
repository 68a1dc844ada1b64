"""``Minimum``: elementwise minimum of a list of tensors."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge, masked_reduce


class Minimum(Merge):
    """Elementwise minimum of a list of tensors; masked positions never win (Keras 3)."""

    def _merge_function(self, inputs, masks):
        return masked_reduce(ops.minimum, inputs, masks)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: ``minimum([x1, x2, ...])``."""
    return Minimum(**kwargs)(inputs)
