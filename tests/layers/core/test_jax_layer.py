"""``layers.JaxLayer``: a pure JAX function with params/state pytrees as a layer (jax engine only).

References: NumPy re-computations of the wrapped functions, ``jax.grad`` for a training
step, and ``fixtures/keras315_jax_layer.keras`` written by real Keras 3.15.1
(generator: ``fixtures/make_jax_layer_fixture.py``).
"""
import pathlib

import numpy as np
import pytest

import cornu as keras
from cornu import layers
from cornu.serialization import register_keras_serializable

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
ON_JAX = keras.backend.backend() == "jax"
jax_only = pytest.mark.skipif(not ON_JAX, reason="JaxLayer needs the jax engine")
if ON_JAX:
    import jax
    import jax.numpy as jnp


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def dense_init(rng, inputs):
    k1, _ = jax.random.split(rng)
    return {"w": jax.random.normal(k1, (inputs.shape[-1], 3)) * 0.5, "b": jnp.full((3,), 0.1)}


def dense_call(params, inputs):
    return jnp.tanh(inputs @ params["w"] + params["b"])


# Same names and math as the functions real Keras registered in the fixture.
@register_keras_serializable(package="cornu_test")
def affine_call(params, state, inputs, training):
    out = inputs @ params["w"] + params["b"] + state["count"]
    return out, {"count": state["count"] + (1.0 if training else 0.0)}


@register_keras_serializable(package="cornu_test")
def affine_init(rng, inputs):
    w = jnp.arange(inputs.shape[-1] * 2, dtype="float32").reshape(inputs.shape[-1], 2) / 10.0
    return {"w": w, "b": jnp.ones((2,))}, {"count": jnp.zeros(())}


# -- the other engine ---------------------------------------------------------------------------
@pytest.mark.skipif(ON_JAX, reason="checks the error off the jax engine")
def test_other_engines_refuse_with_a_clear_error():
    with pytest.raises(ValueError, match="only available on the jax engine"):
        layers.JaxLayer(lambda inputs: inputs)
    with pytest.raises(ValueError, match="only available on the jax engine"):
        layers.JaxLayer.from_config({"name": "j", "call_fn": "affine_call", "init_fn": None})


# -- jax --------------------------------------------------------------------------------------
@jax_only
def test_init_fn_creates_trainable_params_and_call_matches_numpy():
    layer = layers.JaxLayer(dense_call, dense_init)
    assert not layer.built
    x = _rand(5, 4)
    out = np.asarray(layer(x))
    assert layer.built
    w, b = np.asarray(layer.params["w"].value), np.asarray(layer.params["b"].value)
    assert w.shape == (4, 3)
    np.testing.assert_allclose(b, np.full(3, 0.1), rtol=1e-6)
    np.testing.assert_allclose(out, np.tanh(x @ w + b), rtol=1e-5, atol=1e-6)
    assert len(layer.trainable_weights) == 2 and layer.non_trainable_weights == []
    assert layer.count_params() == 15


@jax_only
def test_given_params_build_at_construction_and_keep_non_array_leaves():
    seen = {}

    def call_fn(params, inputs):
        seen["act"] = params["act"]
        return inputs * params["scale"] + params["shift"][0]

    params = {"scale": np.float32(3.0), "shift": [np.array([0.5], "float32")], "act": "identity"}
    layer = layers.JaxLayer(call_fn, params=params)
    assert layer.built
    assert sorted(tuple(v.shape) for v in layer.trainable_weights) == [(), (1,)]
    x = _rand(2, 3)
    np.testing.assert_allclose(np.asarray(layer(x)), x * 3.0 + 0.5, rtol=1e-6)
    assert seen["act"] == "identity"


