"""JAX engine: control-flow ops beyond the core set (``switch``)."""
import jax


def switch(index, branches, *operands):
    """Call ``branches[index](*operands)``, ``index`` clamped to the valid range (``lax.switch``, traceable)."""
    return jax.lax.switch(index, branches, *operands)
