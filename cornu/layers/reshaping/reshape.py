"""``Reshape``: give the non-batch dimensions a new shape."""
import math

from cornu import ops
from cornu.layers.layer import Layer


class Reshape(Layer):
    """Reshape the input to ``(batch,) + target_shape``.

    Args:
        target_shape: tuple of ints, not including the batch axis; one entry
            may be ``-1``, inferred from the input size.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        try:
            target = tuple(target_shape)
        except TypeError:
            target = None
        if target is None or not all(isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1)
                                     for d in target) or target.count(-1) > 1:
            raise ValueError(
                f"Reshape layer '{self.name}': `target_shape` must be a tuple of positive ints with at most "
                f"one -1 (the batch axis excluded); received target_shape={target_shape!r}."
            )
        self.target_shape = target
        self.built = True

    def _resolve(self, input_shape):
        """``target_shape`` with ``-1`` resolved (None when the input size is unknown)."""
        if -1 not in self.target_shape:
            self._check_size(input_shape, self.target_shape)
            return self.target_shape
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        total = math.prod(rest)
        known = math.prod(d for d in self.target_shape if d != -1)
        if total % known:
            raise ValueError(
                f"Reshape layer '{self.name}': an input of shape {tuple(input_shape)} ({total} values per "
                f"sample) cannot be reshaped to {self.target_shape}."
            )
        return tuple(total // known if d == -1 else d for d in self.target_shape)

    def _check_size(self, input_shape, target):
        rest = input_shape[1:]
        if all(d is not None for d in rest) and math.prod(rest) != math.prod(target):
            raise ValueError(
                f"Reshape layer '{self.name}': total size of the new shape {target} must equal the input's "
                f"{math.prod(rest)} values per sample (input shape {tuple(input_shape)})."
            )

    def call(self, inputs):
        target = self._resolve(tuple(inputs.shape))
        return ops.reshape(inputs, (ops.shape(inputs)[0],) + target)  # (b, ...) -> (b,) + target_shape

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return (input_shape[0],) + self._resolve(input_shape)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
