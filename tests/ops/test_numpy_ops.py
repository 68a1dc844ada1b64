"""cornu.ops against NumPy: values eagerly, shapes and dtypes symbolically."""
import numpy as np
import pytest

from cornu import backend, ops
from cornu.backend import KerasTensor

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4)).astype("float32")
B = rng.standard_normal((3, 4)).astype("float32")
P = (np.abs(A) + 0.5).astype("float32")
M = rng.standard_normal((4, 5)).astype("float32")
I = rng.integers(0, 5, size=(3, 4)).astype("int32")

UNARY = {
    "negative": np.negative, "absolute": np.abs, "square": np.square, "exp": np.exp, "expm1": np.expm1,
    "sign": np.sign, "sin": np.sin, "cos": np.cos, "tanh": np.tanh, "floor": np.floor, "ceil": np.ceil,
    "arctan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "round": np.round, "trunc": np.trunc,
    "isnan": np.isnan, "isfinite": np.isfinite, "ravel": np.ravel, "transpose": np.transpose,
    "cumsum": lambda x: np.cumsum(x), "exp2": np.exp2, "cbrt": np.cbrt,
}
POSITIVE = {"sqrt": np.sqrt, "log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10,
            "reciprocal": np.reciprocal}
BINARY = {
    "add": np.add, "subtract": np.subtract, "multiply": np.multiply, "true_divide": np.true_divide,
    "maximum": np.maximum, "minimum": np.minimum, "equal": np.equal, "not_equal": np.not_equal,
    "less": np.less, "greater_equal": np.greater_equal, "arctan2": np.arctan2, "logaddexp": np.logaddexp,
    "hypot": np.hypot,
}
REDUCTIONS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod,
              "var": np.var, "std": np.std}


def check(actual, expected, atol=1e-5):
    actual = ops.convert_to_numpy(actual)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=atol)
    assert actual.shape == np.asarray(expected).shape


def symbolic_matches(fn, *arrays, **kwargs):
    specs = [KerasTensor(a.shape, dtype=str(a.dtype)) for a in arrays]
    out = fn(*specs, **kwargs)
    eager = fn(*arrays, **kwargs)
    assert tuple(out.shape) == tuple(eager.shape)
    assert out.dtype == backend.standardize_dtype(eager.dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    check(getattr(ops, name)(A), UNARY[name](A))
    symbolic_matches(getattr(ops, name), A)


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_positive_domain(name):
    check(getattr(ops, name)(P), POSITIVE[name](P))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name):
    check(getattr(ops, name)(A, B), BINARY[name](A, B))
    symbolic_matches(getattr(ops, name), A, B)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 1), False)])
def test_reductions(name, axis, keepdims):
    check(getattr(ops, name)(A, axis=axis, keepdims=keepdims), REDUCTIONS[name](A, axis=axis, keepdims=keepdims),
          atol=1e-4)
    symbolic_matches(lambda x: getattr(ops, name)(x, axis=axis, keepdims=keepdims), A)


def test_python_scalars_are_weakly_typed():
    assert backend.standardize_dtype(ops.add(I, 1).dtype) == "int32"
    assert backend.standardize_dtype(ops.multiply(A, 2).dtype) == "float32"
    assert backend.standardize_dtype(ops.add(I, 1.5).dtype) == "float32"
    check(ops.add(I, 1.5), I + 1.5)


