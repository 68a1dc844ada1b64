"""The ``Metric`` base class: named state variables, ``update_state``, ``result``.

A metric owns non-trainable variables, all created in ``__init__`` (or in
``build(y_true_shape, y_pred_shape)`` for the few metrics whose state shape
depends on the data).  ``update_state`` only *assigns* to them with
``cornu.ops``, so the same code runs eagerly and traced under a
``backend.StatelessScope`` (how the JAX trainer compiles a step).
"""
import numpy as np

from cornu import backend
from cornu import ops
from cornu.utils import naming


def _zeros(shape, dtype=None):
    return ops.zeros(shape, dtype=dtype)


def _ones(shape, dtype=None):
    return ops.ones(shape, dtype=dtype)


_NAMED_INITIALIZERS = {"zeros": _zeros, "zero": _zeros, "ones": _ones, "one": _ones}


def _resolve_initializer(initializer):
    """``"zeros"``/``"ones"`` (any case) or a callable ``fn(shape, dtype)``."""
    if initializer is None:
        return _zeros
    if isinstance(initializer, str):
        fn = _NAMED_INITIALIZERS.get(initializer.lower())
        if fn is None:
            raise ValueError(
                "Metric variables accept the initializers 'zeros' and 'ones' by name, or a "
                f"callable `initializer(shape, dtype)`. Received: initializer={initializer!r}"
            )
        return fn
    if callable(initializer):
        return initializer
    value = initializer  # an array-like constant

    def _constant(shape, dtype=None):
        return ops.broadcast_to(ops.convert_to_tensor(value, dtype=dtype), shape)

    return _constant


def _shape_of(x):
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else tuple(np.shape(x))


def standardize_metric_dtype(dtype):
    """The dtype name a metric computes in, else floatx.

    Accepts a dtype, a dtype policy (its ``compute_dtype``), a serialized
    policy ``{"class_name": "DTypePolicy", "config": {"name": ...}}`` or a
    policy name such as ``"mixed_float16"``.
    """
    if isinstance(dtype, dict):
        dtype = (dtype.get("config") or {}).get("name")
    if dtype is None:
        return backend.floatx()
    dtype = getattr(dtype, "compute_dtype", dtype)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        dtype = dtype[len("mixed_"):]
    return backend.standardize_dtype(dtype)


