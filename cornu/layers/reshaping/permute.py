"""``Permute``: reorder the non-batch axes."""
from cornu import ops
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class Permute(Layer):
    """Permute the non-batch dimensions: ``Permute((2, 1))`` swaps the two axes
    of a ``(batch, a, b)`` input.

    Args:
        dims: a permutation of ``1 .. n`` (1-indexed; the batch axis 0 stays put).
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            dims = tuple(dims)
        except TypeError:
            dims = None
        if dims is None or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                f"Permute layer '{self.name}': `dims` must be a permutation of 1..n (the batch axis is "
                f"not included); received dims={dims!r}."
            )
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True

    def call(self, inputs):
        return ops.transpose(inputs, (0,) + self.dims)  # (b, d1, ..., dn) -> (b, d[dims])

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config
