"""``keras.backend`` for scripts: Keras 3's names plus the Keras 2 ``K.*`` functions people use."""
import warnings

import numpy as np

from cornu import backend as _b, ops
from cornu.backend import (  # noqa: F401
    KerasTensor,
    backend,
    epsilon,
    floatx,
    image_data_format,
    is_keras_tensor,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_dtype,
)
from cornu.utils import naming


def clear_session():
    """Reset name counters (``dense``, ``dense_1`` ... start again)."""
    naming.reset_uids()


def int_shape(x):
    """The static shape of a tensor or variable as a tuple."""
    return tuple(x.shape)


def variable(value, dtype=None, name=None, constraint=None):
    """A ``Variable`` holding ``value``."""
    v = _b.Variable(np.asarray(value), dtype=dtype, name=name or "variable")
    v.constraint = constraint
    return v


def constant(value, dtype=None, shape=None, name=None):
    value = np.asarray(value, dtype=dtype or floatx())
    if shape is not None:
        value = np.broadcast_to(value, shape)
    return _b.convert_to_tensor(value)


def eval(x):  # noqa: A001 - Keras 2 name
    """The value of a tensor or variable as NumPy."""
    return _b.convert_to_numpy(x)


get_value = eval


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value):
    """Assign ``value`` to variable ``x``."""
    x.assign(np.asarray(value))


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def cast(x, dtype):
    return ops.cast(x, dtype)


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


def image_dim_ordering():
    """Keras 1: ``"tf"`` for channels_last, ``"th"`` for channels_first."""
    return "tf" if image_data_format() == "channels_last" else "th"


def set_image_dim_ordering(ordering):
    """Keras 1: ``"tf"``/``"th"`` -> channels_last/channels_first."""
    warnings.warn("`set_image_dim_ordering` is Keras 1; use `set_image_data_format`.", DeprecationWarning,
                  stacklevel=2)
    set_image_data_format({"tf": "channels_last", "th": "channels_first"}[ordering])


def _axis_kw(fn):
    def wrapper(x, axis=None, keepdims=False):
        return fn(x, axis=axis, keepdims=keepdims)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = f"Keras 2 ``K.{fn.__name__}``."
    return wrapper


mean = _axis_kw(ops.mean)
sum = _axis_kw(ops.sum)  # noqa: A001
max = _axis_kw(ops.max)  # noqa: A001
min = _axis_kw(ops.min)  # noqa: A001
prod = _axis_kw(ops.prod)
std = _axis_kw(ops.std)
var = _axis_kw(ops.var)
any = _axis_kw(ops.any)  # noqa: A001
all = _axis_kw(ops.all)  # noqa: A001
square = ops.square
sqrt = ops.sqrt
exp = ops.exp
log = ops.log
abs = ops.absolute  # noqa: A001
pow = ops.power  # noqa: A001
clip = ops.clip
maximum = ops.maximum
minimum = ops.minimum
dot = ops.dot
transpose = ops.transpose
reshape = ops.reshape
expand_dims = ops.expand_dims
squeeze = ops.squeeze
stack = ops.stack
sigmoid = ops.sigmoid
tanh = ops.tanh
relu = ops.relu
softmax = ops.softmax
softplus = ops.softplus
argmax = ops.argmax
argmin = ops.argmin
equal = ops.equal
zeros_like = ops.zeros_like
ones_like = ops.ones_like
stop_gradient = ops.stop_gradient
shape = ops.shape
categorical_crossentropy = ops.categorical_crossentropy
binary_crossentropy = ops.binary_crossentropy
sparse_categorical_crossentropy = ops.sparse_categorical_crossentropy


def concatenate(tensors, axis=-1):
    return ops.concatenate(tensors, axis=axis)


def zeros(shape, dtype=None, name=None):
    return ops.zeros(shape, dtype=dtype or floatx())


def ones(shape, dtype=None, name=None):
    return ops.ones(shape, dtype=dtype or floatx())


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    from cornu import random  # noqa: PLC0415

    return random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    from cornu import random  # noqa: PLC0415

    return random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def ndim(x):
    return len(x.shape)


def count_params(x):
    return int(np.prod(x.shape))


def learning_phase():
    """Keras 2: always 0 (inference) outside ``fit``; cornu passes ``training`` explicitly."""
    return 0


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2 ``K.function``: a callable mapping input arrays to output arrays.

    ``inputs``/``outputs`` are symbolic tensors of a functional model.
    """
    from cornu.models import Model  # noqa: PLC0415  (legacy sits above models)

    model = Model(inputs=list(inputs), outputs=list(outputs))

    def run(values):
        result = model(list(values) if len(inputs) > 1 else values[0], training=False)
        result = result if isinstance(result, (list, tuple)) else [result]
        return [_b.convert_to_numpy(r) for r in result]

    return run
