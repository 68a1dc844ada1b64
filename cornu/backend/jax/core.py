"""JAX engine: arrays, variables, conversion and symbolic shape inference."""
import jax
import jax.numpy as jnp
import numpy as np

from cornu.backend import config
from cornu.backend.common import dtypes
from cornu.backend.common.keras_tensor import KerasTensor
from cornu.backend.common.stateless_scope import StatelessScope, SymbolicScope
from cornu.backend.common.variables import VariableBase
from cornu.utils import tree

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True

DEFAULT_DEVICE = "gpu" if any(d.platform == "gpu" for d in jax.devices()) else "cpu"


def to_jax_dtype(dtype):
    """The NumPy/JAX dtype for a cornu dtype name."""
    name = dtypes.standardize_dtype(dtype)
    if name == "bfloat16":
        return jnp.bfloat16
    if name == "string":
        raise ValueError("The jax engine has no string tensors.")
    if not jax.config.jax_enable_x64 and name in _NARROW:
        name = _NARROW[name]  # JAX runs 32-bit unless x64 is enabled
    return np.dtype(name)


_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}


def get_device():
    """The platform arrays are placed on."""
    return DEFAULT_DEVICE


class device_scope:
    """A context manager placing new arrays on a device (e.g. ``"cpu"``)."""

    def __init__(self, device_name):
        name = str(device_name).lower().replace("cuda", "gpu")
        platform, _, index = name.partition(":")
        self.device = jax.devices(platform)[int(index or 0)]

    def __enter__(self):
        self._ctx = jax.default_device(self.device)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


class Variable(VariableBase):
    """A cornu variable holding a JAX array (replaced on each assignment)."""

    def _init_context(self):
        # Variables created while a function is being traced get concrete values.
        return jax.ensure_compile_time_eval()

    def _initialize(self, value):
        self._value = value

    def _direct_assign(self, value):
        self._value = value

    def _convert_to_tensor(self, value, dtype=None):
        return convert_to_tensor(value, dtype=dtype)

    @staticmethod
    def _to_numpy(value):
        return convert_to_numpy(value)

    def __jax_array__(self):
        return self.value


def is_tensor(x):
    """True for JAX arrays (including tracers)."""
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None):
    """Convert arrays, scalars, lists and variables to a JAX array."""
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, KerasTensor):
        raise ValueError(
            "A symbolic KerasTensor cannot be converted to a JAX array; it has no "
            f"value. Received: {x!r}"
        )
    if dtype is not None:
        dtype = to_jax_dtype(dtype)
    if isinstance(x, jax.Array):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    if dtype is None:
        if isinstance(x, bool):
            dtype = np.bool_
        elif isinstance(x, int):
            dtype = np.int32
        elif isinstance(x, float):
            dtype = to_jax_dtype(config.floatx())
        elif isinstance(x, (list, tuple)):
            arr = np.asarray([convert_to_numpy(v) if isinstance(v, jax.Array) else v for v in x])
            if arr.dtype == np.float64:
                dtype = to_jax_dtype(config.floatx())
            elif arr.dtype == np.int64:
                dtype = np.int32
            x = arr
    if isinstance(x, np.ndarray) and x.dtype.kind in "OUS":
        raise TypeError(f"Cannot convert an array of dtype {x.dtype} to a tensor.")
    if dtype is None and isinstance(x, (np.ndarray, np.generic)) and x.dtype in (np.float64, np.int64, np.uint64):
        # JAX runs 32-bit unless x64 is enabled: narrow explicitly (no warning).
        dtype = {np.dtype(np.float64): np.float32, np.dtype(np.int64): np.int32,
                 np.dtype(np.uint64): np.uint32}[x.dtype]
        if not jax.config.jax_enable_x64:
            x = np.asarray(x).astype(dtype)
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    """Convert an array (or variable) to a NumPy array."""
    if isinstance(x, Variable):
        x = x.value
    return np.asarray(x)