class Metric:
    """Encapsulates metric logic and state.

    Subclasses create every state variable in ``__init__`` with
    ``self.add_variable(...)``, accumulate in ``update_state(...)`` by assigning
    to those variables, and compute the value in ``result()`` (a scalar tensor,
    a tensor, or a dict of them).

    Metrics whose variable shapes depend on the data set ``self.built = False``
    in ``__init__`` and implement ``build(y_true_shape, y_pred_shape)``; the
    trainer calls ``build`` before the first (possibly compiled) step, and
    ``update_state`` calls it eagerly when it was not.

    Args:
        dtype: dtype of the metric result (defaults to ``backend.floatx()``).
        name: name of the metric instance (defaults to the snake_case class name,
            made unique).

    Example::

        m = SomeMetric()
        for y_true, y_pred in batches:
            m.update_state(y_true, y_pred)
        print(m.result())
    """

    def __init__(self, dtype=None, name=None):
        self._metrics = []
        self._variables = []
        self._variable_initializers = {}
        self.name = name or naming.auto_name(type(self).__name__)
        self._dtype = standardize_metric_dtype(dtype)
        self.built = True

    # -- tracking ---------------------------------------------------------------
    def __setattr__(self, name, value):
        # sub-metrics assigned as attributes (alone or in a list/tuple) are tracked
        if "_metrics" in self.__dict__:
            candidates = value if isinstance(value, (list, tuple)) else (value,)
            for item in candidates:
                if isinstance(item, Metric) and item is not self:
                    if not any(m is item for m in self._metrics):
                        self._metrics.append(item)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: you forgot to call `super().__init__()` in the "
                "`__init__()` method of your metric. Add it before creating variables."
            )

    # -- state ------------------------------------------------------------------
    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable tracked by this metric.

        Args:
            shape: shape tuple (``()`` for a scalar).
            initializer: ``"zeros"``, ``"ones"``, a callable ``fn(shape, dtype)``
                or a constant broadcastable to ``shape``.
            dtype: variable dtype (defaults to ``backend.floatx()``).
            aggregation: how replicas combine the variable (``"sum"``, ``"mean"``,
                ``"none"``...), recorded on the variable.
            name: the variable name (its path is ``metric_name/name``).

        Returns:
            The new ``backend.Variable``.
        """
        self._check_super_called()
        if shape is None:
            raise ValueError(
                f"Metric {self.name!r}: `add_variable` needs a fully known `shape`. "
                "Received: shape=None"
            )
        shape = tuple(int(d) for d in shape)
        init_fn = _resolve_initializer(initializer)
        dtype = backend.standardize_dtype(dtype) if dtype is not None else backend.floatx()
        variable = backend.Variable(
            initializer=init_fn,
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name or "variable",
        )
        variable._path = f"{self.name.replace('/', '>')}/{variable.name}"
        self._variables.append(variable)
        self._variable_initializers[id(variable)] = init_fn
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Backward-compatible alias of ``add_variable``."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """This metric's variables followed by those of its sub-metrics."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    @property
    def dtype(self):
        """The dtype name of the metric result."""
        return self._dtype

    def build(self, y_true_shape=None, y_pred_shape=None):
        """Create data-dependent variables; a no-op for most metrics."""
        self.built = True

    def _maybe_build(self, y_true, y_pred):
        """Build from the data shapes on the first eager update."""
        if self.built:
            return
        if backend.in_stateless_scope():
            # Variables created while a step is traced would not be part of its state.
            raise RuntimeError(
                f"{type(self).__name__} {self.name!r} creates its variables from the data "
                "shapes and was not built before being traced. Call "
                "`metric.build(y_true_shape, y_pred_shape)` before compiling the step "
                "(the trainer does this from the first batch)."
            )
        self.build(_shape_of(y_true), _shape_of(y_pred))

    # -- the metric protocol ----------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics for the metric."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state`.")

    def result(self):
        """The current metric value (a tensor or a dict of tensors)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result`.")

    def reset_state(self):
        """Set every state variable back to its initial value (zeros by default)."""
        for variable in self._variables:
            init_fn = self._variable_initializers.get(id(variable), _zeros)
            variable.assign(init_fn(variable.shape, dtype=variable.dtype))
        for metric in self._metrics:
            metric.reset_state()

    def __call__(self, *args, **kwargs):
        """``update_state(*args, **kwargs)`` then return ``result()``."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- stateless API ----------------------------------------------------------
    def _check_state_values(self, metric_variables):
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                "Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received a list of length "
                f"{len(metric_variables)}, but expected {len(self.variables)} variables."
            )

    def _collect(self, scope, fallback):
        values = []
        for variable, old in zip(self.variables, fallback):
            new = scope.get_current_value(variable)
            values.append(old if new is None else new)
        return values

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """``update_state`` as a pure function of the variable values; returns new values."""
        self._check_state_values(metric_variables)
        mapping = list(zip(self.variables, metric_variables))
        with backend.StatelessScope(state_mapping=mapping) as scope:
            self.update_state(*args, **kwargs)
        return self._collect(scope, metric_variables)

    def stateless_result(self, metric_variables):
        """``result()`` computed from the given variable values."""
        self._check_state_values(metric_variables)
        mapping = list(zip(self.variables, metric_variables))
        with backend.StatelessScope(state_mapping=mapping):
            return self.result()

    def stateless_reset_state(self):
        """The variable values ``reset_state`` would produce (variables untouched)."""
        with backend.StatelessScope() as scope:
            self.reset_state()
        return self._collect(scope, self.variables)

    # -- config -----------------------------------------------------------------
    def get_config(self):
        """The constructor arguments of this metric, JSON-serializable."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Re-create a metric from ``get_config()`` output."""
        return cls(**config)

    def _obj_type(self):
        return "Metric"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