@jax_only
def test_fit_step_matches_jax_grad():
    x, y = _rand(8, 4, seed=1), _rand(8, 3, seed=2)
    w0, b0 = _rand(4, 3, seed=3) * 0.3, np.zeros(3, "float32")
    layer = layers.JaxLayer(dense_call, params={"w": w0, "b": b0})
    model = keras.Sequential([keras.Input((4,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
    model.train_on_batch(x, y)

    def loss(p):
        return jnp.mean((dense_call(p, x) - y) ** 2)

    grads = jax.grad(loss)({"w": jnp.asarray(w0), "b": jnp.asarray(b0)})
    np.testing.assert_allclose(np.asarray(layer.params["w"].value), w0 - 0.2 * np.asarray(grads["w"]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer.params["b"].value), b0 - 0.2 * np.asarray(grads["b"]),
                               rtol=1e-5, atol=1e-6)


@jax_only
def test_state_is_non_trainable_and_updated_by_training_calls_and_fit():
    layer = layers.JaxLayer(affine_call, affine_init)
    x = _rand(3, 3)
    out = np.asarray(layer(x, training=False))
    w = np.arange(6, dtype="float32").reshape(3, 2) / 10
    np.testing.assert_allclose(out, x @ w + 1.0, rtol=1e-5)
    assert [tuple(v.shape) for v in layer.non_trainable_weights] == [()]
    layer(x, training=True)
    assert float(layer.state["count"].value) == 1.0
    np.testing.assert_allclose(np.asarray(layer(x)), x @ w + 1.0 + 1.0, rtol=1e-5)  # training defaults to False
    model = keras.Sequential([keras.Input((3,)), layer])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_rand(12, 3), _rand(12, 2), batch_size=4, epochs=1, verbose=0)  # 3 jitted steps
    assert float(layer.state["count"].value) == 4.0


@jax_only
def test_rng_is_fresh_in_training_and_none_at_inference():
    keys = []

    def call_fn(rng, inputs, training):
        keys.append(rng)
        if training:
            return inputs * jax.random.bernoulli(rng, 0.5, inputs.shape)
        return inputs

    layer = layers.JaxLayer(call_fn, seed=3)
    x = np.ones((4, 16), "float32")
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    assert keys[-1] is None
    a, b = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert set(np.unique(a)) <= {0.0, 1.0} and 0 < a.sum() < a.size
    assert not np.array_equal(a, b)


@jax_only
def test_keras_file_loads_with_registered_functions_and_safe_mode_off():
    path = FIXTURES / "keras315_jax_layer.keras"
    data = np.load(FIXTURES / "keras315_jax_layer.npz")
    with pytest.raises(Exception, match="safe mode"):
        keras.saving.load_model(path)
    model = keras.saving.load_model(path, safe_mode=False)
    layer = model.get_layer("jl")
    assert isinstance(layer, layers.JaxLayer) and layer.call_fn is affine_call
    assert float(layer.state["count"].value) == 1.0
    np.testing.assert_allclose(np.asarray(model.predict(data["x"], verbose=0)), data["y"], rtol=1e-5, atol=1e-6)


@jax_only
def test_save_load_and_config_round_trip(tmp_path):
    layer = layers.JaxLayer(affine_call, affine_init, name="jl")
    model = keras.Sequential([keras.Input((3,)), layer])
    layer.params["w"].assign(np.full((3, 2), 0.25, "float32"))
    x = _rand(4, 3)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=False)
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)),
                               rtol=1e-6)
    config = layers.serialize(layer)
    assert config["config"]["call_fn"]["registered_name"] == "cornu_test>affine_call"
    again = layers.deserialize(config)
    assert again.call_fn is affine_call and again.init_fn is affine_init and again.built


@jax_only
def test_unregistered_functions_need_custom_objects():
    config = layers.serialize(layers.JaxLayer(dense_call, dense_init))
    with pytest.raises(ValueError, match="dense_call"):
        layers.deserialize(config)
    layer = layers.deserialize(config, custom_objects={"dense_call": dense_call, "dense_init": dense_init})
    assert layer.call_fn is dense_call


@jax_only
@pytest.mark.parametrize("call_fn, init_fn, message", [
    (lambda params, x: x, None, "unsupported argument"),
    (lambda params: params, None, "`inputs`"),
    (lambda params, inputs: inputs, None, "cannot all be None"),
    ("not a function", None, "must be a function"),
    (lambda inputs: inputs, lambda rng, key, inputs: None, "unsupported argument"),
])
def test_bad_signatures_give_clear_errors(call_fn, init_fn, message):
    with pytest.raises(ValueError, match=message):
        layers.JaxLayer(call_fn, init_fn)


@jax_only
def test_state_with_wrong_structure_is_reported():
    def call_fn(state, inputs):
        return inputs, {"other": state["count"]}

    layer = layers.JaxLayer(call_fn, state={"count": np.zeros((), "float32")})
    with pytest.raises(ValueError, match="structure"):
        layer(np.ones((1, 2), "float32"))
