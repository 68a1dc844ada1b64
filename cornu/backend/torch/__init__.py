"""The torch engine.  Only this folder imports torch."""
from cornu.backend.torch import linalg, math, nn, numpy, random  # noqa: F401
from cornu.backend.torch import image  # noqa: F401
from cornu.backend.torch import module_wrapper  # noqa: F401
from cornu.backend.torch import jax_layer  # noqa: F401
from cornu.backend.torch.data import host_to_device, take_rows  # noqa: F401
from cornu.backend.torch.core_ops import switch  # noqa: F401
from cornu.backend.torch.core import (  # noqa: F401
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
from cornu.backend.torch.dense import fused_dense  # noqa: F401
from cornu.backend.torch.layer import BackendLayer  # noqa: F401
from cornu.backend.torch.normalization import fused_batch_norm, fused_group_norm  # noqa: F401
from cornu.backend.torch.optimizer_updates import fused_optimizer_update  # noqa: F401
from cornu.backend.torch.trainer import (  # noqa: F401
    SUPPORTS_JIT,
    compute_gradients,
    make_step_function,
)

IS_STATELESS = False  # variables are mutated in place; no stateless step needed
