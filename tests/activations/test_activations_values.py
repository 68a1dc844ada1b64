"""Every activation against its NumPy formula: values and gradients, on the active engine."""
import numpy as np
import pytest

from activation_refs import REFS, numeric_grad, smooth_inputs
from cornu import activations, backend

ENGINE = backend.backend()
# JAX runs with 32-bit floats by default; torch checks run in float64.
DTYPE = "float64" if ENGINE == "torch" else "float32"
VAL_TOL = dict(rtol=1e-10, atol=1e-12) if DTYPE == "float64" else dict(rtol=2e-5, atol=2e-6)
GRAD_TOL = dict(rtol=1e-5, atol=1e-6) if DTYPE == "float64" else dict(rtol=2e-3, atol=2e-4)


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x))


def engine_grad(fn, x, w):
    """d/dx sum(fn(x) * w), computed by the engine's own autodiff."""
    if ENGINE == "torch":
        import torch

        xt = torch.tensor(x, dtype=getattr(torch, DTYPE), requires_grad=True)
        y = fn(xt)
        (y * torch.as_tensor(w, dtype=y.dtype, device=y.device)).sum().backward()
        return xt.grad.detach().cpu().numpy()
    import jax
    import jax.numpy as jnp

    wj = jnp.asarray(w, dtype=DTYPE)
    return np.asarray(jax.grad(lambda v: jnp.sum(fn(v) * wj))(jnp.asarray(x, dtype=DTYPE)))


# (name, kwargs, input shape)
CASES = [
    ("relu", {}, (3, 4)),
    ("leaky_relu", {}, (3, 4)),
    ("leaky_relu", {"negative_slope": 0.05}, (3, 4)),
    ("relu6", {}, (3, 4)),
    ("elu", {}, (3, 4)),
    ("elu", {"alpha": 0.5}, (3, 4)),
    ("selu", {}, (3, 4)),
    ("gelu", {}, (3, 4)),
    ("gelu", {"approximate": True}, (3, 4)),
    ("celu", {}, (3, 4)),
    ("celu", {"alpha": 0.5}, (3, 4)),
    ("glu", {}, (3, 4)),
    ("glu", {"axis": 0}, (4, 3)),
    ("softmax", {}, (3, 4)),
    ("softmax", {"axis": 0}, (3, 4)),
    ("softmax", {"axis": (1, 2)}, (2, 3, 2)),
    ("softmax", {}, (5,)),
    ("log_softmax", {}, (3, 4)),
    ("log_softmax", {"axis": 0}, (3, 4)),
    ("log_softmax", {"axis": (1, 2)}, (2, 3, 2)),
    ("softplus", {}, (3, 4)),
    ("softsign", {}, (3, 4)),
    ("silu", {}, (3, 4)),
    ("swish", {}, (3, 4)),
    ("sigmoid", {}, (3, 4)),
    ("log_sigmoid", {}, (3, 4)),
    ("sparse_sigmoid", {}, (3, 4)),
    ("hard_sigmoid", {}, (3, 4)),
    ("hard_silu", {}, (3, 4)),
    ("hard_swish", {}, (3, 4)),
    ("exponential", {}, (3, 4)),
    ("linear", {}, (3, 4)),
    ("tanh", {}, (3, 4)),
    ("tanh_shrink", {}, (3, 4)),
    ("hard_tanh", {}, (3, 4)),
    ("soft_shrink", {}, (3, 4)),
    ("soft_shrink", {"threshold": 1.5}, (3, 4)),
    ("hard_shrink", {}, (3, 4)),
    ("hard_shrink", {"threshold": 1.5}, (3, 4)),
    ("mish", {}, (3, 4)),
    ("squareplus", {}, (3, 4)),
    ("squareplus", {"b": 1.0}, (3, 4)),
    ("sparse_plus", {}, (3, 4)),
    ("sparsemax", {}, (3, 4)),
    ("sparsemax", {"axis": 0}, (3, 4)),
    ("threshold", {"threshold": 0.7, "default_value": -1.0}, (3, 4)),
]
# Small ranges for functions whose interesting region is near 0 (sparsemax and
# the shrinks have a support/threshold structure there).
NARROW = {"sparsemax", "glu", "softmax", "log_softmax"}


def _inputs(name, shape, seed):
    if name in NARROW:
        return smooth_inputs(shape, seed=seed, low=-2.0, high=2.0)
    return smooth_inputs(shape, seed=seed)


