"""``TextVectorization``: raw strings -> token indices or bag-of-words vectors, on the host."""
import re
import string

import numpy as np

from cornu import backend, serialization
from cornu.layers.preprocessing import _categorical as cat
from cornu.layers.preprocessing.string_lookup import StringLookup

_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_WHITESPACE = re.compile("[ \t\n\r\v\f]+")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


class TextVectorization(cat.HostLayer):
    """Turns strings into sequences of token indices or into per-string vectors.

    Each string is standardized, split into tokens, optionally grouped into
    n-grams, and looked up in a vocabulary learned by ``adapt`` (or given).
    Index 0 is padding, 1 the out-of-vocabulary token ``"[UNK]"``.  Runs on
    the host: inputs are NumPy arrays or lists of strings of shape
    ``(batch,)`` or ``(batch, 1)``; outputs are engine tensors.

    Args:
        max_tokens: largest vocabulary size, padding and OOV included.
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``
            (ASCII letters, as Keras), ``"strip_punctuation"``, None, or a
            callable taking and returning a NumPy array of strings.
        split: ``"whitespace"`` (default), ``"character"``, None (inputs are
            already tokens), or a callable taking a 1D NumPy array of strings
            and returning one list of tokens per string.
        ngrams: None, an int n (all 1..n-grams) or a tuple of n-gram sizes.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``
            (``"one_hot"`` too, with ``split=None``).
        output_sequence_length: for ``"int"``: pad or cut every sequence to
            this length (None: to the longest in the batch).
        pad_to_max_tokens: encoded outputs are ``max_tokens`` wide.
        vocabulary: a list of strings or a vocabulary file path.
        idf_weights: IDF weights for ``"tf_idf"`` with a given vocabulary.
        sparse, ragged: not supported (raise ``NotImplementedError``).
        encoding: text encoding of byte strings.
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace",
                 ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
                 vocabulary=None, idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        tag = f"Layer '{self.name}' (TextVectorization):"
        if not (standardize is None or callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(f"{tag} invalid `standardize`={standardize!r}; expected one of {_STANDARDIZE}, "
                             "None or a callable.")
        if not (split is None or callable(split) or split in _SPLIT):
            raise ValueError(f"{tag} invalid `split`={split!r}; expected one of {_SPLIT}, None or a callable.")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        cat.check_choice(self.name, "TextVectorization", "output_mode", output_mode, cat.OUTPUT_MODES)
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams > 0)
                or (isinstance(ngrams, tuple) and ngrams and all(isinstance(n, int) and n > 0 for n in ngrams))):
            raise ValueError(f"{tag} `ngrams` must be None, a positive integer, or a tuple of positive "
                             f"integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or (
                isinstance(output_sequence_length, int) and output_sequence_length > 0)):
            raise ValueError(f"{tag} `output_sequence_length` must be None or a positive integer when "
                             f"`output_mode` is 'int'. Received: output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{tag} `output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError(f"{tag} `ragged` may only be true when `output_mode` is 'int'. "
                             f"Received: ragged={ragged} and output_mode={output_mode}")
        if ragged:
            raise NotImplementedError(f"{tag} `ragged=True` is not supported: cornu has no ragged tensors. "
                                      "Use ragged=False with `output_sequence_length`.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = has_input_vocabulary
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode, sparse=sparse,
            has_input_vocabulary=has_input_vocabulary, encoding=encoding, vocabulary_size=vocabulary_size)

    # -- text processing -------------------------------------------------------------------
    def _standardized(self, arr):
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            arr = _map_strings(arr, lambda s: s.translate(_ASCII_LOWER))
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            arr = _map_strings(arr, lambda s: _PUNCTUATION.sub("", s))
        if callable(self._standardize):
            out = self._standardize(arr)
            if backend.is_tensor(out):
                out = backend.convert_to_numpy(out)
            arr = cat.decode_strings(np.asarray(out), self._encoding)
        return arr

    def _preprocess(self, inputs):
        """Standardized strings, then (with a split) one token list per string."""
        arr = cat.to_numpy_input(inputs, strings=True, encoding=self._encoding)
        if arr.dtype.kind not in "UO":
            arr = arr.astype(str)
        arr = cat.decode_strings(arr, self._encoding)
        arr = self._standardized(arr)
        if self._split is None:
            if self._ngrams is not None:
                if arr.ndim == 0:
                    arr = arr.reshape(1)
                return [_ngrams(list(row.reshape(-1)), self._ngrams) for row in arr.reshape(arr.shape[0], -1)]
            return arr
        if arr.ndim > 1:
            if arr.shape[-1] != 1:
                raise ValueError(
                    f"Layer '{self.name}' (TextVectorization): when tokenizing strings, the input rank must be 1 "
                    f"or the last dimension must be 1. Received: inputs.shape={arr.shape}")
            arr = arr[..., 0]
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim > 1:
            raise ValueError(f"Layer '{self.name}' (TextVectorization): expected strings of shape (batch,) or "
                             f"(batch, 1); received shape {arr.shape}.")
        if self._split == "whitespace":
            docs = [[t for t in _WHITESPACE.split(s) if t] for s in arr]
        elif self._split == "character":
            docs = [list(s) for s in arr]
        else:
            docs = [list(cat.decode_strings(np.asarray(d, dtype=object), self._encoding).reshape(-1))
                    for d in self._split(arr)]
        if self._ngrams is not None:
            docs = [_ngrams(d, self._ngrams) for d in docs]
        return docs

    # -- vocabulary --------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from strings: an array, a list, or an iterable of batches.

        Every string is one document; tokens are ranked by count (ties broken
        by the token, highest first) and cut to ``max_tokens``.
        """
        self.reset_state()
        for batch in cat.iterate_batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        processed = self._preprocess(data)
        if isinstance(processed, np.ndarray) and processed.ndim == 1:
            processed = processed[:, None]
        self._lookup_layer.update_state(processed)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order (with ``""`` for padding and ``"[UNK]"`` first by default)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The vocabulary size, padding and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (a list or a file path) and, for ``"tf_idf"``, the IDF weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- call -----------------------------------------------------------------------------------
    def call(self, inputs):
        processed = self._preprocess(inputs)
        lookup = self._lookup_layer
        if isinstance(processed, np.ndarray):
            if self._output_mode != "int":
                return lookup.call(processed)
            ids = lookup.lookup_array(processed)
            if ids.ndim == 0:
                ids = ids.reshape(1)
        else:
            if self._output_mode != "int":
                width = max([len(d) for d in processed] + [1])
                padded = np.full((len(processed), width), "", dtype=object)
                for i, d in enumerate(processed):
                    padded[i, :len(d)] = d
                return lookup.call(padded.astype(str))
            width = max([len(d) for d in processed] + [0])
            ids = np.zeros((len(processed), width), dtype="int64")
            for i, d in enumerate(processed):
                if d:
                    ids[i, :len(d)] = lookup.lookup_array(np.array(d))
        length = self._output_sequence_length
        if length is not None:
            ids = ids[..., :length]
            if ids.shape[-1] < length:
                pad = [(0, 0)] * (ids.ndim - 1) + [(0, length - ids.shape[-1])]
                ids = np.pad(ids, pad)
        return backend.convert_to_tensor(ids, dtype="int64")

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:  # strings of shape (batch,) or (batch, 1) -> token lists (batch, None)
            input_shape = (input_shape[0] if input_shape else None, None)
        return self._lookup_layer.compute_output_shape(input_shape)

    def _output_dtype_name(self):
        return "int64" if self._output_mode == "int" else backend.floatx()

    # -- saving ----------------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        lookup = self._lookup_layer
        config.update({
            "max_tokens": lookup.max_tokens,
            "standardize": _serialize_callable(self._standardize),
            "split": _serialize_callable(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": _to_list(lookup.input_vocabulary),
            "idf_weights": _to_list(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = serialization.deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)


def _map_strings(arr, fn):
    arr = np.asarray(arr)
    flat = [fn(s) for s in arr.reshape(-1)]
    return np.array(flat, dtype=object).astype(str).reshape(arr.shape) if flat else arr


def _ngrams(tokens, widths):
    """All n-grams of ``tokens`` joined by spaces, grouped by width in the order of ``widths``."""
    out = []
    for n in widths:
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def _serialize_callable(value):
    if value is None or isinstance(value, str):
        return value
    return serialization.serialize_keras_object(value)


def _to_list(x):
    if x is None:
        return None
    if backend.is_tensor(x):
        x = backend.convert_to_numpy(x)
    return np.asarray(x).tolist() if isinstance(x, np.ndarray) else (list(x) if isinstance(x, tuple) else x)
