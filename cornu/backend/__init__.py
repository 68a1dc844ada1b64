"""``cornu.backend``: the engine in use, chosen once at import.

Everything above this room reaches the engine only through the names listed
in ``contract.py``; ``backend()`` says which engine it is.
"""
from cornu.backend.common import dtypes  # noqa: F401
from cornu.backend.common.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype  # noqa: F401
from cornu.backend.common.keras_tensor import KerasTensor, any_symbolic_tensors, is_keras_tensor  # noqa: F401
from cornu.backend.common.stateless_scope import (  # noqa: F401
    StatelessScope,
    SymbolicScope,
    current_scope,
    in_stateless_scope,
    in_symbolic_scope,
)
from cornu.backend.config import (  # noqa: F401
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)

if backend() == "torch":
    from cornu.backend.torch import *  # noqa: F401,F403
    from cornu.backend.torch import linalg, math, nn, numpy, random  # noqa: F401
    from cornu.backend.torch import IS_STATELESS, SUPPORTS_JIT, BackendLayer, Variable  # noqa: F401
elif backend() == "jax":
    from cornu.backend.jax import *  # noqa: F401,F403
    from cornu.backend.jax import linalg, math, nn, numpy, random  # noqa: F401
    from cornu.backend.jax import IS_STATELESS, SUPPORTS_JIT, BackendLayer, Variable  # noqa: F401
