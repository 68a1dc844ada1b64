"""The Keras 2 ``K.*`` functions people use, for ``keras.backend`` in scripts.

``cornu.legacy.install()`` copies every name here that ``cornu.backend`` lacks onto
``cornu.backend`` (``keras.backend`` *is* ``cornu.backend``, as in Keras 3), so
``from keras import backend as K; K.mean(...)``, ``K.function``, ``K.gradients``
and ``K.image_dim_ordering()`` work.  ``function``/``gradients``/``placeholder``/
``learning_phase`` live in ``cornu.legacy.graph``.
"""
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
from cornu.legacy.deprecation import warn_once
from cornu.utils import naming


def clear_session(free_memory=True):
    """Reset name counters (``dense``, ``dense_1`` ... start again) and the learning phase."""
    from cornu.legacy import graph  # noqa: PLC0415

    naming.reset_uids()
    graph.reset_learning_phase()


def int_shape(x):
    """The static shape of a tensor or variable as a tuple (``None`` for unknown dimensions)."""
    return tuple(None if d is None else int(d) for d in x.shape)


def dtype(x):
    """The dtype of a tensor or variable, as a string (``"float32"``)."""
    return standardize_dtype(x.dtype)


def is_variable(x):
    return isinstance(x, _b.Variable)


def is_tensor(x):
    return _b.is_tensor(x) or isinstance(x, KerasTensor)


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
    if isinstance(x, KerasTensor):
        raise ValueError("K.eval() of a symbolic tensor needs input values; use "
                         "`K.function(inputs, [tensor])([values])` instead.")
    if isinstance(x, _b.Variable):
        x = x.value
    return _b.convert_to_numpy(x)


get_value = eval


def batch_get_value(xs):
    return [get_value(x) for x in xs]


def set_value(x, value):
    """Assign ``value`` to variable ``x``."""
    x.assign(np.asarray(value, dtype=standardize_dtype(x.dtype)))


def update(x, new_x):
    """Keras 2: assign ``new_x`` to variable ``x`` (done at once)."""
    x.assign(new_x)
    return x


def update_add(x, increment):
    x.assign_add(increment)
    return x


def update_sub(x, decrement):
    x.assign_sub(decrement)
    return x


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)


def cast(x, dtype):
    return ops.cast(x, dtype)


def cast_to_floatx(x):
    return np.asarray(x, dtype=floatx())


def get_uid(prefix=""):
    return naming.get_uid(prefix)


def image_dim_ordering():
    """Keras 1: ``"tf"`` for channels_last, ``"th"`` for channels_first."""
    return "tf" if image_data_format() == "channels_last" else "th"


def set_image_dim_ordering(dim_ordering):
    """Keras 1: ``"tf"``/``"th"`` -> ``set_image_data_format("channels_last"/"channels_first")``."""
    warn_once(("name", "set_image_dim_ordering"),
              "`set_image_dim_ordering` is Keras 1; use `set_image_data_format`.")
    if dim_ordering not in ("tf", "th"):
        raise ValueError(f"Unknown dim_ordering: {dim_ordering!r}; expected 'tf' or 'th'.")
    set_image_data_format({"tf": "channels_last", "th": "channels_first"}[dim_ordering])


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


def flatten(x):
    return ops.reshape(x, (-1,))


def batch_flatten(x):
    """``(batch, d1, d2, ...)`` -> ``(batch, d1 * d2 * ...)``."""
    return ops.reshape(x, (-1, int(np.prod(x.shape[1:]))))


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))`` (TensorFlow's ``l2_normalize``, as Keras 2 used)."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x * ops.rsqrt(ops.maximum(square_sum, 1e-12))


def switch(condition, then_expression, else_expression):
    """Elementwise ``then_expression`` where ``condition`` holds, else ``else_expression``."""
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    return ops.where(condition, then_value, else_value)


def permute_dimensions(x, pattern):
    return ops.transpose(x, tuple(pattern))


def repeat_elements(x, rep, axis):
    return ops.repeat(x, rep, axis=axis)


def repeat(x, n):
    """``(batch, dim)`` -> ``(batch, n, dim)``."""
    return ops.repeat(ops.expand_dims(x, 1), n, axis=1)


def gather(reference, indices):
    return ops.take(reference, indices, axis=0)


def one_hot(indices, num_classes):
    return ops.one_hot(indices, num_classes)


def batch_dot(x, y, axes=None):
    """Per-sample dot product (Keras 2 ``K.batch_dot``); ``axes`` defaults to the last of
    ``x`` and the last (or second-to-last, for 3D+ ``y``) of ``y``."""
    from cornu.layers.merging.dot import batch_dot as _batch_dot  # noqa: PLC0415

    if axes is None:
        axes = (len(x.shape) - 1, len(y.shape) - 1 if len(y.shape) == 2 else len(y.shape) - 2)
    elif isinstance(axes, int):
        axes = (axes, axes)
    axes = tuple(a % len(s) for a, s in zip(axes, (x.shape, y.shape)))
    return _batch_dot(x, y, axes)


def bias_add(x, bias, data_format=None):
    if (data_format or image_data_format()) == "channels_first" and len(x.shape) > 2:
        bias = ops.reshape(bias, (1, -1) + (1,) * (len(x.shape) - 2))
    return x + bias


greater = ops.greater
greater_equal = ops.greater_equal
less = ops.less
less_equal = ops.less_equal
not_equal = ops.not_equal
round = ops.round  # noqa: A001
sign = ops.sign
tile = ops.tile
arange = ops.arange
cumsum = ops.cumsum
cumprod = ops.cumprod
logsumexp = ops.logsumexp
softsign = ops.softsign
hard_sigmoid = ops.hard_sigmoid
elu = ops.elu
sin = ops.sin
cos = ops.cos


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2 ``K.relu``: ``alpha`` is the slope below ``threshold``, ``max_value`` the cap."""
    from cornu import activations  # noqa: PLC0415

    return activations.relu(x, negative_slope=alpha, max_value=max_value, threshold=threshold)
