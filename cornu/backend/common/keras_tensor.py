"""``KerasTensor``: the symbolic placeholder (shape + dtype) of the functional API."""
from cornu.backend.common import dtypes

# The ops module registers itself here so that ``x + y`` on symbolic tensors
# builds graph nodes without this (lower) room importing ``cornu.ops``.
_OPS = None


def register_ops(module):
    """Called once by ``cornu.ops`` to route tensor operators to it."""
    global _OPS
    _OPS = module


class KerasTensor:
    """A symbolic tensor: a shape (``None`` for unknown dims) and a dtype.

    KerasTensors flow through layers and ops when a functional model is being
    defined; they carry no values.
    """

    def __init__(self, shape, dtype="float32", sparse=False, name=None, record_history=True):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name or "keras_tensor"
        self._keras_history = None
        self._keras_mask = None
        self.record_history = record_history

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, value):
        self._shape = tuple(None if d is None else int(d) for d in value)

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, value):
        self._dtype = dtypes.standardize_dtype(value)

    @property
    def ndim(self):
        return len(self._shape)

    def __repr__(self):
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, "
            f"sparse={self.sparse}, name={self.name}>"
        )

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError("len() of a KerasTensor with an unknown first dimension.")
        return self.shape[0]

    def __iter__(self):
        raise NotImplementedError(
            "Iterating over a symbolic KerasTensor is not supported. Use ops on it, "
            "or index it (x[0]) to get a slice."
        )

    def __array__(self, *args, **kwargs):
        raise ValueError(
            "A KerasTensor is symbolic: it is a placeholder for a shape and a dtype, "
            "with no value. It cannot be converted to a NumPy array. This usually means "
            "a functional-model tensor was passed to a function that needs real data "
            "(a NumPy or engine function); wrap that code in a Layer or use cornu.ops."
        )

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool.")

    # Operators route to cornu.ops so they create graph nodes.
    def __add__(self, other): return _OPS.add(self, other)
    def __radd__(self, other): return _OPS.add(other, self)
    def __sub__(self, other): return _OPS.subtract(self, other)
    def __rsub__(self, other): return _OPS.subtract(other, self)
    def __mul__(self, other): return _OPS.multiply(self, other)
    def __rmul__(self, other): return _OPS.multiply(other, self)
    def __matmul__(self, other): return _OPS.matmul(self, other)
    def __rmatmul__(self, other): return _OPS.matmul(other, self)
    def __truediv__(self, other): return _OPS.true_divide(self, other)
    def __rtruediv__(self, other): return _OPS.true_divide(other, self)
    def __floordiv__(self, other): return _OPS.floor_divide(self, other)
    def __rfloordiv__(self, other): return _OPS.floor_divide(other, self)
    def __mod__(self, other): return _OPS.mod(self, other)
    def __rmod__(self, other): return _OPS.mod(other, self)
    def __pow__(self, other): return _OPS.power(self, other)
    def __rpow__(self, other): return _OPS.power(other, self)
    def __neg__(self): return _OPS.negative(self)
    def __pos__(self): return self
    def __abs__(self): return _OPS.absolute(self)
    def __invert__(self): return _OPS.logical_not(self)
    def __lt__(self, other): return _OPS.less(self, other)
    def __le__(self, other): return _OPS.less_equal(self, other)
    def __gt__(self, other): return _OPS.greater(self, other)
    def __ge__(self, other): return _OPS.greater_equal(self, other)
    def __and__(self, other): return _OPS.logical_and(self, other)
    def __rand__(self, other): return _OPS.logical_and(other, self)
    def __or__(self, other): return _OPS.logical_or(self, other)
    def __ror__(self, other): return _OPS.logical_or(other, self)
    def __getitem__(self, key): return _OPS.get_item(self, key)

    def reshape(self, new_shape):
        return _OPS.reshape(self, new_shape)

    __hash__ = object.__hash__


def is_keras_tensor(x):
    """True when ``x`` is a symbolic ``KerasTensor``."""
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=(), kwargs=None):
    """True when any leaf of ``args``/``kwargs`` is a ``KerasTensor``."""
    # Plain loops and isinstance only (no generators, no class-set lookups): this
    # runs on every eager op call, and torch.compile must be able to trace it.
    for x in args:
        if x.__class__ is KerasTensor or (isinstance(x, _CONTAINERS) and _any_symbolic(x)):
            return True
    if kwargs:
        for x in kwargs.values():
            if x.__class__ is KerasTensor or (isinstance(x, _CONTAINERS) and _any_symbolic(x)):
                return True
    return False


_CONTAINERS = (list, tuple, dict, KerasTensor)


def _any_symbolic(x):
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        for v in x:
            if _any_symbolic(v):
                return True
    elif isinstance(x, dict):
        for v in x.values():
            if _any_symbolic(v):
                return True
    return False
