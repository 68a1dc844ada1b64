"""``GlobalAveragePooling1D``: mean over time steps, honouring a mask."""
from cornu import ops
from cornu.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling for temporal data: ``(batch, steps, features)`` ->
    ``(batch, features)``.

    With a ``mask`` of shape ``(batch, steps)`` (e.g. from ``Embedding(mask_zero=True)``)
    only unmasked steps are averaged; the output carries no mask.

    Args:
        data_format: ``"channels_last"`` (``(batch, steps, features)``) or
            ``"channels_first"`` (``(batch, features, steps)``).
        keepdims: keep the steps axis with length 1.
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=1, pool_mode="average", data_format=data_format,
                         keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return ops.mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        weights = ops.cast(mask, inputs.dtype)
        weights = ops.expand_dims(weights, axis=2 if self.data_format == "channels_last" else 1)
        # weights: (b, steps) -> (b, steps, 1) or (b, 1, steps), broadcast over features
        total = ops.sum(ops.multiply(inputs, weights), axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, ops.sum(weights, axis=steps_axis, keepdims=self.keepdims))

    def compute_mask(self, inputs, mask=None):
        return None
