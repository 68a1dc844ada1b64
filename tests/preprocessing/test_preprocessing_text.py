import hashlib
import json

import numpy as np
import pytest

from cornu.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog"]


def test_text_to_word_sequence():
    assert text_to_word_sequence("Hello, World! Hello.") == ["hello", "world", "hello"]
    assert text_to_word_sequence("a-b c\td", lower=False) == ["a", "b", "c", "d"]
    assert text_to_word_sequence("A;B;;C", split=";", filters="") == ["a", "b", "c"]
    assert text_to_word_sequence("don't stop") == ["don't", "stop"]


def test_hashing_trick_md5_is_stable():
    out = hashing_trick("The cat, the Cat", 10, hash_function="md5")
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in ["the", "cat", "the", "cat"]]
    assert out == expected
    assert hashing_trick("a b", 5, hash_function=len) == [2, 2]
    assert hashing_trick("x y", 7, analyzer=lambda t: t.split(), hash_function=ord) == [
        ord("x") % 6 + 1,
        ord("y") % 6 + 1,
    ]


def test_one_hot_range_and_consistency():
    out = one_hot("the cat the dog", 5)
    assert len(out) == 4 and all(1 <= i < 5 for i in out)
    assert out[0] == out[2]
    assert out == [hash(w) % 4 + 1 for w in ["the", "cat", "the", "dog"]]


def test_tokenizer_word_index_and_sequences():
    tok = Tokenizer()
    tok.fit_on_texts(TEXTS)
    # the:3, cat:2, dog:2, then first-seen order for the rest.
    assert list(tok.word_index.items())[:4] == [("the", 1), ("cat", 2), ("dog", 3), ("sat", 4)]
    assert tok.word_counts["the"] == 3
    assert tok.word_docs["the"] == 2 and tok.document_count == 3
    assert tok.index_docs[tok.word_index["cat"]] == 2
    assert tok.texts_to_sequences(["the cat and a bird"]) == [[1, 2, tok.word_index["and"]]]
    assert tok.sequences_to_texts([[1, 2, 99]]) == ["the cat"]


def test_tokenizer_num_words_and_oov():
    tok = Tokenizer(num_words=4, oov_token="<unk>")
    tok.fit_on_texts(TEXTS)
    assert tok.word_index["<unk>"] == 1 and tok.word_index["the"] == 2
    # "sat" has index 5 >= num_words: replaced by the OOV index; "bird" unknown.
    assert tok.texts_to_sequences(["the sat bird dog"]) == [[2, 1, 1, 1]]
    assert tok.sequences_to_texts([[2, 5, 77]]) == ["the <unk> <unk>"]


def test_tokenizer_char_level_and_lists():
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["abca", "Bd"])
    assert tok.word_index == {"a": 1, "b": 2, "c": 3, "d": 4}
    tok2 = Tokenizer()
    tok2.fit_on_texts([["Hello", "World"], ["hello"]])
    assert tok2.word_index == {"hello": 1, "world": 2}
    assert tok2.texts_to_sequences([["WORLD", "x"]]) == [[2]]


def test_tokenizer_matrices():
    tok = Tokenizer()
    tok.fit_on_texts(["a a b", "b c"])
    # word_index: a:1, b:2, c:3 (a and b both count 2: first seen first)
    seqs = [[1, 1, 2], [3]]
    np.testing.assert_array_equal(tok.sequences_to_matrix(seqs, "binary"), [[0, 1, 1, 0], [0, 0, 0, 1]])
    np.testing.assert_array_equal(tok.sequences_to_matrix(seqs, "count"), [[0, 2, 1, 0], [0, 0, 0, 1]])
    np.testing.assert_allclose(tok.sequences_to_matrix(seqs, "freq"), [[0, 2 / 3, 1 / 3, 0], [0, 0, 0, 1]])
    tfidf = tok.sequences_to_matrix(seqs, "tfidf")
    # tf = 1 + log(count), idf = log(1 + docs / (1 + docs containing))
    np.testing.assert_allclose(tfidf[0, 1], (1 + np.log(2)) * np.log(1 + 2 / 2))
    np.testing.assert_allclose(tfidf[1, 3], np.log(1 + 2 / 2))
    np.testing.assert_array_equal(
        tok.texts_to_matrix(["a c", "zzz"], mode="binary"), [[0, 1, 0, 1], [0, 0, 0, 0]]
    )
    with pytest.raises(ValueError, match="Unknown vectorization mode"):
        tok.sequences_to_matrix(seqs, "bogus")


def test_tokenizer_matrix_errors_and_fit_on_sequences():
    with pytest.raises(ValueError, match="Specify a dimension"):
        Tokenizer().sequences_to_matrix([[1]])
    tok = Tokenizer(num_words=3)
    with pytest.raises(ValueError, match="tfidf"):
        tok.sequences_to_matrix([[1]], mode="tfidf")
    tok.fit_on_sequences([[1, 1, 2], [2]])
    assert tok.document_count == 2 and tok.index_docs == {1: 1, 2: 2}
    out = tok.sequences_to_matrix([[1, 2, 5]], mode="tfidf")
    assert out.shape == (1, 3) and out[0, 0] == 0


def test_tokenizer_json_round_trip():
    tok = Tokenizer(num_words=10, oov_token="?")
    tok.fit_on_texts(TEXTS)
    text = tok.to_json()
    data = json.loads(text)
    assert data["class_name"] == "Tokenizer"
    assert json.loads(data["config"]["word_index"]) == tok.word_index
    again = tokenizer_from_json(text)
    assert again.word_index == tok.word_index
    assert again.index_word == tok.index_word
    assert again.document_count == 3 and again.num_words == 10 and again.oov_token == "?"
    assert again.texts_to_sequences(TEXTS) == tok.texts_to_sequences(TEXTS)
    np.testing.assert_array_equal(
        again.texts_to_matrix(TEXTS, mode="tfidf"), tok.texts_to_matrix(TEXTS, mode="tfidf")
    )


def test_tokenizer_legacy_and_unknown_kwargs():
    with pytest.warns(DeprecationWarning, match="nb_words"):
        tok = Tokenizer(nb_words=7)
    assert tok.num_words == 7
    with pytest.raises(TypeError, match="Unrecognized keyword arguments"):
        Tokenizer(bogus=1)


def test_tokenizer_analyzer():
    tok = Tokenizer(analyzer=lambda t: t.split("|"))
    tok.fit_on_texts(["x|y|x"])
    assert tok.word_index == {"x": 1, "y": 2}
    assert tok.texts_to_sequences(["y|x|z"]) == [[2, 1]]