def test_linear_algebra_and_shapes():
    check(ops.matmul(A, M), A @ M, atol=1e-4)
    check(ops.dot(A, M), A @ M, atol=1e-4)
    check(ops.tensordot(A, M, axes=1), np.tensordot(A, M, axes=1), atol=1e-4)
    check(ops.einsum("ij,jk->ik", A, M), A @ M, atol=1e-4)
    check(ops.reshape(A, (4, 3)), A.reshape(4, 3))
    check(ops.reshape(A, (-1,)), A.reshape(-1))
    check(ops.expand_dims(A, 1), np.expand_dims(A, 1))
    check(ops.squeeze(A[:, :1]), np.squeeze(A[:, :1]))
    check(ops.concatenate([A, B], axis=1), np.concatenate([A, B], axis=1))
    check(ops.stack([A, B], axis=0), np.stack([A, B]))
    check(ops.tile(A, (2, 1)), np.tile(A, (2, 1)))
    check(ops.repeat(A, 2, axis=0), np.repeat(A, 2, axis=0))
    check(ops.flip(A, axis=1), np.flip(A, axis=1))
    check(ops.roll(A, 1, axis=0), np.roll(A, 1, axis=0))
    check(ops.where(A > 0, A, B), np.where(A > 0, A, B))
    check(ops.clip(A, -0.5, 0.5), np.clip(A, -0.5, 0.5))
    check(ops.take(A, np.array([2, 0]), axis=0), np.take(A, [2, 0], axis=0))
    idx = np.argsort(A, axis=1)
    check(ops.take_along_axis(A, idx, axis=1), np.take_along_axis(A, idx, axis=1))
    check(ops.argmax(A, axis=1), np.argmax(A, axis=1))
    check(ops.argsort(A, axis=1), np.argsort(A, axis=1, kind="stable"))
    check(ops.sort(A, axis=0), np.sort(A, axis=0))
    check(ops.pad(A, ((1, 0), (0, 2))), np.pad(A, ((1, 0), (0, 2))))
    check(ops.tril(M), np.tril(M))
    check(ops.eye(3, 4, k=1), np.eye(3, 4, k=1))
    check(ops.arange(2, 9, 3), np.arange(2, 9, 3))
    check(ops.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    check(ops.cumprod(A, axis=1), np.cumprod(A, axis=1), atol=1e-4)
    parts = ops.split(np.arange(12.0).astype("float32"), 3)
    assert [tuple(p.shape) for p in parts] == [(4,), (4,), (4,)]


def test_symbolic_unknown_dims_stay_unknown():
    x = KerasTensor((None, 4))
    y = ops.matmul(x, M)
    assert y.shape == (None, 5)
    z = ops.reshape(ops.concatenate([x, x], axis=1), (-1, 2, 4))
    assert z.shape == (None, 2, 4)
    assert ops.sum(x, axis=1).shape == (None,)
    assert (x + 1.0).shape == (None, 4)
    assert x[:, 1:3].shape == (None, 2)


def test_nn_ops_against_numpy():
    def softmax(x, axis=-1):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)

    check(ops.softmax(A), softmax(A))
    check(ops.log_softmax(A, axis=0), np.log(softmax(A, axis=0)), atol=1e-5)
    check(ops.relu(A), np.maximum(A, 0))
    check(ops.sigmoid(A), 1 / (1 + np.exp(-A)))
    check(ops.softplus(A), np.log1p(np.exp(A)))
    check(ops.leaky_relu(A, 0.1), np.where(A > 0, A, 0.1 * A))
    check(ops.elu(A), np.where(A > 0, A, np.expm1(A)))
    check(ops.one_hot(np.array([0, 2, 1]), 3), np.eye(3)[[0, 2, 1]])
    check(ops.logsumexp(A, axis=1), np.log(np.exp(A).sum(axis=1)))
    values, indices = ops.top_k(A, 2)
    check(values, -np.sort(-A, axis=1)[:, :2])
    target = np.eye(4)[[0, 1, 2]].astype("float32")
    probs = softmax(A)
    check(ops.categorical_crossentropy(target, probs), -(target * np.log(probs)).sum(-1))
    check(ops.categorical_crossentropy(target, A, from_logits=True), -(target * np.log(softmax(A))).sum(-1))
    check(ops.sparse_categorical_crossentropy(np.array([0, 1, 2]), probs),
          -np.log(probs[np.arange(3), [0, 1, 2]]))
    p = 1 / (1 + np.exp(-A))
    yb = (B > 0).astype("float32")
    check(ops.binary_crossentropy(yb, p), -(yb * np.log(p) + (1 - yb) * np.log(1 - p)), atol=1e-4)
    check(ops.binary_crossentropy(yb, A, from_logits=True), -(yb * np.log(p) + (1 - yb) * np.log(1 - p)),
          atol=1e-4)
    mean, var = ops.moments(A, axes=[0])
    check(mean, A.mean(0))
    check(var, A.var(0))
