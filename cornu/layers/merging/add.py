"""``Add``: elementwise sum of a list of tensors."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of tensors elementwise (shapes broadcast after the batch axis).

    Example::

        added = keras.layers.Add()([x1, x2])
    """

    def _merge_function(self, inputs, masks):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([x1, x2, ...])``."""
    return Add(**kwargs)(inputs)
