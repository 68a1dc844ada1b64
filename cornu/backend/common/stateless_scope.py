"""Scopes that intercept variable reads and writes.

Inside a ``StatelessScope`` a variable's value comes from the scope's mapping
and ``assign`` records the new value in the scope instead of mutating the
variable.  This is how pure (traceable) steps are written once for every
engine: JAX jit traces the ordinary stateful layer code under a scope.
"""
import threading

class _State(threading.local):
    """Per-thread stack of active scopes (a data thread never sees another thread's scope)."""

    def __init__(self):
        self.stack = []


_state = _State()


def _stack():
    return _state.stack


class StatelessScope:
    """Map variables to values for reads; collect assignments.

    Args:
        state_mapping: iterable of ``(variable, value)`` pairs read inside the scope.
        value_fn: optional ``fn(variable) -> value`` for variables not in the
            mapping (used to give placeholder values during shape inference).
    """

    def __init__(self, state_mapping=None, value_fn=None):
        self._values = {}
        self._variables = {}
        self._updated = {}
        self._value_fn = value_fn
        self.losses = []
        for variable, value in state_mapping or ():
            self._values[id(variable)] = value
            self._variables[id(variable)] = variable

    def __enter__(self):
        self._parent = current_scope()
        _stack().append(self)
        return self

    def __exit__(self, *exc):
        _stack().pop()
        return False

    def add_update(self, variable, value):
        """Record ``variable = value`` inside the scope."""
        self._values[id(variable)] = value
        self._variables[id(variable)] = variable
        self._updated[id(variable)] = variable

    def get_current_value(self, variable):
        """The value ``variable`` has inside this scope (or ``None``)."""
        key = id(variable)
        if key in self._values:
            return self._values[key]
        if self._parent is not None:
            value = self._parent.get_current_value(variable)
            if value is not None:
                return value
        if self._value_fn is not None:
            value = self._value_fn(variable)
            self._values[key] = value
            self._variables[key] = variable
            return value
        return None

    def updated_variables(self):
        """Variables assigned inside this scope, in first-assignment order."""
        return list(self._updated.values())


def current_scope():
    """The innermost active ``StatelessScope``, or ``None``."""
    stack = _state.stack
    return stack[-1] if stack else None


def in_stateless_scope():
    """True while some ``StatelessScope`` is active."""
    return bool(_state.stack)


class SymbolicScope:
    """Marks code running only to infer shapes (no losses, no state updates kept)."""

    def __enter__(self):
        self._prev = getattr(_state, "symbolic", False)
        _state.symbolic = True
        return self

    def __exit__(self, *exc):
        _state.symbolic = self._prev
        return False


def in_symbolic_scope():
    """True while shapes are being inferred."""
    return getattr(_state, "symbolic", False)
