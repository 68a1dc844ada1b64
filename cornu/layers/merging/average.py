"""``Average``: elementwise mean of a list of tensors."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of tensors elementwise: ``(x1 + ... + xn) / n``."""

    def _merge_function(self, inputs, masks):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output / len(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``: ``average([x1, x2, ...])``."""
    return Average(**kwargs)(inputs)
