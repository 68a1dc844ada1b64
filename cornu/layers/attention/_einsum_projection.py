"""The projections inside ``MultiHeadAttention``: an ``EinsumDense`` whose equation follows the input rank.

Each projection contracts the last ``bound_dims`` input axes with a kernel of
shape ``(*bound, *output)`` and adds a bias of shape ``output``; it is an
``EinsumDense`` (weights ``kernel`` and ``bias``, fans of variance-scaling
initializers counted over the kernel's input and output axes, as in Keras),
with the equation written at build time for the rank it receives.
"""
import string

from cornu.layers.core.einsum_dense import EinsumDense


def projection_equation(free_dims, bound_dims, output_dims):
    """``"abc,cde->abde"``-style equation: free axes kept, bound ones contracted."""
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims:free_dims + bound_dims]
    out = letters[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}"


class EinsumProjection(EinsumDense):
    """``einsum(inputs, kernel) + bias`` contracting the last ``bound_dims`` axes.

    Args:
        output_dims: the trailing output shape (e.g. ``(num_heads, key_dim)``).
        bound_dims: how many trailing input axes are contracted.
        use_bias: add a bias of shape ``output_dims``.
        other keyword arguments: as in ``EinsumDense``.
    """

    def __init__(self, output_dims, bound_dims=1, use_bias=True, **kwargs):
        self.output_dims = tuple(int(d) for d in output_dims)
        self.bound_dims = int(bound_dims)
        self.use_bias = bool(use_bias)
        # A placeholder equation of the right family; `build` writes the real one.
        super().__init__(projection_equation(1, self.bound_dims, len(self.output_dims)), self.output_dims,
                         bias_axes=None, **kwargs)

    def _configure(self, input_shape):
        rank = len(input_shape)
        if any(d is None for d in tuple(input_shape)[rank - self.bound_dims:]):
            raise ValueError(
                f"Layer '{self.name}' needs known trailing input dimensions; received input shape "
                f"{tuple(input_shape)}."
            )
        free = rank - self.bound_dims
        self.equation = projection_equation(free, self.bound_dims, len(self.output_dims))
        self.partial_output_shape = (None,) * (free - 1) + self.output_dims  # (batch, <free>, *output)
        self.bias_axes = self.equation[-len(self.output_dims):] if self.use_bias else None

    def build(self, input_shape):
        self._configure(input_shape)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[: len(input_shape) - self.bound_dims]) + self.output_dims
