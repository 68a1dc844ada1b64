"""The engine-independent part of ``Variable``.

Each engine subclasses ``VariableBase`` and provides ``_initialize(value)``
(store the engine tensor in ``self._value``), ``_direct_assign(value)`` and
``_convert_to_tensor(value, dtype)``.
"""
import contextlib

import numpy as np

from cornu.backend.common import dtypes
from cornu.backend.common import stateless_scope as scopes


class VariableBase:
    """A named, possibly trainable, mutable tensor.

    Args:
        initializer: an initial value (array-like) or a callable
            ``initializer(shape, dtype)``.
        shape: required when ``initializer`` is a callable.
        dtype: dtype name; defaults to the float type of the config.
        trainable: whether optimizers update it.
        name: a name without ``/``.
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, **kwargs):
        name = name or "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Argument `name` must be a string without '/'. Received: name={name!r}"
            )
        self._name = name
        self._path = name
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self._aggregation = aggregation
        self._synchronization = synchronization
        self._overwrite_with_gradient = False
        self._regularizer = None
        self._constraint = None
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {name!r}: when `initializer` is a callable, `shape` is "
                    f"required. Received: shape=None, initializer={initializer!r}"
                )
            self._dtype = dtypes.standardize_dtype(dtype)
            shape = tuple(int(d) for d in shape)
            with self._init_context():
                value = initializer(shape, dtype=self._dtype)
        else:
            if dtype is None:
                dtype = getattr(initializer, "dtype", None)
                if dtype is not None and dtypes.is_float_dtype(dtype):
                    dtype = None  # float values become floatx, as in Keras
            self._dtype = dtypes.standardize_dtype(dtype)
            value = initializer
        with self._init_context():
            value = self._convert_to_tensor(value, self._dtype)
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable {name!r}: the initial value has shape {tuple(value.shape)} "
                f"but `shape={tuple(shape)}` was given."
            )
        self._shape = tuple(int(d) for d in value.shape)
        self._initialize(value)

    # -- memory layout -------------------------------------------------------
    _memory_order = None  # axes from outermost to innermost in memory; None: row-major

    def _prefer_memory_order(self, order):
        """Ask the engine to store the value with its axes laid out in ``order``.

        ``order`` lists the axes from outermost to innermost. Shape, values,
        saving and every public API are unchanged; an engine whose kernels read
        a permuted view of this variable (torch's convolutions read a Keras
        ``(h, w, in, out)`` kernel as ``(out, in, h, w)``) can then read it
        without a copy, and gradients and optimizer slots share the layout.
        Engines that choose layouts themselves (XLA) ignore it.
        """
        order = tuple(int(a) for a in order)
        if sorted(order) != list(range(len(self._shape))):
            raise ValueError(
                f"Variable {self.path!r}: the memory order must be a permutation of the axes "
                f"0..{len(self._shape) - 1}; received {order}."
            )
        self._memory_order = order
        self._relayout(order)

    def _relayout(self, order):
        """Engine hook: re-store ``self._value`` with axes in memory ``order`` (default: nothing)."""

    # -- engine hooks -------------------------------------------------------
    def _init_context(self):
        """Context in which initial values are computed (real values even mid-trace)."""
        return contextlib.nullcontext()

    def _initialize(self, value):
        raise NotImplementedError

    def _direct_assign(self, value):
        raise NotImplementedError

    def _convert_to_tensor(self, value, dtype=None):
        raise NotImplementedError

    # -- reading -------------------------------------------------------------
    @property
    def value(self):
        """The current value (from the active stateless scope, if any)."""
        scope = scopes.current_scope()
        value = self._value
        if scope is not None:
            v = scope.get_current_value(self)
            if v is not None:
                value = v
        dtype = _AUTOCAST[0]
        if dtype is not None and self._autocast and self._dtype in dtypes.FLOAT_TYPES and self._dtype != dtype:
            return self._convert_to_tensor(value, dtype)
        return value

    def numpy(self):
        """The value as a NumPy array."""
        return np.array(self)

    def __array__(self, dtype=None, copy=None):
        from_engine = self._to_numpy(self.value)
        if dtype is not None:
            return from_engine.astype(dtype)
        if copy is not False and not (from_engine.flags.writeable and from_engine.flags.owndata):
            return np.array(from_engine)  # a writable array of its own, never a view of the variable
        return from_engine

    # -- writing -------------------------------------------------------------
    def assign(self, value):
        """Set the value; the shape must match the variable's."""
        value = self._convert_to_tensor(value, self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Variable {self.path!r} has shape {self._shape}; cannot assign a value "
                f"of shape {tuple(value.shape)}."
            )
        scope = scopes.current_scope()
        if scope is not None:
            scope.add_update(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value):
        """``self = self + value``."""
        return self.assign(self.value + self._convert_to_tensor(value, self._dtype))

    def assign_sub(self, value):
        """``self = self - value``."""
        return self.assign(self.value - self._convert_to_tensor(value, self._dtype))

    # -- attributes ----------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def path(self):
        """``layer_name/variable_name``, set when a layer creates the variable."""
        return self._path

    @property
    def shape(self):
        return self._shape

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._on_trainable_change()

    def _on_trainable_change(self):
        pass

    @property
    def regularizer(self):
        return self._regularizer

    @regularizer.setter
    def regularizer(self, value):
        self._regularizer = value

    @property
    def constraint(self):
        return self._constraint

    @constraint.setter
    def constraint(self, value):
        self._constraint = value

    @property
    def overwrite_with_gradient(self):
        return self._overwrite_with_gradient

    @overwrite_with_gradient.setter
    def overwrite_with_gradient(self, value):
        self._overwrite_with_gradient = bool(value)

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={self.numpy()!r}>"
        )

    def __len__(self):
        return self._shape[0]

    __hash__ = object.__hash__

    # Operators act on the current value and return engine tensors.
    def __add__(self, o): return self.value.__add__(_unwrap(o))
    def __radd__(self, o): return self.value.__radd__(_unwrap(o))
    def __sub__(self, o): return self.value.__sub__(_unwrap(o))
    def __rsub__(self, o): return self.value.__rsub__(_unwrap(o))
    def __mul__(self, o): return self.value.__mul__(_unwrap(o))
    def __rmul__(self, o): return self.value.__rmul__(_unwrap(o))
    def __truediv__(self, o): return self.value.__truediv__(_unwrap(o))
    def __rtruediv__(self, o): return self.value.__rtruediv__(_unwrap(o))
    def __floordiv__(self, o): return self.value.__floordiv__(_unwrap(o))
    def __mod__(self, o): return self.value.__mod__(_unwrap(o))
    def __pow__(self, o): return self.value.__pow__(_unwrap(o))
    def __rpow__(self, o): return self.value.__rpow__(_unwrap(o))
    def __matmul__(self, o): return self.value.__matmul__(_unwrap(o))
    def __rmatmul__(self, o): return self.value.__rmatmul__(_unwrap(o))
    def __neg__(self): return -self.value
    def __pos__(self): return self.value
    def __abs__(self): return abs(self.value)
    def __lt__(self, o): return self.value < _unwrap(o)
    def __le__(self, o): return self.value <= _unwrap(o)
    def __gt__(self, o): return self.value > _unwrap(o)
    def __ge__(self, o): return self.value >= _unwrap(o)
    def __getitem__(self, key): return self.value[key]

    def __float__(self): return float(self.numpy())
    def __int__(self): return int(self.numpy())


_AUTOCAST = [None]


def set_autocast_dtype(dtype):
    """Read float variables as ``dtype`` (mixed precision); returns the previous setting."""
    previous = _AUTOCAST[0]
    _AUTOCAST[0] = dtype
    return previous


def _unwrap(x):
    return x.value if isinstance(x, VariableBase) else x
