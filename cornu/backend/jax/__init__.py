"""The JAX engine.  Only this folder imports jax."""
from cornu.backend.jax import linalg, math, nn, numpy, random  # noqa: F401
from cornu.backend.jax import image  # noqa: F401
from cornu.backend.jax import module_wrapper  # noqa: F401
from cornu.backend.jax import jax_layer  # noqa: F401
from cornu.backend.jax.data import host_to_device, take_rows  # noqa: F401
from cornu.backend.jax.core_ops import switch  # noqa: F401
from cornu.backend.jax.core import (  # noqa: F401
    DEFAULT_DEVICE,
    IS_THREAD_SAFE,
    SUPPORTS_SPARSE_TENSORS,
    Variable,
    cast,
    compute_output_spec,
    cond,
    convert_to_numpy,
    convert_to_tensor,
    custom_gradient,
    device_scope,
    fori_loop,
    get_device,
    get_item,
    is_tensor,
    map,
    scan,
    scatter,
    scatter_update,
    shape,
    slice,
    slice_update,
    stop_gradient,
    unstack,
    vectorized_map,
    while_loop,
)
from cornu.backend.jax.layer import BackendLayer  # noqa: F401
from cornu.backend.jax.trainer import (  # noqa: F401
    SUPPORTS_JIT,
    compute_gradients,
    fused_batch_norm,
    fused_dense,
    fused_group_norm,
    fused_optimizer_update,
    make_step_function,
)

IS_STATELESS = True  # steps are traced as pure functions under a StatelessScope
