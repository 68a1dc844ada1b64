"""get / serialize / deserialize, Keras 2 spellings, warnings, symbolic and traced calls."""
import warnings

import numpy as np
import pytest

from cornu import activations, backend, serialization

ALL_NAMES = [
    "relu", "leaky_relu", "relu6", "softmax", "elu", "selu", "softplus", "softsign", "silu",
    "swish", "gelu", "celu", "glu", "tanh", "tanh_shrink", "hard_tanh", "soft_shrink",
    "hard_shrink", "threshold", "sigmoid", "log_sigmoid", "sparse_sigmoid", "exponential",
    "hard_sigmoid", "hard_silu", "hard_swish", "linear", "mish", "log_softmax", "squareplus",
    "sparse_plus", "sparsemax",
]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_get_every_name(name):
    assert activations.get(name) is getattr(activations, name)


def test_aliases_are_the_same_functions():
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu


def test_get_none_gives_linear():
    assert activations.get(None) is activations.linear


def test_get_unknown_name_raises():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier: typo"):
        activations.get("typo")
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.get(42)


def test_get_callables_are_returned_as_is():
    def custom(x):
        return x * 2

    class LayerLike:
        def __call__(self, x):
            return x

    layer = LayerLike()
    assert activations.get(custom) is custom
    assert activations.get(layer) is layer


@pytest.mark.parametrize("name", ALL_NAMES)
def test_serialize_round_trip(name):
    fn = getattr(activations, name)
    saved = activations.serialize(fn)
    expected = {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
    assert saved == expected
    assert activations.deserialize(saved) is fn
    assert activations.get(saved) is fn


def test_deserialize_keras3_function_dict():
    config = {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": None}
    assert activations.deserialize(config) is activations.relu
    assert activations.get(config) is activations.relu


def test_registered_custom_activation_round_trip():
    @serialization.register_keras_serializable(package="ActTest")
    def double_it(x):
        return x * 2

    try:
        saved = activations.serialize(double_it)
        assert isinstance(saved, dict) and saved["class_name"] == "function"
        assert activations.deserialize(saved) is double_it
        assert activations.get("ActTest>double_it") is double_it
    finally:
        serialization.clear_custom_objects()


def test_custom_objects_in_deserialize():
    def my_act(x):
        return x

    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act
    with serialization.custom_object_scope({"my_act": my_act}):
        assert activations.get("my_act") is my_act


def test_builtins_are_registered_under_keras_activations():
    registered = serialization.builtin_objects("keras.activations")
    for name in ALL_NAMES:
        assert registered[name] is getattr(activations, name)


def test_relu_keras2_alpha_spelling_warns():
    x = np.array([-2.0, 3.0])
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        out = activations.relu(x, alpha=0.5)
    np.testing.assert_allclose(backend.convert_to_numpy(out), [-1.0, 3.0])
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError):
        activations.relu(x, alpha=0.5, negative_slope=0.1)
    with pytest.raises(TypeError):
        activations.relu(x, slope=0.5)


def test_leaky_relu_alpha_spelling_warns():
    with pytest.warns(DeprecationWarning):
        out = activations.leaky_relu(np.array([-2.0, 3.0]), alpha=0.3)
    np.testing.assert_allclose(backend.convert_to_numpy(out), [-0.6, 3.0], rtol=1e-6)


def test_softmax_accepts_1d_input():
    x = np.array([1.0, 2.0, 3.0])
    e = np.exp(x - 3.0)
    np.testing.assert_allclose(backend.convert_to_numpy(activations.softmax(x)), e / e.sum(), rtol=1e-6)


def test_softmax_over_size_one_axis_warns():
    with pytest.warns(UserWarning, match="softmax over axis -1 of a tensor of shape"):
        out = activations.softmax(np.array([[0.3], [2.0]]))
    np.testing.assert_allclose(backend.convert_to_numpy(out), [[1.0], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(np.array([[0.3, 1.0]]))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_symbolic_call_keeps_shape(name):
    kwargs = {"threshold": 0.5, "default_value": 0.0} if name == "threshold" else {}
    x = backend.KerasTensor((None, 6), dtype="float32")
    out = getattr(activations, name)(x, **kwargs)
    expected = (None, 3) if name == "glu" else (None, 6)
    assert isinstance(out, backend.KerasTensor) if name != "linear" else out is x
    assert tuple(out.shape) == expected
    assert out.dtype == "float32"


def test_relu_with_parameters_symbolic():
    x = backend.KerasTensor((2, 5), dtype="float32")
    out = activations.relu(x, negative_slope=0.1, max_value=3.0, threshold=0.5)
    assert tuple(out.shape) == (2, 5)


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit tracing check")
@pytest.mark.parametrize("name", ALL_NAMES)
def test_traces_under_jax_jit(name):
    import jax

    kwargs = {"threshold": 0.5, "default_value": 0.0} if name == "threshold" else {}
    fn = getattr(activations, name)
    x = np.linspace(-4, 4, 12).reshape(2, 6).astype("float32")
    eager = np.asarray(fn(x, **kwargs))
    traced = np.asarray(jax.jit(lambda v: fn(v, **kwargs))(x))
    np.testing.assert_allclose(traced, eager, rtol=1e-6, atol=1e-7)


@pytest.mark.skipif(backend.backend() != "jax", reason="jax.jit tracing check")
def test_relu_with_parameters_under_jax_jit():
    import jax

    x = np.linspace(-4, 8, 12).astype("float32")
    kwargs = dict(negative_slope=0.1, max_value=6.0, threshold=0.5)
    np.testing.assert_allclose(
        np.asarray(jax.jit(lambda v: activations.relu(v, **kwargs))(x)),
        np.asarray(activations.relu(x, **kwargs)),
        rtol=1e-6,
    )


@pytest.mark.skipif(backend.backend() != "torch", reason="torch.compile tracing check")
def test_compiles_with_torch_compile_fullgraph():
    import torch

    def chain(v):
        v = activations.relu(v, negative_slope=0.1, max_value=6.0, threshold=0.5)
        v = activations.threshold(v, 0.2, -1.0) + activations.sparse_sigmoid(v)
        return activations.softmax(activations.gelu(v), axis=-1)

    x = torch.linspace(-4, 8, 12).reshape(3, 4)
    torch.testing.assert_close(torch.compile(chain, fullgraph=True, backend="eager")(x), chain(x))
