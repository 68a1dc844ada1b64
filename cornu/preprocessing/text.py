"""Text preprocessing: word splitting, hashing and the ``Tokenizer``.

The Keras 1/2 ``keras.preprocessing.text`` API, with the same results and
the same JSON format for saved tokenizers.
"""

import collections
import hashlib
import json
import warnings

import numpy as np

__all__ = [
    "text_to_word_sequence",
    "one_hot",
    "hashing_trick",
    "Tokenizer",
    "tokenizer_from_json",
]

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """Splits a text into a list of words.

    Every character of ``filters`` is replaced by ``split``, the text is
    split on ``split`` and empty words are dropped.

    Example::

        >>> text_to_word_sequence("Hello, World! Hello.")
        ['hello', 'world', 'hello']

    Args:
        input_text: the text.
        filters: characters to remove (tabs and newlines included by
            default, but not the apostrophe).
        lower: whether to lower-case the text first.
        split: the word separator.

    Returns:
        The list of words.
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


def _md5_hash(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(
    text,
    n,
    hash_function=None,
    filters=DEFAULT_FILTERS,
    lower=True,
    split=" ",
    analyzer=None,
):
    """Encodes a text as a list of word indices in ``[1, n)`` by hashing.

    Index ``hash_function(word) % (n - 1) + 1``; 0 is never produced.
    Different words may share an index.

    Args:
        text: the text.
        n: size of the hashing space.
        hash_function: ``None`` for Python's ``hash`` (which varies between
            processes for strings unless ``PYTHONHASHSEED`` is set), ``"md5"``
            for a stable md5-based hash, or any function of a string
            returning an int.
        filters: characters to remove.
        lower: whether to lower-case the text first.
        split: the word separator.
        analyzer: a function splitting the text into words, used instead of
            ``text_to_word_sequence``.

    Returns:
        The list of integer word indices.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5_hash
    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(
    input_text,
    n,
    filters=DEFAULT_FILTERS,
    lower=True,
    split=" ",
    analyzer=None,
):
    """Encodes a text as word indices in ``[1, n)`` using Python's ``hash``.

    Same as ``hashing_trick(input_text, n, hash_function=hash, ...)``.
    """
    return hashing_trick(
        input_text,
        n,
        hash_function=hash,
        filters=filters,
        lower=lower,
        split=split,
        analyzer=analyzer,
    )


