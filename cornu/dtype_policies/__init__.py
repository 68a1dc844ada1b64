"""``DTypePolicy``: the compute and variable dtypes of a layer (mixed precision)."""
from cornu import backend
from cornu.serialization import register_builtin


class DTypePolicy:
    """A layer's dtypes: ``"float32"``, or ``"mixed_float16"``/``"mixed_bfloat16"``
    (compute in half precision, keep variables in float32)."""

    def __init__(self, name=None):
        name = name or backend.floatx()
        if not isinstance(name, str):
            raise TypeError(f"DTypePolicy: `name` must be a string. Received: {name!r}")
        if name.startswith("mixed_"):
            compute = name[len("mixed_"):]
            if compute not in ("float16", "bfloat16"):
                raise ValueError(
                    f"Unknown mixed precision policy {name!r}. Expected 'mixed_float16' or 'mixed_bfloat16'."
                )
            self._compute_dtype, self._variable_dtype = compute, "float32"
        else:
            dtype = backend.standardize_dtype(name)
            self._compute_dtype = self._variable_dtype = dtype
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """``None`` for a float policy; the mode (``"int8"``...) for a quantized one."""
        return None

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__


_GLOBAL = [None]


def set_dtype_policy(policy):
    """Set the policy new layers use by default (e.g. ``"mixed_bfloat16"``)."""
    _GLOBAL[0] = get(policy)


def dtype_policy():
    """The global default policy."""
    return _GLOBAL[0] or DTypePolicy(backend.floatx())


def get(identifier):
    """A ``DTypePolicy`` from a name, a config dict, a policy, or ``None`` (the global default)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        config = identifier.get("config", identifier)
        quantized = _QUANTIZED_CLASSES.get(identifier.get("class_name"))
        if quantized is not None and isinstance(config, dict):
            return quantized(**config)
        if is_quantized_name(config.get("name")):
            return policy_from_name(config["name"])
        return DTypePolicy(config.get("name"))
    if isinstance(identifier, str):
        if is_quantized_name(identifier):
            return policy_from_name(identifier)
        return DTypePolicy(identifier)
    return DTypePolicy(backend.standardize_dtype(identifier))


register_builtin("keras.dtype_policies", DTypePolicy)
register_builtin("keras", DTypePolicy)

from cornu.dtype_policies.quantized import (  # noqa: E402 - subclasses of DTypePolicy, defined above
    Int4DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
    is_quantized_name,
    policy_from_name,
)

_QUANTIZED_CLASSES = {"QuantizedDTypePolicy": QuantizedDTypePolicy,
                      "QuantizedFloat8DTypePolicy": QuantizedFloat8DTypePolicy, "Int4DTypePolicy": Int4DTypePolicy}
register_builtin("keras.dtype_policies", QuantizedDTypePolicy)
register_builtin("keras.dtype_policies", QuantizedFloat8DTypePolicy)
register_builtin("keras.dtype_policies", Int4DTypePolicy)

__all__ = ["DTypePolicy", "QuantizedDTypePolicy", "QuantizedFloat8DTypePolicy", "Int4DTypePolicy", "set_dtype_policy",
           "dtype_policy", "get"]
