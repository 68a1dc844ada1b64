"""``Embedding``: look up a dense vector for each integer index."""
import warnings

from cornu import backend, constraints, initializers, ops, quantizers, regularizers
from cornu.layers.core import quantized_common, quantized_dense
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of size ``output_dim``.

    ``Embedding(1000, 64)`` maps inputs of shape ``(batch, length)`` holding
    indices below 1000 to outputs of shape ``(batch, length, 64)``.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of the ``(input_dim, output_dim)``
            ``embeddings`` matrix (default ``"uniform"``: uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint: applied to the matrix.
        mask_zero: whether index 0 is padding; downstream layers that support
            masking (RNNs, attention, pooling) then skip those positions, and
            index 0 cannot be used for a real token.
        weights: optional initial matrix (or a one-element list holding it).
        lora_rank, lora_alpha: accepted for Keras compatibility; low-rank
            adaptation is not implemented (the full matrix is trained).
        quantization_config: a ``keras.quantizers`` config, used under a
            quantized dtype policy; see ``quantize()``.
        input_length: Keras 1/2 argument, deprecated in Keras 3; it only sets
            the expected input shape ``(batch, input_length)``.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            warnings.warn("Argument `input_length` of `Embedding` is deprecated. Just remove it.",
                          stacklevel=2)
            if not _positive_int(input_length):
                raise ValueError(
                    f"Argument `input_length` of Embedding must be a positive integer or None; "
                    f"received input_length={input_length!r}."
                )
            if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
                kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not _positive_int(value):
                raise ValueError(
                    f"Argument `{arg}` of layer '{self.name}' (Embedding) must be a positive "
                    f"integer; received {arg}={value!r}."
                )
        if lora_rank is not None and not _positive_int(lora_rank):
            raise ValueError(
                f"Argument `lora_rank` of layer '{self.name}' (Embedding) must be a positive "
                f"integer or None; received lora_rank={lora_rank!r}."
            )
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False  # integer indices must never be cast to float
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantizers.get(quantization_config)
        if weights is not None:
            self.build()
            self.built = True
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)
            self._initial_weights = None

    def build(self, input_shape=None):
        if self.built:
            return
        if self.dtype_policy.quantization_mode is not None:  # int8 table + scales; `call` replaced once
            quantized_dense.build_embeddings(self)
            self.built = True
            return
        self._embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            trainable=True, name="embeddings")
        self.built = True

    @property
    def embeddings(self):
        """The ``(input_dim, output_dim)`` matrix (the layer must be built)."""
        if not self.built:
            raise AttributeError(
                f"Embedding layer '{self.name}' is not built yet; call it or `build()` it "
                "before reading `embeddings`."
            )
        return self._embeddings

    def call(self, inputs):
        if backend.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self._embeddings, inputs, axis=0)  # (...,) -> (..., output_dim)
        return ops.cast(outputs, self.compute_dtype)

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the built layer in place, as Keras does: ``"int8"`` (each row int8 with its own float
        scale) or ``"int4"`` (packed int4, per row or in groups of columns); the table is frozen."""
        quantized_dense.quantize_embedding(self, mode, config, type_check and type(self) is not Embedding)

    @property
    def quantization_mode(self):
        """``None``, or the mode the layer is quantized with (``"int8"``)."""
        return self.dtype_policy.quantization_mode

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        })
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return quantized_common.quantized_config(self, config)


register_builtin("keras.layers", Embedding)
