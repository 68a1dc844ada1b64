"""``cornu.mixed_precision``: compute in float16/bfloat16, keep variables in float32.

``set_global_policy("mixed_bfloat16")`` (or ``"mixed_float16"``) before building a
model; ``compile`` then wraps the optimizer in a ``LossScaleOptimizer`` for
float16, and losses are computed in float32.
"""
from cornu.dtype_policies import DTypePolicy, dtype_policy, set_dtype_policy
from cornu.optimizers import LossScaleOptimizer  # noqa: F401

Policy = DTypePolicy


def set_global_policy(policy):
    """Set the dtype policy of layers created afterwards (``"mixed_float16"``, ``"float32"`` ...)."""
    set_dtype_policy(policy)


def global_policy():
    """The current global ``DTypePolicy``."""
    return dtype_policy()


__all__ = ["DTypePolicy", "Policy", "LossScaleOptimizer", "set_global_policy", "global_policy",
           "dtype_policy", "set_dtype_policy"]
