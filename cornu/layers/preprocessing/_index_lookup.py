"""``IndexLookup``: the vocabulary table behind ``StringLookup``, ``IntegerLookup`` and ``TextVectorization``.

Not public. The vocabulary lives on the host as a Python dict (token ->
index); lookups run on NumPy and the result becomes an engine tensor. Index
layout, as in Keras: ``[mask] + [oov] * num_oov_indices + tokens``, where the
mask slot exists only when ``mask_token`` is set and ``output_mode="int"``.
A vocabulary learned by ``adapt`` is saved as the ``vocabulary.txt`` asset of
the layer in ``.keras`` files; one given to the constructor stays in the config.
"""
import collections
import os

import numpy as np

from cornu import backend, ops
from cornu.layers.preprocessing import _categorical as cat
from cornu.layers.preprocessing import _hash_functions as hashing
from cornu.serialization import safe_mode as _safe_mode


def _listify(x):
    if x is None:
        return None
    if backend.is_tensor(x):
        x = backend.convert_to_numpy(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


def _in_loading_safe_mode():
    """True only inside an explicit safe-mode scope (loading a file), as Keras checks."""
    return getattr(_safe_mode._state, "safe_mode", None) is True


class IndexLookup(cat.HostLayer):
    """Maps tokens to integer indices through a vocabulary (base of the lookup layers)."""

    _is_string = True

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", name=None, salt=None, **kwargs):
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        trainable = kwargs.pop("trainable", True)
        kwargs.pop("dtype", None)
        super().__init__(name=name, trainable=trainable, **kwargs)
        cls = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{self._tag()} If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{self._tag()} If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{self._tag()} `num_oov_indices` must be an integer >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        cat.check_choice(self.name, cls, "oov_method", oov_method, ("floormod", "farmhash"))
        if salt is not None:
            if not self._is_string and oov_method != "farmhash":
                raise ValueError(f"{self._tag()} `salt` can only be used when `oov_method='farmhash'`. "
                                 f"Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int) and not isinstance(salt, bool):
                salt = [salt, salt]
            else:
                raise ValueError(f"{self._tag()} `salt` must be a tuple of 2 integers or a single integer. "
                                 f"Received: salt={salt}.")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        cat.check_choice(self.name, cls, "output_mode", output_mode, cat.OUTPUT_MODES)
        if invert and output_mode != "int":
            raise ValueError(f"{self._tag()} `output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError(f"{self._tag()} `sparse` may only be true if `output_mode` is 'one_hot', "
                             f"'multi_hot', 'count' or 'tf_idf'. Received: sparse={sparse} and "
                             f"output_mode={output_mode}")
        if sparse:
            raise NotImplementedError(f"{self._tag()} `sparse=True` is not supported: cornu has no sparse "
                                      "tensors on this engine. Use sparse=False (dense outputs).")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{self._tag()} `idf_weights` should only be set if `output_mode` is "
                             f"'tf_idf'. Received: output_mode={output_mode}")
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        self.input_vocabulary = None if isinstance(vocabulary, (str, os.PathLike)) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens = []
        self._index = {}
        self._idf = None
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(f"{self._tag()} When specifying the `vocabulary` argument in TF-IDF output "
                             "mode, the `idf_weights` argument must also be provided.")
        if idf_weights is not None:
            self._idf = np.asarray(_listify(idf_weights), dtype=backend.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()

    def _tag(self):
        return f"Layer '{self.name}' ({type(self).__name__}):"

    # -- tokens ----------------------------------------------------------------------
    def _token(self, value):
        """A hashable Python token from an element of the inputs or the vocabulary."""
        if self._is_string:
            return value.decode(getattr(self, "encoding", "utf-8")) if isinstance(value, bytes) else str(value)
        return int(value)

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The size of the vocabulary, mask and OOV indices included."""
        return self._token_start_index() + len(self._tokens)

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, index order; with special tokens, a token's position is its index."""
        vocab = ([self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
                 + list(self._tokens))
        if not include_special_tokens:
            vocab = vocab[self._token_start_index():]
        return vocab

    # -- setting the vocabulary ---------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (and, for ``"tf_idf"``, the IDF weights).

        Args:
            vocabulary: a list, tuple, 1D array or tensor of tokens, or the
                path of a text file holding one token per line.  It may start
                with the special tokens (mask, OOV) in index order.
            idf_weights: for ``output_mode="tf_idf"`` only: one weight per
                vocabulary entry.
        """
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{self._tag()} `idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(f"{self._tag()} `idf_weights` should only be set if output_mode is 'tf_idf'. "
                             f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, (str, os.PathLike)):
            if _in_loading_safe_mode():
                raise ValueError(
                    f"{self._tag()} Requested the loading of a vocabulary file outside of the model archive "
                    "while loading in safe mode. If you trust the source, pass `safe_mode=False` to "
                    f"the loading function. Vocabulary file: '{vocabulary}'")
            if not os.path.exists(vocabulary):
                raise ValueError(f"{self._tag()} Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError(f"{self._tag()} output_mode 'tf_idf' does not support loading a vocabulary "
                                 "from file.")
            vocabulary = self._read_vocabulary_file(vocabulary)
        vocabulary = _listify(vocabulary)
        vocabulary = [self._token(v) for v in (vocabulary if isinstance(vocabulary, (list, tuple))
                                               else [vocabulary])]
        if len(vocabulary) == 0:
            raise ValueError(f"{self._tag()} Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        special = [None if s is None else self._token(s) for s in special]
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{self._tag()} The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for which, token, check in (("mask", self.mask_token, True), ("OOV", self.oov_token, self.invert)):
            if check and token is not None and self._token(token) in tokens:
                raise ValueError(
                    f"{self._tag()} Found reserved {which} token {token!r} at an unexpected location in "
                    "`vocabulary`. The vocabulary does not need the OOV and mask tokens; either remove "
                    f"them or include them only at the start, in this order: {special}.")
        new_size = token_start + len(tokens)
        if self.max_tokens is not None and new_size > self.max_tokens:
            raise ValueError(f"{self._tag()} Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {new_size}; `max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            idf = np.asarray(_listify(idf_weights), dtype="float64")
            if idf.ndim != 1:
                raise ValueError(f"{self._tag()} `idf_weights` must be a 1D array. Received shape {idf.shape}.")
            if len(idf) != len(vocabulary):
                raise ValueError(f"{self._tag()} `idf_weights` must be the same length as vocabulary. "
                                 f"len(idf_weights) is {len(idf)}; len(vocabulary) is {len(vocabulary)}")
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(idf))
            back = (self.max_tokens - front - len(idf)) if self.pad_to_max_tokens else 0
            idf = np.concatenate([np.full(front, front_value), idf, np.zeros(max(back, 0))])
            self._idf = idf.astype(backend.floatx())

    def _read_vocabulary_file(self, path):
        with open(path, encoding=getattr(self, "encoding", "utf-8")) as fh:
            lines = fh.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines if self._is_string else [int(line) for line in lines]

    def _set_tokens(self, tokens):
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._index = {t: i + start for i, t in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            new = self.vocabulary_size()
            if self._frozen_vocab_size is not None and new != self._frozen_vocab_size:
                raise RuntimeError(
                    f"{self._tag()} When using `output_mode={self.output_mode}` and "
                    "`pad_to_max_tokens=False`, the vocabulary size cannot be changed after the layer "
                    f"is called. Old vocab size is {self._frozen_vocab_size}, new vocab size is {new}")
        self._frozen_vocab_size = self.vocabulary_size()

    # -- adapt -----------------------------------------------------------------------------
    def reset_state(self):
        self._token_counts = collections.Counter()
        self._doc_counts = collections.Counter()
        self._num_documents = 0

    def adapt(self, data, steps=None):
        """Learn the vocabulary (most frequent tokens first) from ``data``.

        Args:
            data: a NumPy array, a list, a tensor, or an iterable of batches
                (a cornu dataset, a generator...). Tokens are ranked by count,
                ties broken by the token, highest first; ``max_tokens`` keeps
                the most frequent.
            steps: the number of batches to read from an iterable.
        """
        self.reset_state()
        for batch in cat.iterate_batches(data, steps):
            if batch is data:
                arr = self._host_array(batch)
                self.update_state(arr[:, None] if arr.ndim == 1 else arr)
            else:
                self.update_state(batch)
        self.finalize_state()

    def _host_array(self, x):
        arr = cat.to_numpy_input(x, strings=self._is_string, encoding=getattr(self, "encoding", "utf-8"))
        if not self._is_string and arr.dtype.kind == "f":
            arr = arr.astype("int64")
        return arr

    def update_state(self, data):
        """Count the tokens of one batch (rows are documents; a list of token lists is ragged)."""
        if self._has_input_vocabulary:
            raise ValueError(f"{self._tag()} Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via the `vocabulary` argument or `set_vocabulary()`.")
        if isinstance(data, list) and data and all(isinstance(d, (list, tuple)) for d in data):
            docs = [[self._token(t) for t in d] for d in data]
        else:
            arr = self._host_array(data)
            if arr.ndim == 0:
                arr = arr.reshape(1)
            if arr.ndim == 1:
                arr = arr[None, :]
            docs = [[self._token(t) for t in row.reshape(-1)] for row in arr]
        for doc in docs:
            self._token_counts.update(doc)
            if self.output_mode == "tf_idf":
                self._doc_counts.update(set(doc))
        self._num_documents += len(docs)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            if self._tokens or self._has_input_vocabulary:
                self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._token(special), None)
        tokens = list(counts)
        if tokens:
            keys = np.array(tokens) if self._is_string else np.array(tokens, dtype="int64")
            order = np.lexsort((keys, np.array([counts[t] for t in tokens], dtype="int64")))[::-1]
            if self.max_tokens:
                order = order[:self.max_tokens - self._token_start_index()]
            tokens = [tokens[i] for i in order]
        if self.output_mode == "tf_idf":
            doc = np.array([self._doc_counts[t] for t in tokens], dtype="float64")
            idf = np.log(1.0 + self._num_documents / (1.0 + doc))
            front = np.full(self._token_start_index(), float(np.mean(idf)) if len(idf) else 0.0)
            idf = np.concatenate([front, idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.concatenate([idf, np.zeros(self.max_tokens - len(idf))])
            self._idf = idf.astype(backend.floatx())
        self._set_tokens(tokens)
        self.reset_state()

    # -- call ------------------------------------------------------------------------------
    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs):
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"{self._tag()} When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "you must set the layer's vocabulary before calling it. Either pass a `vocabulary` "
                "argument to the layer, or call `adapt` with some sample data.")
        if self.invert:
            return self._invert_lookup(self._host_array(inputs) if not isinstance(inputs, list) or
                                       self._is_string else np.asarray(inputs))
        if self._use_tensor_path(inputs):
            return self._tensor_call(inputs)
        lookups = self.lookup_array(self._host_array(inputs))
        if self.output_mode == "int":
            return backend.convert_to_tensor(lookups, dtype="int64")
        idf = None
        if self.output_mode == "tf_idf":
            if self._idf is None:
                raise ValueError(f"{self._tag()} When `output_mode` is 'tf_idf', `idf_weights` must be "
                                 "provided (pass them or call `adapt`).")
            idf = self._idf
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = cat.encode_numpy(lookups, mode, self._depth(), dtype=backend.floatx(), weights=idf)
        return backend.convert_to_tensor(out, dtype=backend.floatx())

    def _use_tensor_path(self, inputs):
        """Integer tensors are looked up with ``cornu.ops`` (traceable inside compiled steps)."""
        return (not self._is_string and backend.is_tensor(inputs) and self.num_oov_indices > 0
                and not (self.num_oov_indices > 1 and self.oov_method == "farmhash"))

    def _tensor_call(self, inputs):
        x = inputs
        if not backend.is_int_dtype(backend.standardize_dtype(x.dtype)):
            x = ops.cast(x, "int64")
        shape = tuple(x.shape)
        flat = ops.reshape(x, (-1,))
        start = self._oov_start_index()
        if self.num_oov_indices == 1:
            default = ops.full_like(flat, start)
        else:
            default = ops.add(ops.mod(flat, self.num_oov_indices), start)
        if self._tokens:
            order = np.argsort(np.array(self._tokens, dtype="int64"), kind="stable")
            keys = ops.convert_to_tensor(np.array(self._tokens, dtype="int64")[order], dtype=flat.dtype)
            values = ops.convert_to_tensor(order + self._token_start_index(), dtype=flat.dtype)
            pos = ops.minimum(ops.cast(ops.searchsorted(keys, flat), "int32"), len(self._tokens) - 1)
            found = ops.equal(ops.take(keys, pos), flat)
            idx = ops.where(found, ops.take(values, pos), default)
        else:
            idx = default
        if self.mask_token is not None:
            masked = ops.equal(flat, int(self.mask_token))
            idx = ops.where(masked, ops.zeros_like(idx) if self.output_mode == "int"
                            else ops.full_like(idx, -1), idx)
        idx = ops.reshape(idx, shape)
        if self.output_mode == "int":
            return ops.cast(idx, "int64")
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = cat.encode_tensor(idx, mode, self._depth(), dtype=backend.floatx())
        if self.output_mode == "tf_idf":
            out = ops.multiply(out, ops.convert_to_tensor(self._idf, dtype=backend.floatx()))
        return out

    def lookup_array(self, arr):
        """Indices (int64 NumPy) for a NumPy array of tokens; dropped mask entries are -1."""
        table = self._index
        token = self._token
        lookups = hashing.map_unique(arr, lambda v: table.get(token(v), -1))
        oov = lookups == -1
        if self.mask_token is not None:
            is_mask = hashing.map_unique(arr, lambda v: int(token(v) == self._token(self.mask_token))) == 1
            lookups = np.where(is_mask, 0 if self.output_mode == "int" else -1, lookups)
            oov = oov & ~is_mask
        if not oov.any():
            return lookups
        if self.num_oov_indices == 0:
            raise ValueError(f"{self._tag()} When `num_oov_indices=0` all inputs should be in vocabulary, "
                             f"found OOV values {np.unique(arr[oov]).tolist()}; consider setting "
                             "`num_oov_indices=1`.")
        start = self._oov_start_index()
        if self.num_oov_indices == 1:
            buckets = np.zeros_like(lookups)
        elif not self._is_string and self.oov_method == "floormod":
            buckets = np.mod(arr.astype("int64"), self.num_oov_indices)
        else:
            buckets = hashing.hash_to_bins(arr, self.num_oov_indices, self.salt)
        return np.where(oov, buckets + start, lookups)

    def _invert_lookup(self, arr):
        arr = np.asarray(arr).astype("int64")
        tokens = self.get_vocabulary()
        size = len(tokens)
        oov = self.oov_token

        def find(i):
            if self.mask_token is not None and i == 0:
                return self.mask_token
            if self._token_start_index() <= i < size:
                return tokens[i]
            return oov

        flat = [find(int(i)) for i in arr.reshape(-1)]
        if self._is_string:
            out = np.array(flat, dtype=object).astype(str) if flat else np.zeros(0, dtype="<U1")
            return out.reshape(arr.shape)
        return backend.convert_to_tensor(np.array(flat, dtype="int64").reshape(arr.shape), dtype="int64")

    # -- shapes ----------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        return cat.encoded_shape(input_shape, self.output_mode, self._depth())

    def _output_dtype_name(self):
        if self.output_mode != "int":
            return backend.floatx()
        if self.invert and self._is_string:
            return "string"
        return "int64"

    # -- saving ----------------------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update({
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return config

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = np.asarray(self._idf)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf = np.asarray(store["idf_weights"]).astype(backend.floatx())

    def save_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return  # the vocabulary is in the config
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(str(w) for w in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, "vocabulary.txt")
        if not os.path.isfile(path):
            return
        values = self._read_vocabulary_file(path)
        if not values:
            return
        if self.output_mode == "tf_idf":
            idf = None if self._idf is None else np.asarray(self._idf)[:len(values)]
            self.set_vocabulary(values, idf_weights=idf)
        else:
            self.set_vocabulary(values)


__all__ = ["IndexLookup"]
