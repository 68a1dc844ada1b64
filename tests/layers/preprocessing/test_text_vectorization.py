"""TextVectorization: standardize/split/ngrams, output modes, adapt, config and .keras save."""
import zipfile

import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers

N = backend.convert_to_numpy


def test_documented_int_output_with_vocabulary():
    layer = layers.TextVectorization(max_tokens=5000, output_sequence_length=4,
                                     vocabulary=["earth", "wind", "and", "fire"])
    out = layer(["earth wind and fire", "fire and earth"])
    assert backend.is_tensor(out)
    np.testing.assert_array_equal(N(out), [[2, 3, 4, 5], [5, 4, 2, 0]])
    assert layer.get_vocabulary() == ["", "[UNK]", "earth", "wind", "and", "fire"]
    assert layer.vocabulary_size() == 6


def test_adapt_standardize_split_and_sequence_length():
    layer = layers.TextVectorization(output_sequence_length=5)
    layer.adapt(np.array(["The cat sat.", "The DOG, the cat!", "A bird"]))
    vocab = layer.get_vocabulary()
    assert vocab[:4] == ["", "[UNK]", "the", "cat"]
    assert sorted(vocab[4:], reverse=True) == vocab[4:]  # ties: highest token first
    out = N(layer(np.array([["the cat!"], ["Zebra the the the the the the"]])))
    assert out.shape == (2, 5)
    np.testing.assert_array_equal(out[0], [2, 3, 0, 0, 0])
    np.testing.assert_array_equal(out[1], [1, 2, 2, 2, 2])
    ragged = N(layers.TextVectorization(vocabulary=["a", "b"])(["a b a", "b"]))
    np.testing.assert_array_equal(ragged, [[2, 3, 2], [3, 0, 0]])  # padded to the longest


def test_standardize_and_split_options():
    lower = layers.TextVectorization(standardize="lower", vocabulary=["hi!", "hi"])
    np.testing.assert_array_equal(N(lower(["HI! hi"])), [[2, 3]])
    strip = layers.TextVectorization(standardize="strip_punctuation", vocabulary=["Hi", "hi"])
    np.testing.assert_array_equal(N(strip(["Hi! hi."])), [[2, 3]])
    chars = layers.TextVectorization(split="character", standardize=None, vocabulary=["a", "b"])
    np.testing.assert_array_equal(N(chars(["abca"])), [[2, 3, 1, 2]])
    custom = layers.TextVectorization(standardize=lambda x: np.char.replace(x, "x", "a"),
                                      split=lambda x: [s.split("-") for s in x], vocabulary=["a", "b"])
    np.testing.assert_array_equal(N(custom(["x-b-c"])), [[2, 3, 1]])
    tokens = layers.TextVectorization(split=None, standardize=None, vocabulary=["a", "b"])
    np.testing.assert_array_equal(N(tokens(np.array([["a", "b", "q"]]))), [[2, 3, 1]])


def test_ngrams_and_bag_of_words_modes():
    layer = layers.TextVectorization(ngrams=2, vocabulary=["a", "b", "a b", "b c"], output_mode="count")
    # tokens a b c -> unigrams a, b, c(OOV) + bigrams "a b", "b c"
    np.testing.assert_array_equal(N(layer(["a b c"])), [[1, 1, 1, 1, 1]])
    multi = layers.TextVectorization(output_mode="multi_hot", vocabulary=["x", "y"])
    np.testing.assert_array_equal(N(multi(["x x z", "y"])), [[1, 1, 0], [0, 0, 1]])
    docs = ["a a b", "b c", "c"]
    tfidf = layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(docs)
    vocab = tfidf.get_vocabulary()
    assert vocab == ["[UNK]", "c", "b", "a"]  # a:2, b:2, c:2 tie -> high to low
    doc_freq = np.array([2.0, 2.0, 1.0])  # c, b, a
    idf = np.log(1 + 3 / (1 + doc_freq))
    idf = np.concatenate([[idf.mean()], idf])
    counts = np.array([[0, 0, 1, 2], [0, 1, 1, 0], [1, 1, 0, 0]])  # "zz" is OOV in the third
    np.testing.assert_allclose(N(tfidf(["a a b", "b c", "c zz"])), counts * idf, rtol=1e-6)


def test_errors_name_the_layer_and_argument():
    with pytest.raises(ValueError, match="TextVectorization.*standardize"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="split"):
        layers.TextVectorization(split="comma")
    with pytest.raises(ValueError, match="ngrams"):
        layers.TextVectorization(ngrams="2")
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(NotImplementedError, match="ragged"):
        layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="last dimension must be 1"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))


def test_config_round_trip_and_symbolic_shapes():
    layer = layers.TextVectorization(max_tokens=10, ngrams=(1, 3), output_sequence_length=7,
                                     vocabulary=["a", "b"])
    cfg = layer.get_config()
    for key in ("max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length",
                "pad_to_max_tokens", "sparse", "ragged", "vocabulary", "idf_weights", "encoding",
                "vocabulary_size"):
        assert key in cfg
    clone = layers.TextVectorization.from_config(dict(cfg, ngrams=[1, 3]))
    assert clone.get_config() == dict(cfg, name=clone.name)
    np.testing.assert_array_equal(N(clone(["a b"])), N(layer(["a b"])))
    inp = keras.Input(shape=(1,), dtype="string")
    assert tuple(layer(inp).shape) == (None, 7)
    bow = layers.TextVectorization(output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True)
    assert tuple(bow(inp).shape) == (None, 6)


def test_adapted_text_vectorization_survives_keras_save(tmp_path):
    layer = layers.TextVectorization(max_tokens=20, output_mode="tf_idf", name="tv")
    layer.adapt(["the cat sat", "the dog", "a cat"])
    inp = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inp, layer(inp))
    path = str(tmp_path / "tv.keras")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    loaded = keras.saving.load_model(path).get_layer("tv")
    probe = np.array([["the cat"], ["unknown dog"]])
    assert loaded.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_allclose(N(loaded(probe)), N(layer(probe)), rtol=1e-6)


def test_vectorized_ints_train_a_model():
    layer = layers.TextVectorization(output_sequence_length=4)
    texts = ["good movie", "bad movie", "good good", "bad"]
    layer.adapt(texts)
    x = N(layer(texts))
    model = keras.Sequential([keras.Input(shape=(4,), dtype="int32"),
                              layers.Embedding(layer.vocabulary_size(), 4), layers.GlobalAveragePooling1D(),
                              layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(x, np.array([1.0, 0.0, 1.0, 0.0], "float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
