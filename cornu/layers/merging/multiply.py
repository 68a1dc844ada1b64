"""``Multiply``: elementwise product of a list of tensors."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge, broadcast_mask


class Multiply(Merge):
    """Multiplies a list of tensors elementwise.

    With masks (Keras 3): masked positions count as ``1`` in the product; when
    every input carries a mask, positions masked in all of them become ``0``.
    """

    def _merge_function(self, inputs, masks):
        all_masked = all(m is not None for m in masks)
        output, output_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = broadcast_mask(m, x)
                x = ops.where(m, x, ops.ones_like(x))
                if all_masked:
                    output_mask = m if output_mask is None else ops.logical_or(output_mask, m)
            output = x if output is None else ops.multiply(output, x)
        if all_masked:
            output = ops.where(output_mask, output, ops.zeros_like(output))
        return output


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: ``multiply([x1, x2, ...])``."""
    return Multiply(**kwargs)(inputs)
