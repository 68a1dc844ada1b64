"""``Maximum``: elementwise maximum of a list of tensors."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge, masked_reduce


class Maximum(Merge):
    """Elementwise maximum of a list of tensors; masked positions never win (Keras 3)."""

    def _merge_function(self, inputs, masks):
        return masked_reduce(ops.maximum, inputs, masks)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: ``maximum([x1, x2, ...])``."""
    return Maximum(**kwargs)(inputs)
