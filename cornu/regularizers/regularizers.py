"""Weight/activity penalties: ``L1``, ``L2``, ``L1L2``, ``OrthogonalRegularizer``.

A regularizer is a callable ``x -> scalar tensor`` whose value is added to the
training loss.  They only speak ``cornu.ops`` and branch on Python numbers,
never on tensor values, so they trace under ``jax.jit``.
"""
import math
import warnings

from cornu import backend, ops


def validate_float_arg(value, name):
    """``float(value)`` if it is a finite non-negative number, else ``ValueError``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (float, int))
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value}"
        )
    return float(value)


def _legacy_l(kwargs, cls_name, new):
    """Keras 2's ``L1(l=...)``/``L2(l=...)`` spelling, with one DeprecationWarning."""
    value = kwargs.pop("l")
    if kwargs:
        raise TypeError(f"{cls_name}() got unexpected keyword arguments: {sorted(kwargs)}")
    warnings.warn(
        f"`{cls_name}(l=...)` is the Keras 2 spelling; use `{cls_name}({new}=...)` instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    return value


def _tensor(x):
    x = ops.convert_to_tensor(x)
    if not backend.is_float_dtype(ops.dtype(x)):
        x = ops.cast(x, backend.floatx())
    return x


class Regularizer:
    """Base class of regularizers: callables ``x -> scalar penalty``.

    Subclasses implement ``__call__(x)`` and ``get_config()``; any function
    taking a weight tensor and returning a scalar also works as a regularizer.

    Example::

        class L2Half(Regularizer):
            def __call__(self, x):
                return 0.5 * ops.sum(ops.square(x))

            def get_config(self):
                return {}
    """

    def __call__(self, x):
        """The penalty for ``x`` (the base class gives 0)."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Rebuild a regularizer from ``get_config()`` output."""
        return cls(**config)

    def get_config(self):
        """The constructor arguments, as a JSON-able dict."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    def __repr__(self):
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """Both penalties: ``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    The string identifier ``"l1_l2"`` gives ``L1L2(l1=0.01, l2=0.01)``;
    ``"l1l2"`` and ``L1L2()`` give no penalty until factors are set.

    Args:
        l1: L1 factor (``None`` means 0).
        l2: L2 factor (``None`` means 0).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        """``l1 * sum(|x|) + l2 * sum(x**2)`` as a scalar tensor of ``x``'s dtype."""
        x = _tensor(x)
        regularization = ops.zeros((), dtype=ops.dtype(x))
        if self.l1:
            regularization = regularization + self.l1 * ops.sum(ops.absolute(x))
        if self.l2:
            regularization = regularization + self.l2 * ops.sum(ops.square(x))
        return regularization

    def get_config(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(Regularizer):
    """L1 penalty: ``l1 * sum(abs(x))``.

    Args:
        l1: the factor (``None`` means 0.01; Keras 2's ``l=`` is accepted
            with a DeprecationWarning).
    """

    def __init__(self, l1=0.01, **kwargs):
        if "l" in kwargs:
            l1 = _legacy_l(kwargs, "L1", "l1")
        elif kwargs:
            raise TypeError(f"L1() got unexpected keyword arguments: {sorted(kwargs)}")
        self.l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")

    def __call__(self, x):
        """``l1 * sum(|x|)`` as a scalar tensor."""
        return self.l1 * ops.sum(ops.absolute(_tensor(x)))

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """L2 penalty: ``l2 * sum(square(x))``.

    Args:
        l2: the factor (``None`` means 0.01; Keras 2's ``l=`` is accepted
            with a DeprecationWarning).
    """

    def __init__(self, l2=0.01, **kwargs):
        if "l" in kwargs:
            l2 = _legacy_l(kwargs, "L2", "l2")
        elif kwargs:
            raise TypeError(f"L2() got unexpected keyword arguments: {sorted(kwargs)}")
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        """``l2 * sum(x**2)`` as a scalar tensor."""
        return self.l2 * ops.sum(ops.square(_tensor(x)))

    def get_config(self):
        return {"l2": float(self.l2)}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a matrix towards mutual orthogonality.

    The rows (``mode="rows"``) or columns (``mode="columns"``) are
    L2-normalized; the penalty is ``factor * 0.5 * sum(|P - diag(P)|) /
    (n * (n - 1) / 2)`` where ``P`` is their Gram matrix and ``n`` their count.

    Args:
        factor: the regularization factor.
        mode: ``"rows"`` or ``"columns"``.
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_float_arg(factor, name="factor")
        if mode not in {"rows", "columns"}:
            raise ValueError(
                'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. '
                f"Received: mode={mode}"
            )
        self.mode = mode

    def __call__(self, inputs):
        """The orthogonality penalty of a rank-2 tensor."""
        inputs = _tensor(inputs)
        if len(inputs.shape) != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={tuple(inputs.shape)}"
            )
        axis = 1 if self.mode == "rows" else 0
        # L2-normalize: x * min(rsqrt(sum(x**2)), 1 / epsilon).
        inv_norm = ops.rsqrt(ops.sum(ops.square(inputs), axis=axis, keepdims=True))
        inputs = inputs * ops.minimum(inv_norm, 1.0 / backend.epsilon())
        if self.mode == "rows":
            product = ops.matmul(inputs, ops.transpose(inputs))
            size = inputs.shape[0]
        else:
            product = ops.matmul(ops.transpose(inputs), inputs)
            size = inputs.shape[1]
        product_no_diagonal = product * (1.0 - ops.eye(size, dtype=ops.dtype(inputs)))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * ops.sum(ops.absolute(product_no_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}
