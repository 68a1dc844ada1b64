"""``ReversibleEmbedding``: an embedding that can also project hidden states back to vocabulary logits."""
from cornu import backend, ops
from cornu.backend import KerasTensor
from cornu.layers.core.embedding import Embedding
from cornu.serialization import register_builtin


class ReversibleEmbedding(Embedding):
    """An ``Embedding`` that, called with ``reverse=True``, maps vectors back to ``input_dim`` logits.

    The forward call looks indices up as ``Embedding`` does. The reverse call
    computes ``inputs @ embeddings^T`` (tied weights, the default) or
    ``inputs @ reverse_embeddings`` with a separate trainable
    ``(output_dim, input_dim)`` matrix (``tie_weights=False``): the usual
    input/output embedding pair of a language model. No bias is used.

    Args:
        input_dim, output_dim, embeddings_initializer, embeddings_regularizer,
        embeddings_constraint, mask_zero: as in ``Embedding``.
        tie_weights: reuse the transposed embedding matrix for the reverse
            projection (default ``True``).
        reverse_dtype: dtype of the reverse product (default: the layer's
            compute dtype), e.g. ``"float32"`` under mixed precision.
        logit_soft_cap: if set, reverse logits become
            ``tanh(logits / logit_soft_cap) * logit_soft_cap``.

    Call arguments:
        inputs: integer indices, or ``(..., output_dim)`` vectors with ``reverse=True``.
        reverse: project back to the vocabulary instead of looking up.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        self.tie_weights = bool(tie_weights)
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        if reverse_dtype is not None:
            try:
                reverse_dtype = backend.standardize_dtype(reverse_dtype)
            except (TypeError, ValueError) as err:
                raise ValueError(
                    f"ReversibleEmbedding '{self.name}': argument `reverse_dtype` must be a dtype name such as "
                    f"'float32'; received reverse_dtype={reverse_dtype!r}."
                ) from err
        if logit_soft_cap is not None and (isinstance(logit_soft_cap, bool)
                                           or not isinstance(logit_soft_cap, (int, float)) or logit_soft_cap <= 0):
            raise ValueError(
                f"ReversibleEmbedding '{self.name}': argument `logit_soft_cap` must be None or a positive number; "
                f"received logit_soft_cap={logit_soft_cap!r}."
            )
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer=self.embeddings_initializer,
                name="reverse_embeddings", trainable=True)
        self.built = True

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        if self.tie_weights:
            kernel = ops.transpose(ops.convert_to_tensor(self.embeddings))  # (output_dim, input_dim)
        else:
            kernel = ops.convert_to_tensor(self.reverse_embeddings)
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)  # (..., output_dim) -> (..., input_dim)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = ops.multiply(ops.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        # Index inputs give the padding mask (with mask_zero); the float vectors of a reverse call give none.
        if not self.mask_zero or inputs is None or backend.is_float_dtype(backend.standardize_dtype(inputs.dtype)):
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return (*tuple(input_shape), self.output_dim)

    def compute_output_spec(self, inputs, reverse=False):
        dtype = self.compute_dtype
        if reverse and self.reverse_dtype is not None:
            dtype = self.reverse_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape, reverse), dtype=dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        })
        return config


register_builtin("keras.layers", ReversibleEmbedding)
