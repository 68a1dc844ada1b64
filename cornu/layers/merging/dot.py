"""``Dot``: per-sample dot product of two tensors along given axes."""
import string

from cornu import ops
from cornu.layers.merging.base_merge import Merge


def batch_dot(x, y, axes):
    """Per-sample dot product of ``x`` and ``y`` (both batched) contracting ``axes=(ax, ay)``.

    The result has ``x``'s dimensions (less the contracted one) followed by
    ``y``'s (less the batch and contracted ones); a rank-1 result becomes
    ``(batch, 1)``, as in Keras.
    """
    ax, ay = axes
    nx, ny = len(x.shape), len(y.shape)
    letters = iter(string.ascii_letters)
    batch, contracted = next(letters), next(letters)
    x_sub = [batch] + [next(letters) for _ in range(nx - 1)]
    x_sub[ax] = contracted
    y_sub = [batch] + [next(letters) for _ in range(ny - 1)]
    y_sub[ay] = contracted
    out_sub = [c for c in x_sub if c != contracted] + [c for c in y_sub[1:] if c != contracted]
    out = ops.einsum(f"{''.join(x_sub)},{''.join(y_sub)}->{''.join(out_sub)}", x, y)
    if len(out_sub) == 1:
        out = ops.expand_dims(out, -1)  # (b,) -> (b, 1)
    return out


class Dot(Merge):
    """Dot product between the samples of two tensors along ``axes``.

    For inputs of shapes ``(b, 3, 5)`` and ``(b, 10, 3)`` with ``axes=(1, 2)``
    the output has shape ``(b, 5, 10)``.

    Args:
        axes: an int (the same axis in both) or a pair ``(axis_of_x, axis_of_y)``;
            never the batch axis.
        normalize: L2-normalize both inputs along the axes first, so the
            output is the cosine similarity.
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2:
                raise ValueError(
                    f"Layer '{self.name}' (Dot): `axes` should contain two elements. "
                    f"Received: axes={axes!r}"
                )
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise ValueError(
                    f"Layer '{self.name}' (Dot): the elements of `axes` should be integers. "
                    f"Received: axes={axes!r}"
                )
            axes = list(axes)
        elif not isinstance(axes, int) or isinstance(axes, bool):
            raise TypeError(
                f"Layer '{self.name}' (Dot): `axes` should be an int or a list of two ints. "
                f"Received: axes={axes!r}"
            )
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = True

    def _resolve_axes(self, rank1, rank2):
        if isinstance(self.axes, int):
            return [self.axes % rank1, self.axes % rank2] if self.axes < 0 else [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def _validate(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not all(isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError(
                f"A `Dot` layer ('{self.name}') should be called on a list of 2 inputs. "
                f"Received: input_shape={input_shape}"
            )
        shape1, shape2 = (tuple(s) for s in input_shape)
        if len(shape1) < 2 or len(shape2) < 2:
            raise ValueError(
                f"Layer '{self.name}' (Dot) needs inputs of rank >= 2 (batch included); received "
                f"shapes {shape1} and {shape2}."
            )
        a1, a2 = self._resolve_axes(len(shape1), len(shape2))
        if a1 == 0 or a2 == 0:
            raise ValueError(
                f"Layer '{self.name}' (Dot) cannot take the dot product over the batch axis 0. "
                f"Received: axes={self.axes}"
            )
        if not (a1 < len(shape1) and a2 < len(shape2)):
            raise ValueError(
                f"Layer '{self.name}' (Dot): axes {self.axes} are out of range for shapes "
                f"{shape1} and {shape2}."
            )
        if shape1[a1] is not None and shape2[a2] is not None and shape1[a1] != shape2[a2]:
            raise ValueError(
                f"Layer '{self.name}' (Dot) received incompatible input shapes: axis values "
                f"{shape1[a1]} (at axis {a1}) != {shape2[a2]} (at axis {a2}). Full input shapes: "
                f"{shape1}, {shape2}"
            )
        b1, b2 = shape1[0], shape2[0]
        if b1 is not None and b2 is not None and b1 != b2:
            raise ValueError(
                f"Layer '{self.name}' (Dot) cannot take the dot product of inputs with different "
                f"batch sizes: {shape1} and {shape2}."
            )
        return shape1, shape2, a1, a2

    def build(self, input_shape):
        self._validate(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer ('{self.name}') should be called on exactly 2 inputs; received "
                f"{inputs!r}."
            )
        x1, x2 = inputs
        a1, a2 = self._resolve_axes(len(x1.shape), len(x2.shape))
        if self.normalize:
            x1 = ops.normalize(x1, axis=a1)
            x2 = ops.normalize(x2, axis=a2)
        return batch_dot(x1, x2, (a1, a2))

    def compute_output_shape(self, input_shape):
        shape1, shape2, a1, a2 = self._validate(input_shape)
        shape1, shape2 = list(shape1), list(shape2)
        shape1.pop(a1)
        shape2.pop(a2)
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out.append(1)
        if out[0] is None:
            out[0] = input_shape[1][0]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``: ``dot([x1, x2], axes=-1, normalize=False)``."""
    return Dot(axes=axes, **kwargs)(inputs)
