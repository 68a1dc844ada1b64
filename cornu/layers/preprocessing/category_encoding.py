"""``CategoryEncoding``: integer category ids -> one-hot, multi-hot or count vectors."""
from cornu import backend, ops
from cornu.layers.layer import Layer
from cornu.layers.preprocessing import _categorical as cat


class CategoryEncoding(Layer):
    """Encodes integer features in ``[0, num_tokens)`` as dense vectors of width ``num_tokens``.

    ``"one_hot"`` encodes every value (a trailing axis of size 1 is
    replaced); ``"multi_hot"`` marks which ids occur in each sample (the
    last axis of a 2D input is the sample); ``"count"`` counts them,
    optionally weighted by ``count_weights`` given to the call. Uses
    ``cornu.ops`` only.

    Args:
        num_tokens: the number of categories.
        output_mode: ``"multi_hot"`` (default; ``"binary"`` is an alias), ``"one_hot"`` or ``"count"``.
        sparse: not supported (raises ``NotImplementedError``).
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        tag = f"Layer '{self.name}' (CategoryEncoding):"
        if output_mode == "binary":
            output_mode = "multi_hot"
        cat.check_choice(self.name, "CategoryEncoding", "output_mode", output_mode,
                         ("count", "one_hot", "multi_hot"))
        if num_tokens is None:
            raise ValueError(f"{tag} `num_tokens` must be set to use this layer. If the number of tokens is "
                             "not known beforehand, use the IntegerLookup layer instead.")
        if not isinstance(num_tokens, int) or num_tokens < 1:
            raise ValueError(f"{tag} `num_tokens` must be an integer >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise NotImplementedError(f"{tag} `sparse=True` is not supported: cornu has no sparse tensors. "
                                      "Use sparse=False.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"Layer '{self.name}' (CategoryEncoding): `count_weights` is only used when "
                                 f"`output_mode` is 'count'; output_mode={self.output_mode!r}.")
            count_weights = ops.convert_to_tensor(count_weights, dtype=self.compute_dtype)
        inputs = ops.convert_to_tensor(inputs)
        return cat.encode_tensor(inputs, self.output_mode, self.num_tokens, dtype=self.compute_dtype,
                                 count_weights=count_weights)

    def compute_output_shape(self, input_shape):
        return cat.encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None):
        return backend.KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
