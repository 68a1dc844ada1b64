"""``IntegerLookup``: integer tokens -> contiguous indices through a vocabulary (and back)."""
from cornu.layers.preprocessing._index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps arbitrary integers to contiguous indices from a vocabulary given or learned by ``adapt``.

    Inputs may be NumPy arrays, lists or integer tensors (looked up on the
    host); outputs are engine tensors.  Index 0 is the mask (when
    ``mask_token`` is set and ``output_mode="int"``), then
    ``num_oov_indices`` buckets for unknown values (``value mod
    num_oov_indices`` with ``oov_method="floormod"``, FarmHash of the decimal
    text with ``"farmhash"``), then the vocabulary.

    Args:
        max_tokens: largest vocabulary size, special tokens included (None: no cap).
        num_oov_indices: buckets for out-of-vocabulary values (0: unknown values are an error).
        mask_token: the value mapped to index 0 (None: no mask).
        oov_token: the value returned for unknown indices when ``invert=True``.
        vocabulary: a list/array of integers or a text file path (one per line).
        vocabulary_dtype: only ``"int64"``.
        idf_weights: IDF weights for ``output_mode="tf_idf"`` with a given vocabulary.
        invert: map indices back to vocabulary values.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        sparse: not supported (raises ``NotImplementedError``).
        pad_to_max_tokens: encoded outputs are ``max_tokens`` wide.
        oov_method: ``"floormod"`` or ``"farmhash"`` (how OOV values pick a bucket).
        salt: with ``"farmhash"``: one int or two ints, SipHash key for the buckets.
    """

    _is_string = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, oov_method="floormod",
                 salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(f"Layer '{name or 'integer_lookup'}' (IntegerLookup): only "
                             f"`vocabulary_dtype='int64'` is supported. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name,
                         **kwargs)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
