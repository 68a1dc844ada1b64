"""``Embedding``: harness, lookup and gradient against NumPy, masks, integer inputs, legacy arguments."""
import warnings

import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test


def _grad_of_table(layer, ids, cotangent):
    """d sum(layer(ids) * cotangent) / d embeddings, with the engine's autodiff."""
    variable = layer.trainable_weights[0]
    if backend.backend() == "torch":
        import torch

        out = layer(backend.convert_to_tensor(ids))
        (g,) = torch.autograd.grad((out * torch.tensor(cotangent)).sum(), [variable.value])
        return g.numpy()
    import jax
    import jax.numpy as jnp

    from cornu.backend import StatelessScope

    def loss(table):
        with StatelessScope([(variable, table)]):
            return jnp.sum(layer(jnp.asarray(ids)) * cotangent)

    return np.asarray(jax.grad(loss)(variable.value))


def test_harness():
    run_layer_test(layers.Embedding, {"input_dim": 10, "output_dim": 3}, input_shape=(2, 5), input_dtype="int32",
                   expected_output_shape=(2, 5, 3), expected_output_dtype="float32",
                   expected_weights=[("embeddings", (10, 3))], expected_num_trainable_weights=1,
                   expected_num_seed_generators=0, supports_masking=False)
    run_layer_test(layers.Embedding, {"input_dim": 6, "output_dim": 2, "mask_zero": True}, input_shape=(3, 4),
                   input_dtype="int64", expected_output_shape=(3, 4, 2), supports_masking=True)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
def test_lookup_and_gradient_match_numpy(dtype):
    rng = np.random.default_rng(0)
    ids = np.array([[1, 4, 4, 0], [7, 2, 1, 1]]).astype(dtype)
    layer = layers.Embedding(8, 3)
    out = backend.convert_to_numpy(layer(backend.convert_to_tensor(ids)))
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out, table[ids.astype("int64")])
    cot = rng.standard_normal(out.shape).astype("float32")
    expected = np.zeros_like(table)
    np.add.at(expected, ids.astype("int64"), cot)  # repeated ids accumulate
    np.testing.assert_allclose(_grad_of_table(layer, ids, cot), expected, rtol=1e-6, atol=1e-6)


def test_integer_inputs_are_not_autocast():
    layer = layers.Embedding(5, 2, dtype="float64") if backend.backend() == "torch" else layers.Embedding(5, 2)
    big = np.array([[4, 3]], "int64")
    out = layer(backend.convert_to_tensor(big))
    assert backend.standardize_dtype(out.dtype) == layer.compute_dtype
    assert layer.autocast is False


def test_default_uniform_initializer_range():
    layer = layers.Embedding(200, 50)
    layer.build()
    table = layer.get_weights()[0]
    assert table.min() >= -0.05 and table.max() <= 0.05 and table.std() > 0.02


def test_mask_zero():
    layer = layers.Embedding(5, 2, mask_zero=True)
    ids = backend.convert_to_tensor(np.array([[3, 0, 1], [0, 0, 2]]))
    mask = backend.convert_to_numpy(layer.compute_mask(ids))
    np.testing.assert_array_equal(mask, [[True, False, True], [False, False, True]])
    assert layers.Embedding(5, 2).compute_mask(ids) is None
    inp = keras.Input((3,), dtype="int32")
    out = layers.Embedding(5, 2, mask_zero=True)(inp)
    assert out._keras_mask is not None and tuple(out._keras_mask.shape) == (None, 3)


def test_weights_argument_and_config():
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, weights=[table])
    assert layer.built
    np.testing.assert_array_equal(layer.get_weights()[0], table)
    np.testing.assert_array_equal(layers.Embedding(4, 3, weights=table).get_weights()[0], table)
    config = layers.Embedding(4, 3, mask_zero=True, embeddings_regularizer="l2", name="emb").get_config()
    assert config["mask_zero"] is True and config["input_dim"] == 4 and config["output_dim"] == 3
    assert layers.Embedding.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="expects 1 weight|shape"):
        layers.Embedding(4, 3, weights=[table, table])


def test_input_length_is_deprecated_but_accepted():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = layers.Embedding(10, 4, input_length=7)
    assert any("input_length" in str(w.message) for w in caught)
    assert layer._batch_input_shape == (None, 7)


@pytest.mark.parametrize("kwargs,word", [({"input_dim": 0, "output_dim": 2}, "input_dim"),
                                         ({"input_dim": 3, "output_dim": 2.5}, "output_dim"),
                                         ({"input_dim": 3, "output_dim": 2, "lora_rank": -1}, "lora_rank")])
def test_argument_errors(kwargs, word):
    with pytest.raises(ValueError, match=word):
        layers.Embedding(**kwargs)


def test_embedding_regularizer_adds_a_loss():
    layer = layers.Embedding(3, 2, embeddings_regularizer=keras.regularizers.L2(0.5),
                             embeddings_initializer="ones")
    layer(backend.convert_to_tensor(np.array([[0, 1]])))
    (loss,) = layer.losses
    np.testing.assert_allclose(float(backend.convert_to_numpy(loss)), 0.5 * 6.0, rtol=1e-6)