def _id(case):
    name, kwargs, shape = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items()) + f"-{len(shape)}d"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_values_match_numpy(case):
    name, kwargs, shape = case
    x = _inputs(name, shape, seed=1)
    got = getattr(activations, name)(x.astype(DTYPE), **kwargs)
    assert tuple(got.shape) == tuple(REFS[name](x, **kwargs).shape)
    np.testing.assert_allclose(to_np(got), REFS[name](x, **kwargs), **VAL_TOL)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_gradients_match_finite_differences(case):
    name, kwargs, shape = case
    x = _inputs(name, shape, seed=2)
    ref = REFS[name]
    out_shape = ref(x, **kwargs).shape
    w = np.random.RandomState(3).uniform(0.5, 1.5, size=out_shape)
    fn = getattr(activations, name)
    expected = numeric_grad(lambda v: ref(v, **kwargs), x, w)
    np.testing.assert_allclose(engine_grad(lambda v: fn(v, **kwargs), x, w), expected, **GRAD_TOL)


RELU_COMBOS = [
    (ns, mv, th)
    for ns in (0.0, 0.1)
    for mv in (None, 6, 3.5)
    for th in (0.0, 1.5, -2.0)
]


@pytest.mark.parametrize("negative_slope,max_value,threshold", RELU_COMBOS)
def test_relu_every_parameter_combination(negative_slope, max_value, threshold):
    x = smooth_inputs((4, 5), seed=4)
    kwargs = dict(negative_slope=negative_slope, max_value=max_value, threshold=threshold)
    got = activations.relu(x.astype(DTYPE), **kwargs)
    from activation_refs import relu as ref

    np.testing.assert_allclose(to_np(got), ref(x, **kwargs), **VAL_TOL)
    w = np.random.RandomState(5).uniform(0.5, 1.5, size=x.shape)
    expected = numeric_grad(lambda v: ref(v, **kwargs), x, w)
    np.testing.assert_allclose(engine_grad(lambda v: activations.relu(v, **kwargs), x, w), expected, **GRAD_TOL)


def test_relu_keras_documented_examples():
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    relu = activations.relu
    np.testing.assert_allclose(to_np(relu(x)), [0, 0, 0, 5, 10])
    np.testing.assert_allclose(to_np(relu(x, negative_slope=0.5)), [-5, -2.5, 0, 5, 10])
    np.testing.assert_allclose(to_np(relu(x, max_value=5.0)), [0, 0, 0, 5, 5])
    np.testing.assert_allclose(to_np(relu(x, threshold=5.0)), [0, 0, 0, 0, 10])
    np.testing.assert_allclose(to_np(relu(x, threshold=5.0, max_value=5.0)), [0, 0, 0, 0, 5])
    np.testing.assert_allclose(
        to_np(relu(x, negative_slope=0.5, max_value=5.0, threshold=5.0)), [-7.5, -5, -2.5, 0, 5]
    )
    np.testing.assert_allclose(to_np(relu([-10, -5, 0.0, 5, 10, 12], max_value=6.0)), [0, 0, 0, 5, 6, 6])


def test_hard_sigmoid_is_the_keras3_formula():
    # Keras 3: relu6(x + 3) / 6, not Keras 2's clip(0.2 * x + 0.5, 0, 1).
    x = np.array([-4.0, -3.0, -1.5, 0.0, 1.5, 3.0, 4.0])
    np.testing.assert_allclose(
        to_np(activations.hard_sigmoid(x)), [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0], rtol=1e-6
    )


def test_sparsemax_keras_documented_examples():
    x = np.linspace(1, 12, num=12)
    expected = np.zeros(12)
    expected[-1] = 1.0
    np.testing.assert_allclose(to_np(activations.sparsemax(x)), expected, atol=1e-6)
    x2 = x.reshape(-1, 2)
    expected2 = np.zeros_like(x2)
    expected2[-1, :] = 1.0
    np.testing.assert_allclose(to_np(activations.sparsemax(x2, axis=-2)), expected2, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("name", ["relu", "sigmoid", "softmax", "gelu", "hard_silu", "threshold", "sparse_sigmoid"])
def test_float_dtype_is_preserved(name, dtype):
    if ENGINE == "jax" and dtype == "float64":
        pytest.skip("JAX runs without 64-bit floats by default")
    x = backend.convert_to_tensor(np.linspace(-2, 2, 8).reshape(2, 4), dtype=dtype)
    kwargs = {"threshold": 0.5, "default_value": 0.0} if name == "threshold" else {}
    out = getattr(activations, name)(x, **kwargs)
    assert backend.standardize_dtype(out.dtype) == dtype


@pytest.mark.parametrize("name", ["relu", "sigmoid", "softmax", "elu", "threshold", "sparse_sigmoid", "exponential"])
def test_integer_inputs_give_floatx(name):
    x = np.array([[-2, -1, 0, 1, 2, 3]], dtype="int32")
    kwargs = {"threshold": 0.5, "default_value": 0.0} if name == "threshold" else {}
    out = getattr(activations, name)(x, **kwargs)
    assert backend.standardize_dtype(out.dtype) == backend.floatx()
    np.testing.assert_allclose(to_np(out), REFS[name](x.astype("float64"), **kwargs), rtol=1e-6)


def test_linear_returns_input_unchanged():
    x = np.arange(6).reshape(2, 3)
    assert activations.linear(x) is x
