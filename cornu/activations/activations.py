"""The built-in activation functions of ``keras.activations``.

Each function takes a tensor (an engine tensor, array-like, or a symbolic
KerasTensor) and returns a tensor of the same shape.  They speak only
``cornu.ops``, so they run eagerly, symbolically and under ``jax.jit`` /
``torch.compile`` alike: no Python branch ever looks at tensor values.
"""
import warnings

from cornu import backend, ops


def _as_float_tensor(x):
    """``x`` as a tensor of a floating dtype (ints are cast to ``floatx``)."""
    x = ops.convert_to_tensor(x)
    if not backend.is_float_dtype(ops.dtype(x)):
        x = ops.cast(x, backend.floatx())
    return x


def _pop_legacy_alias(kwargs, old, new, fn_name, current, default):
    """Accept a Keras 2 argument name with one DeprecationWarning."""
    if old not in kwargs:
        return current
    value = kwargs.pop(old)
    warnings.warn(
        f"`{fn_name}(..., {old}=...)` is the Keras 2 spelling; use `{new}=` instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    if current != default:
        raise TypeError(f"{fn_name}() received both `{old}` and `{new}`; pass only `{new}`.")
    return value


def _reject_extra(kwargs, fn_name):
    if kwargs:
        raise TypeError(f"{fn_name}() got unexpected keyword arguments: {sorted(kwargs)}")


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0, **kwargs):
    """Rectified linear unit, with an optional leak, ceiling and threshold.

    With the defaults this is ``max(x, 0)``.  In general::

        f(x) = min(x, max_value)                    for x >  threshold
        f(x) = negative_slope * (x - threshold)     for x <= threshold

    (for ``x > threshold`` with ``threshold > 0`` the value is ``x`` clipped to
    ``[0, max_value]``).

    Args:
        x: input tensor.
        negative_slope: slope for values below ``threshold`` (Keras 2 called
            it ``alpha``; that spelling is accepted with a DeprecationWarning).
        max_value: saturation ceiling, or ``None`` for no ceiling.
        threshold: values at or below it are damped (or zeroed).

    Returns:
        A tensor of the same shape as ``x``.
    """
    negative_slope = _pop_legacy_alias(kwargs, "alpha", "negative_slope", "relu", negative_slope, 0.0)
    _reject_extra(kwargs, "relu")
    x = _as_float_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, negative_slope=negative_slope)
        if threshold != 0:
            negative_part = ops.relu(ops.subtract(threshold, x))
        else:
            negative_part = ops.relu(ops.negative(x))
    clip_max = max_value is not None
    if threshold != 0:
        # x where x > threshold, else 0
        x = x * ops.cast(ops.greater(x, threshold), ops.dtype(x))
    elif max_value == 6:
        x = ops.relu6(x)
        clip_max = False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = ops.subtract(x, ops.multiply(negative_slope, negative_part))
    return x


def leaky_relu(x, negative_slope=0.2, **kwargs):
    """Leaky ReLU: ``x`` for ``x >= 0`` and ``negative_slope * x`` below.

    Args:
        x: input tensor.
        negative_slope: slope for negative inputs (``alpha=`` accepted as the
            Keras 2 spelling, with a DeprecationWarning).
    """
    negative_slope = _pop_legacy_alias(kwargs, "alpha", "negative_slope", "leaky_relu", negative_slope, 0.2)
    _reject_extra(kwargs, "leaky_relu")
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6: ``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def softmax(x, axis=-1):
    """Softmax along ``axis``: ``exp(x) / sum(exp(x))`` (numerically stable).

    ``axis`` may be an int or a tuple of ints (softmax over several axes).
    1-D inputs are accepted.  A softmax over an axis of size 1 always returns
    1; like Keras 3 this emits a ``UserWarning``.
    """
    x = ops.convert_to_tensor(x)
    if isinstance(axis, int):
        shape = tuple(x.shape)
        if -len(shape) <= axis < len(shape) and shape[axis] == 1:
            warnings.warn(
                f"You are using a softmax over axis {axis} of a tensor of shape {shape}. "
                "This axis has size 1. The softmax operation will always return the value 1, "
                "which is likely not what you intended. Did you mean to use a sigmoid instead?",
                UserWarning,
                stacklevel=2,
            )
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis`` (int or tuple of ints)."""
    return ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with ``alpha ~ 1.6733``, ``scale ~ 1.0507``.

    Pair it with the ``lecun_normal`` initializer and ``AlphaDropout``.
    """
    return ops.selu(x)


def softplus(x):
    """Softplus: ``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x):
    """Softsign: ``x / (abs(x) + 1)``."""
    return ops.softsign(x)


def silu(x):
    """SiLU, also called Swish: ``x * sigmoid(x)``."""
    return ops.silu(x)


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit: ``x * P(X <= x)`` for ``X ~ N(0, 1)``.

    Args:
        x: input tensor.
        approximate: use the tanh approximation
            ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``
            instead of the exact ``0.5 * x * (1 + erf(x / sqrt(2)))``.
    """
    return ops.gelu(x, approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1)``."""
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in two halves ``a, b`` along ``axis``; return ``a * sigmoid(b)``."""
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x):
    """Tanh shrink: ``x - tanh(x)``."""
    return ops.tanh_shrink(x)


def hard_tanh(x):
    """Hard tanh: ``x`` clipped to ``[-1, 1]``."""
    return ops.hard_tanh(x)


def soft_shrink(x, threshold=0.5):
    """Soft shrink: ``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return ops.soft_shrink(x, threshold=threshold)


def hard_shrink(x, threshold=0.5):
    """Hard shrink: ``x`` where ``|x| > threshold``, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


def threshold(x, threshold, default_value):
    """Threshold: ``x`` where ``x > threshold``, else ``default_value``."""
    x = _as_float_tensor(x)
    # zeros_like(x) + value keeps x's dtype and stays traceable by torch.compile.
    return ops.where(ops.greater(x, threshold), x, ops.add(ops.zeros_like(x), default_value))


def sigmoid(x):
    """Logistic sigmoid: ``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def log_sigmoid(x):
    """Log of the sigmoid: ``-softplus(-x)``."""
    return ops.log_sigmoid(x)


def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for ``x <= -1``, 1 for ``x >= 1``, ``(x + 1) / 2`` between."""
    x = _as_float_tensor(x)
    return 0.5 * ops.clip(x + 1.0, 0.0, 2.0)


def exponential(x):
    """Exponential: ``exp(x)``."""
    return ops.exp(x)


def hard_sigmoid(x):
    """Hard sigmoid, Keras 3 formula: ``relu6(x + 3) / 6``.

    That is 0 for ``x <= -3``, 1 for ``x >= 3`` and ``x / 6 + 0.5`` between.
    (Keras 2 used ``clip(0.2 * x + 0.5, 0, 1)``.)
    """
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """Identity: returns ``x`` unchanged."""
    return x


def mish(x):
    """Mish: ``x * tanh(softplus(x))``."""
    return ops.mish(x)


def squareplus(x, b=4):
    """Squareplus: ``(x + sqrt(x**2 + b)) / 2``; ``b`` sets the smoothness."""
    return ops.squareplus(x, b=b)


def sparse_plus(x):
    """SparsePlus: 0 for ``x <= -1``, ``(x + 1)**2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    return ops.sparse_plus(x)


def sparsemax(x, axis=-1):
    """Sparsemax along ``axis``: the Euclidean projection of ``x`` onto the simplex."""
    return ops.sparsemax(x, axis=axis)
