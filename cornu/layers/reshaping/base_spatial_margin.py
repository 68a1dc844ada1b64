"""``BaseSpatialMargin``: shared body of the cropping and zero-padding layers."""
from cornu import ops
from cornu.backend import standardize_data_format
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.reshaping.pair_args import pairs


class BaseSpatialMargin(Layer):
    """Remove (``mode="crop"``) or add zeros (``mode="pad"``) at both ends of each spatial axis.

    Args:
        rank: number of spatial axes.
        amounts: int, ``rank`` ints or ``rank`` ``(before, after)`` pairs.
        mode: ``"crop"`` or ``"pad"``.
        data_format: ``"channels_last"`` or ``"channels_first"``; ``None``
            reads the config (``channels_last`` by default).
        arg: the public name of ``amounts`` (``"cropping"`` or ``"padding"``).
    """

    def __init__(self, rank, amounts, mode, data_format=None, arg="padding", **kwargs):
        super().__init__(**kwargs)
        self.rank = rank
        self._mode = mode
        self._arg = arg
        self._pairs = pairs(self, amounts, rank, arg)
        setattr(self, arg, self._pairs[0] if rank == 1 else self._pairs)  # Keras's public attribute
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _first_spatial(self):
        return 2 if self.data_format == "channels_first" else 1

    def call(self, inputs):
        first = self._first_spatial()
        if self._mode == "pad":
            widths = [(0, 0)] * (self.rank + 2)
            for i, pair in enumerate(self._pairs):
                widths[first + i] = pair
            return ops.pad(inputs, widths)  # each spatial axis grows by before + after
        shape = tuple(inputs.shape)
        key = [slice(None)] * (self.rank + 2)
        for i, (before, after) in enumerate(self._pairs):
            key[first + i] = slice(before, shape[first + i] - after)
        return ops.get_item(inputs, tuple(key))  # each spatial axis shrinks by before + after

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        if len(out) != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': expected inputs of rank {self.rank + 2}; "
                f"received input shape {tuple(input_shape)}."
            )
        first = self._first_spatial()
        for i, (before, after) in enumerate(self._pairs):
            d = out[first + i]
            if d is None:
                continue
            if self._mode == "pad":
                out[first + i] = d + before + after
            else:
                if before + after >= d:
                    raise ValueError(
                        f"{type(self).__name__} layer '{self.name}': `{self._arg}` {self._pairs} removes "
                        f"the whole of axis {first + i} (length {d}) of input shape {tuple(input_shape)}."
                    )
                out[first + i] = d - before - after
        return tuple(out)
