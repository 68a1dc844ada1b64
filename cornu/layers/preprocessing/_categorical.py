"""Shared pieces of the categorical preprocessing layers.

* ``encode_numpy``: integer indices -> ``one_hot`` / ``multi_hot`` / ``count``
  (optionally weighted, e.g. by IDF weights) on the host, with NumPy.
* ``encode_tensor``: the same with ``cornu.ops`` (traceable; for layers whose
  inputs are numbers and may live on the device).
* ``HostLayer``: a base for layers that run on the host (strings, hashing,
  vocabulary lookups): calling one on concrete data (NumPy arrays, lists,
  tensors) skips the tensor conversion of ``Layer.__call__``; symbolic
  inputs still go through the usual graph-building path.
* ``to_numpy_input`` and ``iterate_batches``: input normalisation and the
  ``adapt()`` data protocol shared by the layers.
"""
import numpy as np

from cornu import backend, ops
from cornu.layers.layer import Layer

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_choice(layer_name, class_name, arg, value, allowed):
    if value not in allowed:
        raise ValueError(
            f"Layer '{layer_name}' ({class_name}): invalid `{arg}`={value!r}; expected one of "
            f"{', '.join(repr(a) for a in allowed)}."
        )


def encode_numpy(indices, output_mode, depth, dtype="float32", weights=None, count_weights=None):
    """Encode an integer NumPy array of indices (negative or >= depth: dropped).

    ``one_hot`` adds a last axis of size ``depth`` (a trailing axis of size 1
    is replaced); ``multi_hot``/``count`` reduce the sample axis: a rank-1
    input is one sample, rank 2 reduces its last axis, higher ranks axis 1.
    ``weights`` (length ``depth``) multiply the counts (TF-IDF).
    """
    indices = np.asarray(indices).astype("int64")
    if indices.ndim == 0:
        indices = indices.reshape(1)
    valid = (indices >= 0) & (indices < depth)
    safe = np.where(valid, indices, 0)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            safe, valid = safe[..., 0], valid[..., 0]
        out = np.zeros(safe.shape + (depth,), dtype="float64")
        np.put_along_axis(out, safe[..., None], valid[..., None].astype("float64"), axis=-1)
        return out.astype(dtype)
    hot = np.zeros(safe.shape + (depth,), dtype="float64")
    value = valid.astype("float64")
    if count_weights is not None and output_mode == "count":
        value = value * np.broadcast_to(np.asarray(count_weights, dtype="float64"), value.shape)
    np.put_along_axis(hot, safe[..., None], value[..., None], axis=-1)
    axis = 0 if indices.ndim == 1 else 1
    if output_mode == "multi_hot":
        out = hot.max(axis=axis)
    else:  # count / tf_idf: one_hot rows summed (several equal indices add up)
        out = hot.sum(axis=axis)
    if weights is not None:
        out = out * np.asarray(weights, dtype="float64")
    return out.astype(dtype)


def encode_tensor(indices, output_mode, depth, dtype="float32", count_weights=None):
    """``encode_numpy`` with ``cornu.ops`` on tensors (indices out of range give zeros)."""
    indices = ops.cast(indices, "int32")
    if len(indices.shape) == 0:
        indices = ops.expand_dims(indices, -1)
    if output_mode == "one_hot":
        if len(indices.shape) > 1 and indices.shape[-1] == 1:
            indices = ops.squeeze(indices, axis=-1)
        return ops.one_hot(indices, depth, dtype=dtype)
    axis = 1 if len(indices.shape) > 1 else 0
    hot = ops.one_hot(indices, depth, dtype=dtype)
    if output_mode == "multi_hot":
        return ops.max(hot, axis=axis)
    if count_weights is not None:
        hot = ops.multiply(hot, ops.expand_dims(ops.cast(count_weights, dtype), -1))
    return ops.sum(hot, axis=axis)


def encoded_shape(input_shape, output_mode, depth):
    """The output shape ``encode_numpy``/``encode_tensor`` give for ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if len(input_shape) == 0:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


def is_symbolic(x):
    from cornu.utils import tree  # noqa: PLC0415

    return any(backend.is_keras_tensor(v) for v in tree.flatten(x))


def to_numpy_input(x, strings=False, encoding="utf-8"):
    """A NumPy array of a call's input: tensors are fetched, lists become arrays, bytes decoded."""
    if backend.is_tensor(x):
        return np.asarray(backend.convert_to_numpy(x))
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):  # e.g. a tf.Tensor
        x = x.numpy()
    arr = np.asarray(x)
    if arr.dtype.kind == "S" or (arr.dtype.kind == "O" and strings):
        arr = decode_strings(arr, encoding)
    return arr


def decode_strings(arr, encoding="utf-8"):
    arr = np.asarray(arr)
    if arr.dtype.kind == "U":
        return arr
    flat = [v.decode(encoding) if isinstance(v, bytes) else str(v) for v in arr.reshape(-1)]
    if not flat:
        return np.zeros(arr.shape, dtype="<U1")
    return np.array(flat).reshape(arr.shape)


def extract_batch(batch):
    """The inputs of a batch: ``x`` out of ``(x, y)`` or ``(x, y, sample_weight)``."""
    return batch[0] if isinstance(batch, tuple) else batch


def iterate_batches(data, steps=None):
    """``adapt()`` data as a list of batches: one array for arrays/lists/tensors, else each batch."""
    if isinstance(data, (list, tuple, np.ndarray)) or backend.is_tensor(data) or isinstance(data, str):
        return [data]
    if hasattr(data, "numpy") and hasattr(data, "shape"):
        return [data]
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt() expects an array, a list, a tensor or an iterable of batches; received "
                        f"{type(data).__name__}.")
    out = []
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        out.append(extract_batch(batch))
    return out


class HostLayer(Layer):
    """A layer computed on the host: concrete inputs reach ``call`` as given (strings allowed)."""

    supports_jit = False  # a model holding one trains eagerly (as Keras does)

    def __call__(self, *args, **kwargs):
        if is_symbolic((args, kwargs)):
            return super().__call__(*args, **kwargs)
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        if not self.built:
            self.built = True
        return self.call(*args, **kwargs)

    def build(self, input_shape=None):
        self.built = True

    def compute_output_spec(self, *args, **kwargs):
        inputs = args[0]
        shape = self.compute_output_shape(
            tuple(x.shape for x in inputs) if isinstance(inputs, (list, tuple)) else inputs.shape)
        return backend.KerasTensor(shape, dtype=self._output_dtype_name())

    def _output_dtype_name(self):
        return "int64"


__all__ = ["encode_numpy", "encode_tensor", "encoded_shape", "HostLayer", "to_numpy_input",
           "iterate_batches", "check_choice", "decode_strings", "is_symbolic"]