class Tokenizer:
    """Turns texts into sequences of word indices or into vectors.

    Words are indexed by decreasing frequency over the texts it was fitted
    on (ties keep first-seen order), from 1; index 0 is never used. With an
    ``oov_token`` that token takes index 1 and stands for unknown words.

    Args:
        num_words: when set, only words of index below ``num_words`` are
            kept in sequences and matrices.
        filters: characters removed from texts.
        lower: whether texts are lower-cased.
        split: the word separator.
        char_level: index every character instead of words.
        oov_token: token replacing out-of-vocabulary words in
            ``texts_to_sequences`` (``None``: drop them).
        analyzer: a function splitting a text into words, used instead of
            ``text_to_word_sequence``.
        **kwargs: ``nb_words`` (Keras 1 name of ``num_words``, with a
            DeprecationWarning) and ``document_count``.
    """

    def __init__(
        self,
        num_words=None,
        filters=DEFAULT_FILTERS,
        lower=True,
        split=" ",
        char_level=False,
        oov_token=None,
        analyzer=None,
        **kwargs,
    ):
        if "nb_words" in kwargs:
            warnings.warn(
                "The `nb_words` argument in `Tokenizer` has been renamed `num_words`.",
                DeprecationWarning,
                stacklevel=2,
            )
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments: {kwargs}")

        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _words(self, text):
        """The words (or characters) of one text, as the tokenizer sees them."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                if isinstance(text, list):
                    return [item.lower() for item in text]
                return text.lower()
            return text
        if self.analyzer is None:
            return text_to_word_sequence(
                text, filters=self.filters, lower=self.lower, split=self.split
            )
        return self.analyzer(text)

    def fit_on_texts(self, texts):
        """Updates the vocabulary from a list of texts.

        Args:
            texts: strings, or lists of strings (already split words).
        """
        for text in texts:
            self.document_count += 1
            words = self._words(text)
            for word in words:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(words):
                self.word_docs[word] += 1

        counts = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = [] if self.oov_token is None else [self.oov_token]
        vocabulary.extend(word for word, _ in counts)
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1)))
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in list(self.word_docs.items()):
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Updates the document counts from sequences of word indices.

        Needed before ``sequences_to_matrix(mode="tfidf")`` when the
        tokenizer was not fitted on texts.
        """
        self.document_count += len(sequences)
        for seq in sequences:
            for index in set(seq):
                self.index_docs[index] += 1

    def texts_to_sequences(self, texts):
        """Turns each text into a list of word indices."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yields the list of word indices of each text."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            vector = []
            for word in self._words(text):
                index = self.word_index.get(word)
                if index is not None:
                    if num_words and index >= num_words:
                        if oov_index is not None:
                            vector.append(oov_index)
                    else:
                        vector.append(index)
                elif self.oov_token is not None:
                    vector.append(oov_index)
            yield vector

    def sequences_to_texts(self, sequences):
        """Turns each list of word indices back into a text."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yields the text (words joined by spaces) of each sequence."""
        num_words = self.num_words
        oov_index = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for index in seq:
                word = self.index_word.get(index)
                if word is not None:
                    if num_words and index >= num_words:
                        if oov_index is not None:
                            words.append(self.index_word[oov_index])
                    else:
                        words.append(word)
                elif self.oov_token is not None:
                    words.append(self.index_word[oov_index])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """Turns texts into a ``(len(texts), num_words)`` matrix.

        Args:
            texts: list of texts.
            mode: ``"binary"``, ``"count"``, ``"tfidf"`` or ``"freq"``.
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """Turns sequences of word indices into a matrix.

        Rows are sequences, columns word indices (``num_words`` of them, or
        the vocabulary size + 1). Modes: ``"binary"`` (1 when present),
        ``"count"``, ``"freq"`` (count / sequence length) and ``"tfidf"``
        (``(1 + log(count)) * log(1 + documents / (1 + documents with
        the word))``).
        """
        if not self.num_words:
            if self.word_index:
                num_words = len(self.word_index) + 1
            else:
                raise ValueError(
                    "Specify a dimension (`num_words` argument), or fit on some "
                    "text data first."
                )
        else:
            num_words = self.num_words
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        if mode not in ("binary", "count", "tfidf", "freq"):
            raise ValueError(f"Unknown vectorization mode: {mode}")

        x = np.zeros((len(sequences), num_words))
        for i, seq in enumerate(sequences):
            if not seq:
                continue
            counts = collections.defaultdict(int)
            for j in seq:
                if j >= num_words:
                    continue
                counts[j] += 1
            for j, c in list(counts.items()):
                if mode == "count":
                    x[i][j] = c
                elif mode == "freq":
                    x[i][j] = c / len(seq)
                elif mode == "binary":
                    x[i][j] = 1
                else:
                    tf = 1 + np.log(c)
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[i][j] = tf * idf
        return x

    def get_config(self):
        """Returns the tokenizer's configuration and state as a dict.

        The counts and indices are stored as JSON strings, as in Keras.
        """
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """Returns the tokenizer as a JSON string (see ``tokenizer_from_json``).

        Args:
            **kwargs: passed to ``json.dumps``.
        """
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )


def tokenizer_from_json(json_string):
    """Rebuilds a ``Tokenizer`` from the output of ``Tokenizer.to_json``."""
    tokenizer_config = json.loads(json_string)
    config = dict(tokenizer_config.get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    # JSON turns integer keys into strings: turn them back.
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))

    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
