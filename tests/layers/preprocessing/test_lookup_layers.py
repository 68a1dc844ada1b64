"""StringLookup / IntegerLookup: Keras's documented outputs, adapt order, OOV buckets, encodings, saving."""
import zipfile

import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers

N = backend.convert_to_numpy
T = backend.convert_to_tensor
VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]


def test_string_lookup_documented_outputs():
    out = layers.StringLookup(vocabulary=VOCAB)([["a", "c", "d"], ["d", "z", "b"]])
    assert backend.is_tensor(out) and backend.standardize_dtype(out.dtype) in ("int64", "int32")
    np.testing.assert_array_equal(N(out), [[1, 3, 4], [4, 0, 2]])
    two_oov = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2)([["a", "c", "d"], ["m", "z", "b"]])
    np.testing.assert_array_equal(N(two_oov), [[2, 4, 5], [0, 1, 3]])  # "m", "z" hashed by FarmHash
    one_hot = layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")(["a", "b", "c", "d", "z"])
    np.testing.assert_array_equal(N(one_hot), np.eye(5)[[1, 2, 3, 4, 0]])
    np.testing.assert_array_equal(N(layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")(DATA)),
                                  [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    np.testing.assert_array_equal(N(layers.StringLookup(vocabulary=VOCAB, output_mode="count")(DATA)),
                                  [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    tfidf = layers.StringLookup(output_mode="tf_idf")
    tfidf.set_vocabulary(VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(N(tfidf(DATA)), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    with_oov = layers.StringLookup(output_mode="tf_idf")
    with_oov.set_vocabulary(["[UNK]"] + VOCAB, idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(N(with_oov(DATA)), [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inverse = layers.StringLookup(vocabulary=VOCAB, invert=True)(np.array([[1, 3, 4], [4, 0, 2]]))
    np.testing.assert_array_equal(inverse, [["a", "c", "d"], ["d", "[UNK]", "b"]])


def test_string_lookup_adapt_order_mask_and_bytes():
    layer = layers.StringLookup()
    layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]  # by count, ties high to low
    np.testing.assert_array_equal(N(layer([["a", "c", "d"], ["d", "z", "b"]])), [[5, 3, 1], [1, 2, 4]])
    assert layer.vocabulary_size() == 6
    assert layer.get_vocabulary(include_special_tokens=False) == ["d", "z", "c", "b", "a"]
    capped = layers.StringLookup(max_tokens=3, mask_token="")
    capped.adapt(iter([np.array(["x", "y", "y"]), np.array(["", "y", "w", "w", "w"])]))  # batches
    assert capped.get_vocabulary() == ["", "[UNK]", "y"]  # "y" and "w" tie at 3: "y" sorts higher
    np.testing.assert_array_equal(N(capped(np.array([b"y", b"", b"w"]))), [2, 0, 1])


def test_integer_lookup_host_and_tensor_paths_agree():
    layer = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    x = np.array([[12, 1138, 42], [42, 1000, 36]])
    np.testing.assert_array_equal(N(layer(x)), [[1, 3, 4], [4, 0, 2]])
    np.testing.assert_array_equal(N(layer(T(x))), [[1, 3, 4], [4, 0, 2]])
    mod = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], num_oov_indices=2, mask_token=0)
    y = np.array([[12, 0, 7, 8, -3]])
    expected = [[3, 0, 1 + 7 % 2, 1 + 8 % 2, 1 + (-3) % 2]]
    np.testing.assert_array_equal(N(mod(y)), expected)
    np.testing.assert_array_equal(N(mod(T(y))), expected)
    for mode in ("one_hot", "multi_hot", "count"):
        enc = layers.IntegerLookup(vocabulary=[5, 6, 7], output_mode=mode, mask_token=0)
        z = np.array([[5, 7, 0, 9]]) if mode != "one_hot" else np.array([5, 7, 0, 9])
        np.testing.assert_allclose(N(enc(z)), N(enc(T(z))))
    tfidf = layers.IntegerLookup(vocabulary=[3, 4, 5], idf_weights=[1.0, 2.0, 3.0], output_mode="tf_idf",
                                 num_oov_indices=2)
    w = np.array([[3, 3, 8, 9, 5]])
    np.testing.assert_allclose(N(tfidf(w)), [[2, 2, 2, 0, 3]])  # OOV weight: the mean idf
    np.testing.assert_allclose(N(tfidf(T(w))), [[2, 2, 2, 0, 3]])
    inv = layers.IntegerLookup(vocabulary=[12, 36], invert=True)(np.array([1, 2, 0, 9]))
    np.testing.assert_array_equal(N(inv), [12, 36, -1, -1])


def test_integer_lookup_adapt_and_tf_idf_reference():
    docs = np.array([[1, 2, 2], [2, 3, 3]])
    layer = layers.IntegerLookup(output_mode="tf_idf")
    layer.adapt(docs)  # a 2D array: each row is one document
    assert layer.get_vocabulary() == [-1, 2, 3, 1]
    # idf = log(1 + num_docs / (1 + doc_count)); OOV gets the mean idf
    idf = np.log(1 + 2 / (1 + np.array([2.0, 1.0, 1.0])))
    idf = np.concatenate([[idf.mean()], idf])
    counts = np.array([[0, 2, 0, 1], [0, 1, 2, 0]])
    np.testing.assert_allclose(N(layer(docs)), counts * idf, rtol=1e-6)


def test_lookup_errors_name_layer_and_argument():
    with pytest.raises(ValueError, match="StringLookup.*max_tokens"):
        layers.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="StringLookup.*output_mode"):
        layers.StringLookup(output_mode="bogus")
    with pytest.raises(ValueError, match="invert"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["b"])
    with pytest.raises(ValueError, match="IntegerLookup.*vocabulary_dtype"):
        layers.IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(NotImplementedError, match="sparse"):
        layers.StringLookup(output_mode="multi_hot", sparse=True)
    with pytest.raises(RuntimeError, match="vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a"])


def test_lookup_config_round_trip_and_vocabulary_file(tmp_path):
    layer = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2, mask_token="", salt=7)
    cfg = layer.get_config()
    for key in ("invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token", "output_mode", "sparse",
                "pad_to_max_tokens", "idf_weights", "vocabulary", "vocabulary_size", "oov_method", "salt",
                "encoding"):
        assert key in cfg
    assert "vocabulary_dtype" not in cfg and cfg["salt"] == [7, 7] and cfg["vocabulary_size"] == 7
    clone = layers.StringLookup.from_config(cfg)
    np.testing.assert_array_equal(N(clone([["a", "q", ""]])), N(layer([["a", "q", ""]])))
    icfg = layers.IntegerLookup(vocabulary=np.array([4, 5]), mask_token=0).get_config()
    assert icfg["vocabulary"] == [4, 5] and icfg["vocabulary_dtype"] == "int64" and icfg["mask_token"] == 0
    path = tmp_path / "vocab.txt"
    path.write_text("x\ny\nz\n")
    from_file = layers.StringLookup(vocabulary=str(path))
    assert from_file.get_vocabulary() == ["[UNK]", "x", "y", "z"] and from_file.get_config()["vocabulary"] is None
    padded = layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot", pad_to_max_tokens=True, max_tokens=8)
    assert N(padded([["a"]])).shape == (1, 8)
    assert tuple(padded(keras.Input(shape=(3,), dtype="string")).shape) == (None, 8)


def test_adapted_vocabularies_survive_keras_save(tmp_path):
    s = layers.StringLookup(output_mode="tf_idf", name="words")
    s.adapt(np.array([["a", "b", "b"], ["c", "b", "a"]]))
    inp = keras.Input(shape=(3,), dtype="string")
    model = keras.Model(inp, s(inp))
    path = str(tmp_path / "s.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.read("assets/layers/string_lookup/vocabulary.txt").decode() == "[UNK]\nb\na\nc"
    loaded = keras.saving.load_model(path).get_layer("words")
    probe = np.array([["a", "b", "q"]])
    assert loaded.get_vocabulary() == s.get_vocabulary()
    np.testing.assert_allclose(N(loaded(probe)), N(s(probe)), rtol=1e-6)

    lookup = layers.IntegerLookup(mask_token=0)
    lookup.adapt(np.array([5, 5, 7, 9, 9, 9]))
    model = keras.Sequential([keras.Input(shape=(2,), dtype="int32"), lookup, layers.Embedding(5, 3),
                              layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[5, 7], [9, 1]], "int32")
    model.fit(x, np.array([1.0, 2.0], "float32"), epochs=1, verbose=0)  # compiled on JAX: the ops path
    path = str(tmp_path / "i.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.layers[0].get_vocabulary() == [0, -1, 9, 5, 7]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
