"""Dtype names and promotion, shared by every engine.

cornu speaks dtypes as strings (``"float32"``, ``"int64"``, ``"bool"``...).
Promotion follows the JAX-style lattice Keras 3 uses: integers never widen a
float, Python scalars are "weak" and adopt the other operand's type.
"""
import numpy as np

from cornu.backend import config

FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
ALLOWED_DTYPES = FLOAT_TYPES + INT_TYPES + ("bool", "string", "complex64", "complex128")

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "bool_": "bool",
    "str": "string",
}


_CACHE = {}


def standardize_dtype(dtype):
    """Return the canonical string name of ``dtype`` (any engine's or NumPy's)."""
    try:
        return _CACHE[dtype]
    except (KeyError, TypeError):
        pass
    name = _standardize(dtype)
    if dtype is not None and dtype is not float:
        try:
            _CACHE[dtype] = name
        except TypeError:
            pass
    return name


def _standardize(dtype):
    if dtype is None:
        return config.floatx()
    if dtype is float:
        return config.floatx()
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if dtype is str or dtype is bytes or getattr(dtype, "kind", None) in ("U", "S"):
        return "string"  # NumPy's fixed-width text dtypes (`<U5`, `S3`) are all "string"
    if hasattr(dtype, "name") and isinstance(getattr(dtype, "name"), str) and not isinstance(dtype, str):
        name = dtype.name
    else:
        name = str(dtype)
    for prefix in ("torch.", "jax.numpy.", "jnp.", "np.", "numpy."):
        if name.startswith(prefix):
            name = name[len(prefix):]
    name = _ALIASES.get(name, name)
    if name.startswith("<class 'numpy."):
        name = name[len("<class 'numpy."):-2]
        name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {ALLOWED_DTYPES}.")
    return name


def is_float_dtype(dtype):
    """True for float16/bfloat16/float32/float64."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype):
    """True for signed and unsigned integer dtypes."""
    return standardize_dtype(dtype) in INT_TYPES


def _rank(dtype):
    if dtype == "bool":
        return 0
    if dtype in INT_TYPES:
        return 1
    if dtype in FLOAT_TYPES:
        return 2
    return 3


def result_type(*dtypes):
    """Promote several dtypes (``None`` entries mean "weak" Python floats) to one."""
    names = [standardize_dtype(d) for d in dtypes if d is not None]
    if not names:
        return config.floatx()
    best = max(_rank(n) for n in names)
    candidates = [n for n in names if _rank(n) == best]
    if best == 2:
        if "float64" in candidates:
            return "float64"
        if "float32" in candidates:
            return "float32"
        if "float16" in candidates and "bfloat16" in candidates:
            return "float32"
        return candidates[0]
    if best in (0, 3):
        return candidates[0]
    out = candidates[0]
    for n in candidates[1:]:
        out = str(np.promote_types(out, n))
    return out
