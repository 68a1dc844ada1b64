"""``Concatenate``: join a list of tensors along one axis."""
from cornu import ops
from cornu.layers.merging.base_merge import Merge, input_masks


class Concatenate(Merge):
    """Concatenates a list of tensors along ``axis``; other dimensions must match.

    The output mask (when any input has one) concatenates the inputs' masks,
    taking all-``True`` for unmasked inputs, and reduces it over the last axis.

    Args:
        axis: the concatenation axis (default ``-1``).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                f"Layer '{self.name}' (Concatenate) expects an integer `axis`; received axis={axis!r}."
            )
        self.axis = axis

    def _validate(self, input_shape):
        self._check_list(input_shape)
        shapes = [tuple(s) for s in input_shape if s is not None]
        if not shapes:
            return
        ranks = {len(s) for s in shapes}
        message = (f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes "
                   f"except for the concatenation axis {self.axis}. Received: input_shape={shapes}")
        if len(ranks) != 1:
            raise ValueError(message)
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(f"{message} (axis out of range for rank {rank})")
        axis = self.axis % rank
        for d in range(rank):
            if d == axis:
                continue
            sizes = {s[d] for s in shapes} - {None}
            if len(sizes) > 1:
                raise ValueError(message)

    def build(self, input_shape):
        self._validate(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A `Concatenate` layer ('{self.name}') should be called on a list of inputs. "
                f"Received: inputs={inputs!r}"
            )
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._validate(input_shape)
        out = list(input_shape[0])
        axis = self.axis % len(out)
        for s in input_shape[1:]:
            if out[axis] is None or s[axis] is None:
                out[axis] = None
                break
            out[axis] += s[axis]
        for d in range(len(out)):  # fill dims unknown in the first input from the others
            if d != axis and out[d] is None:
                known = [s[d] for s in input_shape if s[d] is not None]
                out[d] = known[0] if known else None
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            return None
        masks = input_masks(inputs, mask)
        if all(m is None for m in masks):
            return None
        full = []
        for x, m in zip(inputs, masks):
            if m is None:
                full.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                full.append(ops.broadcast_to(ops.expand_dims(ops.cast(m, "bool"), -1), ops.shape(x)))
            else:
                full.append(ops.cast(m, "bool"))
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis})
        return config


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
