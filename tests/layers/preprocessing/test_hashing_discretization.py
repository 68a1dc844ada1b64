"""Hashing, HashedCrossing, Discretization, CategoryEncoding: Keras's numbers, NumPy references, config, save."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.layers.preprocessing import _hash_functions as hf

N = backend.convert_to_numpy
T = backend.convert_to_tensor


# -- the hash functions --------------------------------------------------------------------
def test_siphash_reference_vector():
    # The SipHash-2-4 paper's test vector: key 00..0f, message 00..0e.
    key = bytes(range(16))
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    assert hf.siphash24(k0, k1, bytes(range(15))) == 0xA129CA6149BE45E5


@pytest.mark.parametrize("data, fingerprint, sip", [
    # Values from Google's FarmHash (pyfarmhash) and a reference SipHash (key 00..0f).
    (b"", 11160318154034397263, 8246050544436514353),
    (b"a", 12917804110809363939, 3144613055062689994),
    (b"hello world", 6381520714923946011, 17100547981382080002),
    (b"x" * 33, 12270365409943098935, 7541776742877405772),
    (b"y" * 65, 13246502507848426076, 16493880292113993140),
    (bytes(range(200)), 525935771297148851, 1190252007736809041),
])
def test_hash_functions_known_values(data, fingerprint, sip):
    key = bytes(range(16))
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    assert hf.fingerprint64(data) == fingerprint
    assert hf.siphash24(k0, k1, data) == sip


# -- Hashing ----------------------------------------------------------------------------------
def test_hashing_matches_keras_numbers():
    x = [["A"], ["B"], ["C"], ["D"], ["E"]]
    out = layers.Hashing(num_bins=3)(x)
    assert backend.is_tensor(out)
    np.testing.assert_array_equal(N(out), [[1], [0], [1], [1], [2]])
    np.testing.assert_array_equal(N(layers.Hashing(num_bins=3, salt=[133, 137])(x)), [[1], [2], [1], [0], [2]])
    np.testing.assert_array_equal(N(layers.Hashing(num_bins=3, salt=133)(x)), [[0], [0], [2], [1], [0]])
    masked = layers.Hashing(num_bins=3, mask_value="")([["A"], ["B"], [""], ["C"], ["D"]])
    np.testing.assert_array_equal(N(masked), [[1], [1], [0], [2], [2]])


def test_hashing_ints_hash_their_decimal_text_and_modes():
    ints = np.array([[1, 22], [333, -4]])
    expected = np.array([[hf.fingerprint64(str(v).encode()) % 7 for v in row] for row in ints])
    np.testing.assert_array_equal(N(layers.Hashing(num_bins=7)(ints)), expected)
    np.testing.assert_array_equal(N(layers.Hashing(num_bins=7)(T(ints))), expected)
    # floats are truncated toward zero first
    np.testing.assert_array_equal(N(layers.Hashing(num_bins=7)(np.abs(ints).astype("float32") + 0.5)),
                                  N(layers.Hashing(num_bins=7)(np.abs(ints))))
    one = N(layers.Hashing(num_bins=7, output_mode="one_hot")(ints[:, :1]))
    np.testing.assert_array_equal(one, np.eye(7)[expected[:, 0]])
    multi = N(layers.Hashing(num_bins=7, output_mode="multi_hot")(ints))
    count = N(layers.Hashing(num_bins=7, output_mode="count")(np.array([[1, 1, 22]])))
    ref = np.zeros((2, 7))
    for r in range(2):
        ref[r, expected[r]] = 1
    np.testing.assert_array_equal(multi, ref)
    assert count[0, expected[0, 0]] == 2 and count.sum() == 3


def test_hashing_config_symbolic_and_errors():
    layer = layers.Hashing(num_bins=4, salt=5, mask_value="x")
    cfg = layer.get_config()
    assert cfg["salt"] == [5, 5] and cfg["num_bins"] == 4 and cfg["dtype"]["config"]["name"] == "int64"
    clone = layers.Hashing.from_config(cfg)
    np.testing.assert_array_equal(N(clone([["a"], ["x"]])), N(layer([["a"], ["x"]])))
    out = layers.Hashing(num_bins=4, output_mode="multi_hot")(keras.Input(shape=(3,)))
    assert tuple(out.shape) == (None, 4)
    with pytest.raises(ValueError, match="Hashing.*num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=2, salt="s")
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(num_bins=2, output_mode="bad")
    with pytest.raises(NotImplementedError, match="sparse"):
        layers.Hashing(num_bins=2, output_mode="one_hot", sparse=True)


# -- HashedCrossing -------------------------------------------------------------------------
def test_hashed_crossing_matches_keras_numbers():
    f1, f2 = np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102])
    np.testing.assert_array_equal(N(layers.HashedCrossing(num_bins=5)((f1, f2))), [1, 4, 1, 1, 3])
    one = N(layers.HashedCrossing(num_bins=5, output_mode="one_hot")((f1, f2)))
    np.testing.assert_array_equal(one, np.eye(5)[[1, 4, 1, 1, 3]])
    col = N(layers.HashedCrossing(num_bins=5)((f1[:, None], f2[:, None])))
    assert col.shape == (5, 1)
    np.testing.assert_array_equal(col[:, 0], [1, 4, 1, 1, 3])


def test_hashed_crossing_config_and_errors():
    layer = layers.HashedCrossing(num_bins=8, output_mode="one_hot")
    cfg = layer.get_config()
    assert set(cfg) == {"num_bins", "output_mode", "sparse", "name", "dtype"}
    assert layers.HashedCrossing.from_config(cfg).num_bins == 8
    with pytest.raises(ValueError, match="HashedCrossing.*two inputs"):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match="equal shape"):
        layer((np.array([1, 2]), np.array([1, 2, 3])))
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(num_bins=2, output_mode="multi_hot")


# -- Discretization -----------------------------------------------------------------------------
def test_discretization_values_match_numpy_digitize():
    bins = [0.0, 1.0, 2.5]
    x = np.array([[-1.0, 0.0, 0.5], [1.0, 2.4, 9.0]], "float32")
    out = layers.Discretization(bin_boundaries=bins)(x)
    assert backend.standardize_dtype(out.dtype) == "int32"
    np.testing.assert_array_equal(N(out), np.digitize(x, bins))
    multi = N(layers.Discretization(bin_boundaries=bins, output_mode="multi_hot")(x))
    ref = np.zeros((2, 4))
    for r in range(2):
        ref[r, np.digitize(x[r], bins)] = 1
    np.testing.assert_array_equal(multi, ref)
    count = N(layers.Discretization(bin_boundaries=bins, output_mode="count")(np.array([[0.1, 0.2, 3.0]])))
    np.testing.assert_array_equal(count, [[0, 2, 0, 1]])
    one = N(layers.Discretization(bin_boundaries=bins, output_mode="one_hot")(x[:, :1]))
    np.testing.assert_array_equal(one, np.eye(4)[np.digitize(x[:, 0], bins)])


def test_discretization_adapt_matches_keras_quantiles():
    # Boundaries computed by Keras 3.15 on the same data.
    x = ((np.arange(300) * 37) % 101 / 10.0).astype("float32").reshape(100, 3)
    layer = layers.Discretization(num_bins=5, epsilon=0.01)
    layer.adapt(x)
    np.testing.assert_allclose(layer.bin_boundaries, [1.8999989, 3.9999993, 5.9999995, 8.0], rtol=1e-5)
    layer.update_state(x[:40] * 2 - 3)
    layer.finalize_state()
    np.testing.assert_allclose(layer.bin_boundaries, [1.6600045, 4.2000008, 6.5600176, 8.960016], rtol=1e-5)
    batched = layers.Discretization(num_bins=5, epsilon=0.01)
    batched.adapt([x])
    np.testing.assert_allclose(batched.bin_boundaries, [1.8999989, 3.9999993, 5.9999995, 8.0], rtol=1e-5)


def test_discretization_config_model_and_save(tmp_path):
    layer = layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30, dtype="float32"))
    cfg = layer.get_config()
    assert set(cfg) == {"bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse", "name", "dtype"}
    clone = layers.Discretization.from_config(cfg)
    assert clone.bin_boundaries == layer.bin_boundaries
    inp = keras.Input(shape=(2,))
    model = keras.Model(inp, layers.Dense(1)(layers.Discretization(bin_boundaries=[0.0, 1.0],
                                                                   output_mode="one_hot")(inp)))
    assert tuple(model.layers[1].compute_output_shape((None, 2))) == (None, 2, 3)
    x = np.array([[-1.0, 0.5], [2.0, 3.0]], "float32")
    model.compile("sgd", "mse")
    model.fit(x, np.ones((2, 2, 1), "float32"), epochs=1, verbose=0)
    path = str(tmp_path / "d.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="Discretization.*num_bins"):
        layers.Discretization(num_bins=3, bin_boundaries=[1.0])
    with pytest.raises(ValueError, match="Discretization"):
        layers.Discretization()


# -- CategoryEncoding ------------------------------------------------------------------------------
def test_category_encoding_values_and_weights():
    x = np.array([[0, 1, 1, 3], [2, 2, 2, 0]])
    multi = N(layers.CategoryEncoding(num_tokens=4)(x))
    np.testing.assert_array_equal(multi, [[1, 1, 0, 1], [1, 0, 1, 0]])
    w = np.array([[0.5, 1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0]], "float32")
    count = N(layers.CategoryEncoding(num_tokens=4, output_mode="count")(x, count_weights=w))
    np.testing.assert_allclose(count, [[0.5, 3.0, 0.0, 3.0], [1.0, 0.0, 3.0, 0.0]])
    one = N(layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 1])))
    np.testing.assert_array_equal(one, np.eye(4)[[3, 1]])
    np.testing.assert_array_equal(N(layers.CategoryEncoding(num_tokens=4)(np.array([3, 1]))), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(num_tokens=4)(x, count_weights=w)
    with pytest.raises(ValueError, match="CategoryEncoding.*num_tokens"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(num_tokens=3, output_mode="tf_idf")


def test_category_encoding_in_model_config_and_save(tmp_path):
    layer = layers.CategoryEncoding(num_tokens=5, output_mode="count")
    cfg = layer.get_config()
    assert cfg["num_tokens"] == 5 and cfg["output_mode"] == "count"
    inp = keras.Input(shape=(3,), dtype="int32")
    model = keras.Model(inp, layers.Dense(2)(layers.CategoryEncoding.from_config(cfg)(inp)))
    x = np.array([[0, 4, 4], [1, 2, 3]], "int32")
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((2, 2), "float32"), epochs=1, verbose=0)
    path = str(tmp_path / "c.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
