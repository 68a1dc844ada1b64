"""The projections inside ``MultiHeadAttention``: Keras's ``EinsumDense`` layout, restricted.

Each projection contracts the last ``bound_dims`` input axes with a kernel of
shape ``(*bound, *output)`` and adds a bias of shape ``output``; the weights are
named ``kernel`` and ``bias`` as in Keras's ``EinsumDense`` so weight files match.
"""
import string

from cornu import constraints, initializers, ops, regularizers
from cornu.layers.layer import Layer


def projection_equation(free_dims, bound_dims, output_dims):
    """``"abc,cde->abde"``-style equation: free axes kept, bound ones contracted."""
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims:free_dims + bound_dims]
    out = letters[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}"


class EinsumProjection(Layer):
    """``einsum(inputs, kernel) + bias`` contracting the last ``bound_dims`` axes.

    Args:
        output_dims: the trailing output shape (e.g. ``(num_heads, key_dim)``).
        bound_dims: how many trailing input axes are contracted.
        use_bias: add a bias of shape ``output_dims``.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as in ``Dense``.
    """

    def __init__(self, output_dims, bound_dims=1, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.output_dims = tuple(int(d) for d in output_dims)
        self.bound_dims = int(bound_dims)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        rank = len(input_shape)
        bound = tuple(input_shape[rank - self.bound_dims:])
        if any(d is None for d in bound):
            raise ValueError(
                f"Layer '{self.name}' needs known trailing input dimensions; received input shape "
                f"{tuple(input_shape)}."
            )
        self.equation = projection_equation(rank - self.bound_dims, self.bound_dims, len(self.output_dims))
        self.kernel = self.add_weight(name="kernel", shape=bound + self.output_dims,
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=self.output_dims, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        x = ops.einsum(self.equation, inputs, self.kernel)  # (..., *bound) -> (..., *output)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[: len(input_shape) - self.bound_dims]) + self.output_dims
