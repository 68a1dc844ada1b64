"""``StringLookup``: strings -> integer indices through a vocabulary (and back with ``invert``)."""
from cornu.layers.preprocessing._index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to integer indices from a vocabulary given or learned by ``adapt``.

    Runs on the host: inputs are NumPy arrays or lists of strings (bytes are
    decoded with ``encoding``); the indices come back as an engine tensor
    (``int64``, or floats for the encoded output modes).  Index 0 is the mask
    (when ``mask_token`` is set and ``output_mode="int"``), then
    ``num_oov_indices`` buckets for unknown strings (spread by FarmHash, or
    SipHash under ``salt``), then the vocabulary.

    Args:
        max_tokens: largest vocabulary size, special tokens included (None: no cap).
        num_oov_indices: buckets for out-of-vocabulary strings (0: unknown strings are an error).
        mask_token: the string mapped to index 0 (None: no mask).
        oov_token: the string returned for unknown indices when ``invert=True``.
        vocabulary: a list/array of strings or a text file path (one per line).
        idf_weights: IDF weights for ``output_mode="tf_idf"`` with a given vocabulary.
        invert: map indices back to strings (a NumPy string array).
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: encoded outputs are ``max_tokens`` wide.
        sparse: not supported (raises ``NotImplementedError``).
        encoding: text encoding of byte strings.
        salt: one int or two ints: SipHash key for the OOV buckets.
    """

    _is_string = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                         sparse=sparse, name=name, salt=salt, vocabulary_dtype="string", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
