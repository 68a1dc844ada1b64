"""Weight constraints: projections applied to a weight after each optimizer step.

``MaxNorm``, ``NonNeg``, ``UnitNorm`` and ``MinMaxNorm`` follow Keras 3's
formulas exactly, including where ``epsilon()`` is added (to the norm in the
denominator).  They only speak ``cornu.ops`` and trace under ``jax.jit``.
"""
import warnings

from cornu import backend, ops


def _tensor(w):
    return ops.convert_to_tensor(w)


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class of weight constraints: callables ``w -> projected w``.

    The base class returns ``w`` unchanged.  Subclasses override
    ``__call__`` (and ``get_config`` when they take arguments).

    Example::

        class NonPositive(Constraint):
            def __call__(self, w):
                return w * ops.cast(ops.less_equal(w, 0.0), ops.dtype(w))
    """

    def __call__(self, w):
        """The projected weight (the base class returns ``w`` unchanged)."""
        return w

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild a constraint from ``get_config()`` output."""
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Caps the norm of each weight vector at ``max_value``.

    ``w * clip(norms, 0, max_value) / (epsilon + norms)`` with the L2 norms
    taken along ``axis``.

    Args:
        max_value: the largest allowed norm (Keras 1's ``m=`` is accepted
            with a DeprecationWarning).
        axis: axis (or list of axes) along which norms are taken: ``0`` for a
            ``Dense`` kernel ``(input_dim, units)``; ``[0, 1, 2]`` for a
            channels-last ``Conv2D`` kernel.
    """

    def __init__(self, max_value=2, axis=0, **kwargs):
        if "m" in kwargs:
            warnings.warn(
                "`MaxNorm(m=...)` is the Keras 1 spelling; use `MaxNorm(max_value=...)` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
            max_value = kwargs.pop("m")
        if kwargs:
            raise TypeError(f"MaxNorm() got unexpected keyword arguments: {sorted(kwargs)}")
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero: ``w * (w >= 0)``."""

    def __call__(self, w):
        w = _tensor(w)
        return w * ops.cast(ops.greater_equal(w, 0.0), ops.dtype(w))


class UnitNorm(Constraint):
    """Scales each weight vector to unit norm: ``w / (epsilon + norms)``.

    Args:
        axis: axis (or list of axes) along which norms are taken.
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps the norm of each weight vector within ``[min_value, max_value]``.

    ``w * desired / (epsilon + norms)`` with
    ``desired = rate * clip(norms, min_value, max_value) + (1 - rate) * norms``:
    ``rate=1`` enforces the bounds strictly, smaller rates move towards them.

    Args:
        min_value: the smallest allowed norm.
        max_value: the largest allowed norm.
        rate: how strongly to enforce the bounds at each step.
        axis: axis (or list of axes) along which norms are taken.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }
