"""``Masking``: mark timesteps whose features all equal ``mask_value`` as padding."""
from cornu import ops
from cornu.layers.layer import Layer
from cornu.serialization import register_builtin


class Masking(Layer):
    """Masks timesteps where every feature equals ``mask_value``.

    The output mask is ``any(inputs != mask_value, axis=-1)``; masked
    timesteps are also set to zero in the output.  Downstream layers that
    support masking (RNNs, merges, ``Softmax``...) skip or ignore them.

    Args:
        mask_value: the padding value (default ``0.0``).
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, (int, float)):
            raise ValueError(
                f"Layer '{self.name}' (Masking) expects a number for `mask_value`; received "
                f"mask_value={mask_value!r}."
            )
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)  # (..., 1)
        outputs = inputs * ops.cast(keep, ops.dtype(inputs))
        try:
            outputs._keras_mask = ops.squeeze(keep, axis=-1)
        except AttributeError:
            pass  # JAX arrays take no attributes; the model carries the mask from compute_mask
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"mask_value": self.mask_value})
        return config


register_builtin("keras.layers", Masking)
