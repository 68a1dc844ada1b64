"""``InputLayer`` and ``Input``: the entry points of a functional graph."""
from cornu import backend
from cornu.backend import KerasTensor
from cornu.layers.layer import Layer
from cornu.ops.node import Node


class InputLayer(Layer):
    """Holds the symbolic input tensor of a model.

    Args:
        shape: shape without the batch dimension, e.g. ``(784,)``.
        batch_size: optional static batch size.
        dtype: input dtype (default floatx).
        sparse: unused (no sparse tensors), accepted for compatibility.
        batch_shape: full shape including the batch dimension.
        input_tensor: an existing KerasTensor to wrap.
        name: the layer name.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("ragged", None)
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"Argument `input_tensor` must be a KerasTensor. Received: {input_tensor!r}")
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    f"InputLayer '{self.name}' needs `shape` (without the batch dimension) or "
                    "`batch_shape`. Received neither."
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._dtype_name = backend.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype_name, name=self.name)
        self._input_tensor = input_tensor
        Node(self, outputs=input_tensor)
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self):
        return self._dtype_name

    def call(self):
        return self._input_tensor

    def get_config(self):
        return {"batch_shape": list(self._batch_shape), "dtype": self._dtype_name,
                "sparse": self.sparse, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False):
    """Create a symbolic input tensor for a functional model.

    ``Input(shape=(784,))`` gives a KerasTensor of shape ``(None, 784)``.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional)
    return layer.output
