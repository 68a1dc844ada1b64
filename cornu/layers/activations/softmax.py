"""``Softmax``: softmax activation layer with mask support."""
from cornu import activations, backend, ops
from cornu.layers.layer import Layer


def _large_negative(dtype):
    return -3e4 if backend.standardize_dtype(dtype) == "float16" else -1e9


class Softmax(Layer):
    """Softmax over ``axis``: ``exp(x) / sum(exp(x))``.

    With a mask, masked positions get a large negative number added before
    the softmax (``-1e9``; ``-3e4`` in float16), so they receive ~0 weight.

    Args:
        axis: int or list of ints, the axes of the softmax (default ``-1``).

    Call arguments:
        inputs: the logits.
        mask: optional boolean tensor (``True`` = keep) broadcastable to ``inputs``.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if not axis or not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
                raise TypeError(
                    f"Layer '{self.name}' (Softmax) expects `axis` to be an int or a list of ints; "
                    f"received axis={axis!r}."
                )
            axis = list(axis)
        elif not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                f"Layer '{self.name}' (Softmax) expects `axis` to be an int or a list of ints; "
                f"received axis={axis!r}."
            )
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = ops.cast(mask, ops.dtype(inputs))
            while len(mask.shape) < len(inputs.shape):
                mask = ops.expand_dims(mask, -1)  # (b, t) -> (b, t, 1)
            inputs = inputs + (1.0 - mask) * _large_negative(inputs.dtype)
        if isinstance(self.axis, list):
            if len(self.axis) > 1:
                return ops.exp(inputs - ops.logsumexp(inputs, axis=self.axis, keepdims=True))
            return activations.softmax(inputs, axis=self.axis[0])
        return activations.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config