def cast(x, dtype):
    """Cast ``x`` to ``dtype``."""
    return convert_to_tensor(x).astype(to_jax_dtype(dtype))


def standardize_dtype(dtype):
    return dtypes.standardize_dtype(dtype)


def shape(x):
    """The static shape of ``x`` as a tuple."""
    return tuple(x.shape)


def stop_gradient(x):
    return jax.lax.stop_gradient(convert_to_tensor(x))


_SIZES = (83, 89)


def compute_output_spec(fn, *args, **kwargs):
    """Trace ``fn`` abstractly (``jax.eval_shape``) to find output shapes and dtypes.

    Unknown dimensions are tried with two sizes and reported as ``None`` where
    the output changes.
    """
    flat = tree.flatten((args, kwargs))
    sym_positions = [i for i, x in enumerate(flat) if isinstance(x, KerasTensor)]
    has_none = any(d is None for i in sym_positions for d in flat[i].shape)

    def run(size):
        specs = [
            jax.ShapeDtypeStruct(
                tuple(size if d is None else d for d in flat[i].shape), to_jax_dtype(flat[i].dtype)
            )
            for i in sym_positions
        ]

        def wrapped(*placeholders):
            values = list(flat)
            for i, p in zip(sym_positions, placeholders):
                values[i] = p
            a, k = tree.pack_sequence_as((args, kwargs), values)
            with StatelessScope(), SymbolicScope():
                return fn(*a, **k)

        return jax.eval_shape(wrapped, *specs)

    def to_spec(a, b=None):
        b = a if b is None else b
        if isinstance(a, jax.ShapeDtypeStruct):
            shp = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
            return KerasTensor(shp, dtype=standardize_dtype(a.dtype))
        return a

    out_a = run(_SIZES[0])
    out_b = run(_SIZES[1]) if has_none else out_a
    return tree.map_structure(to_spec, out_a, out_b)


# -- control flow and structural ops ----------------------------------------------
def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def while_loop(cond_fn, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    if maximum_iterations is not None:
        def c(s):
            return jnp.logical_and(s[0] < maximum_iterations, cond_fn(*s[1]))

        def b(s):
            out = body(*s[1])
            return s[0] + 1, tuple(out) if isinstance(out, (list, tuple)) else (out,)

        state = jax.lax.while_loop(c, b, (0, state))[1]
    else:
        def b2(s):
            out = body(*s)
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

        state = jax.lax.while_loop(lambda s: cond_fn(*s), b2, state)
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def map(f, xs):
    return jax.lax.map(f, xs)


def slice(inputs, start_indices, shape):
    return jax.lax.dynamic_slice(convert_to_tensor(inputs), start_indices, shape)


def slice_update(inputs, start_indices, updates):
    return jax.lax.dynamic_update_slice(convert_to_tensor(inputs), convert_to_tensor(updates), start_indices)


def scatter(indices, values, shape):
    indices = convert_to_tensor(indices)
    values = convert_to_tensor(values)
    out = jnp.zeros(tuple(shape), values.dtype)
    idx = tuple(indices[..., i] for i in range(indices.shape[-1]))
    return out.at[idx].add(values)


def scatter_update(inputs, indices, updates):
    x = convert_to_tensor(inputs)
    indices = convert_to_tensor(indices)
    idx = tuple(indices[..., i] for i in range(indices.shape[-1]))
    return x.at[idx].set(convert_to_tensor(updates).astype(x.dtype))


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    return [jnp.take(x, i, axis=axis) for i in range(x.shape[axis])]


def get_item(x, key):
    return convert_to_tensor(x)[key]


def custom_gradient(fun):
    """Decorator: ``fun(*args) -> (output, grad_fn(upstream))``.

    ``jax.custom_gradient`` traces ``grad_fn`` (a Python closure) into the
    residuals, so it works under ``jit`` and ``grad`` alike; a ``custom_vjp``
    cannot carry a Python function as its residual.
    """
    return jax.custom_gradient(fun)
