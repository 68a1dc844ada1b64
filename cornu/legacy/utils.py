"""Keras 1/2 helpers of ``keras.utils.np_utils``, ``generic_utils``, ``layer_utils``,
``conv_utils`` and ``data_utils`` that Keras 3 dropped or moved."""
import inspect

import numpy as np

from cornu.serialization import (  # noqa: F401  (generic_utils names)
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from cornu.utils import Progbar, get_file, normalize, to_categorical  # noqa: F401


# -- np_utils ---------------------------------------------------------------------------------
def probas_to_classes(y_pred):
    """Keras 1: class indices from predicted probabilities (argmax, or ``> 0.5`` for one column)."""
    y_pred = np.asarray(y_pred)
    if y_pred.ndim > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return np.array([1 if p > 0.5 else 0 for p in np.ravel(y_pred)])


def categorical_probas_to_classes(p):
    """Keras 1: ``argmax`` along axis 1."""
    return np.argmax(np.asarray(p), axis=1)


def convert_kernel(kernel):
    """Flip a convolution kernel spatially (Theano <-> TensorFlow kernels); the last two axes stay."""
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError(f"convert_kernel: expected a 1D, 2D or 3D convolution kernel; got shape {kernel.shape}.")
    slices = [slice(None, None, -1)] * (kernel.ndim - 2) + [slice(None), slice(None)]
    return np.copy(kernel[tuple(slices)])


# -- generic_utils ----------------------------------------------------------------------------
def to_list(x, allow_tuple=False):
    """``x`` as a list (a list stays, a tuple stays when ``allow_tuple``)."""
    if isinstance(x, list):
        return x
    if allow_tuple and isinstance(x, tuple):
        return list(x)
    return [x]


def unpack_singleton(x):
    """The only element of a one-element list, else ``x``."""
    return x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x


def has_arg(fn, name, accept_all=False):
    """Whether ``fn`` accepts the keyword ``name`` (or any keyword, with ``accept_all``)."""
    params = inspect.signature(fn).parameters
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return True
    return name in params and params[name].kind in (params[name].POSITIONAL_OR_KEYWORD, params[name].KEYWORD_ONLY)


def slice_arrays(arrays, start=None, stop=None):
    """Slice an array or a list of arrays by ``[start:stop]`` or by an index list ``start``."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, "__len__"):
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, "__len__"):
        return arrays[start]
    return arrays[start:stop]


# -- layer_utils ------------------------------------------------------------------------------
def count_params(weights):
    """The number of scalars in a list of weights."""
    return int(sum(int(np.prod(w.shape)) for w in weights))


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """``model.summary()``."""
    model.summary(line_length=line_length, positions=positions, print_fn=print_fn)


def convert_all_kernels_in_model(model):
    """Flip every convolution kernel of ``model`` (Theano <-> TensorFlow weights)."""
    for layer in model._flatten_layers(include_self=False):
        if type(layer).__name__ in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose"):
            layer.kernel.assign(convert_kernel(layer.kernel.numpy()))


# -- conv_utils -------------------------------------------------------------------------------
def normalize_data_format(value):
    """``None`` -> the configured image data format; else checked and lower-cased."""
    from cornu.backend import standardize_data_format  # noqa: PLC0415

    return standardize_data_format(value)


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """Output length of a convolution along one axis (``padding`` in valid/same/full/causal)."""
    if input_length is None:
        return None
    if padding not in ("same", "valid", "full", "causal"):
        raise ValueError(f"conv_output_length: unknown padding {padding!r}.")
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        length = input_length
    elif padding == "valid":
        length = input_length - dilated + 1
    else:
        length = input_length + dilated - 1
    return (length + stride - 1) // stride


__all__ = ["probas_to_classes", "categorical_probas_to_classes", "convert_kernel", "to_list",
           "unpack_singleton", "has_arg", "slice_arrays", "count_params", "print_summary",
           "convert_all_kernels_in_model", "normalize_data_format", "conv_output_length",
           "CustomObjectScope", "custom_object_scope", "get_custom_objects", "serialize_keras_object",
           "deserialize_keras_object", "get_registered_name", "get_registered_object",
           "register_keras_serializable", "Progbar", "to_categorical", "normalize", "get_file"]
