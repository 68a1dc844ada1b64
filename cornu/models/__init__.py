"""``cornu.models``: Model, Sequential and the functional graph."""
from cornu.models.functional import Functional  # noqa: F401
from cornu.models.model import Model  # noqa: F401
from cornu.models.sequential import Sequential  # noqa: F401
from cornu.serialization import register_builtin

for _cls in (Model, Sequential, Functional):
    register_builtin("keras.models", _cls)
    register_builtin("keras", _cls)
    register_builtin("keras.layers", _cls)

__all__ = ["Model", "Sequential", "Functional"]
