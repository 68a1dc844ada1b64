"""NumPy reference implementations of the activations, written from their published formulas."""
import math

import numpy as np

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softplus(x):
    return np.logaddexp(0.0, x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    # Above the threshold: x (clipped to [0, max_value] when a ceiling is set);
    # at or below it: negative_slope * (x - threshold).
    above = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        above = np.clip(above, 0.0, max_value)
    return above + negative_slope * np.minimum(x - threshold, 0.0)


def leaky_relu(x, negative_slope=0.2):
    return np.where(x >= 0, x, negative_slope * x)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1.0))


def selu(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1.0))


def gelu(x, approximate=False):
    if approximate:
        return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / np.sqrt(2.0)))


def celu(x, alpha=1.0):
    return np.maximum(x, 0.0) + alpha * np.expm1(np.minimum(x, 0.0) / alpha)


def glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def hard_sigmoid(x):
    return np.clip(x / 6.0 + 0.5, 0.0, 1.0)


def hard_silu(x):
    return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0


def sparse_plus(x):
    return np.where(x <= -1, 0.0, np.where(x < 1, 0.25 * (x + 1.0) ** 2, x))


def sparse_sigmoid(x):
    return np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, 0.5 * (x + 1.0)))


def soft_shrink(x, threshold=0.5):
    return np.where(x > threshold, x - threshold, np.where(x < -threshold, x + threshold, 0.0))


def hard_shrink(x, threshold=0.5):
    return np.where(np.abs(x) > threshold, x, 0.0)


def squareplus(x, b=4):
    return (x + np.sqrt(x * x + b)) / 2.0


def threshold(x, threshold, default_value):
    return np.where(x > threshold, x, default_value)


def _sparsemax_1d(z):
    # Euclidean projection onto the simplex: find tau with sum(max(z - tau, 0)) == 1
    # by bisection (independent of the sort-based algorithm).
    lo, hi = np.min(z) - 1.0, np.max(z)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.sum(np.maximum(z - mid, 0.0)) > 1.0:
            lo = mid
        else:
            hi = mid
    return np.maximum(z - 0.5 * (lo + hi), 0.0)


def sparsemax(x, axis=-1):
    return np.apply_along_axis(_sparsemax_1d, axis, x)


REFS = {
    "relu": relu,
    "leaky_relu": leaky_relu,
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "celu": celu,
    "glu": glu,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "softplus": softplus,
    "softsign": lambda x: x / (np.abs(x) + 1.0),
    "silu": lambda x: x * sigmoid(x),
    "swish": lambda x: x * sigmoid(x),
    "sigmoid": sigmoid,
    "log_sigmoid": lambda x: -softplus(-x),
    "sparse_sigmoid": sparse_sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_swish": hard_silu,
    "exponential": np.exp,
    "linear": lambda x: x,
    "tanh": np.tanh,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1.0, 1.0),
    "soft_shrink": soft_shrink,
    "hard_shrink": hard_shrink,
    "mish": lambda x: x * np.tanh(softplus(x)),
    "squareplus": squareplus,
    "sparse_plus": sparse_plus,
    "sparsemax": sparsemax,
    "threshold": threshold,
}

# Points where a function has a kink or jump; test inputs stay away from them.
KINKS = (0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0, 1.5, -2.0, 3.5, 0.7, 0.3, -0.3)


def smooth_inputs(shape, seed=0, low=-7.0, high=7.0):
    """Random float64 inputs at least 0.05 away from every kink in ``KINKS``."""
    x = np.random.RandomState(seed).uniform(low, high, size=shape)
    for _ in range(3):
        for k in KINKS:
            near = np.abs(x - k) < 0.05
            x = np.where(near, x + 0.12, x)
    return x


def numeric_grad(f, x, w, h=1e-6):
    """d/dx of sum(f(x) * w) by central differences in float64."""
    x = np.asarray(x, dtype=np.float64)
    g = np.zeros_like(x)
    flat = g.reshape(-1)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        flat[i] = (np.sum(f(x + e) * w) - np.sum(f(x - e) * w)) / (2 * h)
    return g
