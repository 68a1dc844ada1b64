"""``Merge``: the base of layers combining a list of tensors elementwise."""
from cornu import ops
from cornu.layers.layer import Layer


def input_masks(inputs, mask):
    """The list of input masks: ``mask`` when given, else the masks the tensors carry."""
    if mask is None:
        return [getattr(x, "_keras_mask", None) for x in inputs]
    if not isinstance(mask, (list, tuple)):
        return [mask] + [None] * (len(inputs) - 1)
    mask = list(mask)
    return mask + [None] * (len(inputs) - len(mask))


def broadcast_mask(mask, x):
    """A mask over ``x.shape[:-1]`` expanded and broadcast to ``x``'s full shape."""
    if len(mask.shape) < len(x.shape):
        mask = ops.expand_dims(mask, -1)  # (b, ...) -> (b, ..., 1)
    return ops.broadcast_to(ops.cast(mask, "bool"), ops.shape(x))


def elementwise_shape(shape1, shape2, layer_name):
    """Broadcast two shapes (without batch) aligned from the right, as Keras merges do."""
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        return elementwise_shape(shape2, shape1, layer_name)
    if not shape2:
        return tuple(shape1)
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise ValueError(
                f"Layer '{layer_name}' received inputs with incompatible shapes: "
                f"{tuple(shape1)} and {tuple(shape2)} (batch axis excluded) cannot be broadcast."
            )
    return tuple(out)


class Merge(Layer):
    """Base of the elementwise merge layers (``Add``, ``Multiply``, ...).

    Called on a list of tensors with equal batch sizes; trailing dimensions
    broadcast, and inputs of lower rank get size-1 axes inserted after the
    batch axis.  The output mask is the OR of the input masks when every input
    has one.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _check_list(self, shapes, what="input_shape"):
        if not isinstance(shapes, (list, tuple)) or not shapes or \
                not all(s is None or isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(
                f"A merge layer ('{self.name}', {type(self).__name__}) should be called on a list of "
                f"at least 1 input. Received: {what}={shapes}"
            )

    def _output_shape(self, input_shape):
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) cannot merge tensors with different "
                f"batch sizes. Received tensors with shapes {[tuple(s) for s in input_shape]}"
            )
        shape = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            shape = elementwise_shape(shape, None if s is None else tuple(s[1:]), self.name)
        batch = batch_sizes.pop() if batch_sizes else None
        return batch, shape

    def build(self, input_shape):
        self._check_list(input_shape)
        self._output_shape(input_shape)
        ranks = {len(s) for s in input_shape if s is not None}
        self._reshape_required = None in input_shape or len(ranks) > 1
        self.built = True

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A merge layer ('{self.name}', {type(self).__name__}) should be called on a list "
                f"of inputs. Received: inputs={inputs!r} (not a list of tensors)"
            )
        masks = input_masks(inputs, mask)
        inputs = list(inputs)
        if self._reshape_required:
            max_ndim = max(len(x.shape) for x in inputs)
            reshaped = []
            for x in inputs:
                for _ in range(max_ndim - len(x.shape)):
                    x = ops.expand_dims(x, 1)  # (b, ...) -> (b, 1, ...)
                reshaped.append(x)
            inputs = reshaped
        return self._merge_function(inputs, masks)

    def _merge_function(self, inputs, masks):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        batch, shape = self._output_shape(input_shape)
        return (batch,) + tuple(shape)

    def compute_mask(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            return None
        masks = input_masks(inputs, mask)
        if len(masks) != len(inputs):
            raise ValueError(
                f"Layer '{self.name}': the lists `inputs` and `mask` should have the same length; "
                f"received {len(inputs)} inputs and {len(masks)} masks."
            )
        if any(m is None for m in masks):
            return None
        out = masks[0]
        for m in masks[1:]:
            out = ops.logical_or(out, m)
        return out

    def get_config(self):
        return super().get_config()


def masked_reduce(op_fn, inputs, masks):
    """Combine ``inputs`` with ``op_fn``, ignoring masked positions (Keras's Maximum/Minimum rule).

    A masked position takes the value of the other operand, so it never wins;
    where every input is masked the first input's value is kept.
    """
    output, output_mask = None, None
    for x, m in zip(inputs, masks):
        m = None if m is None else broadcast_mask(m, x)
        if output is None:
            output, output_mask = x, m
            continue
        if m is not None:
            x = ops.where(m, x, output)
        if output_mask is not None:
            output = ops.where(output_mask, output, x)
        output_mask = ops.logical_or(output_mask, m) if (m is not None and output_mask is not None) else None
        output = op_fn(output, x)
    return output
