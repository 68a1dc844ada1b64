"""JAX engine: the pytree helpers ``layers.JaxLayer`` needs to host a pure JAX function.

Parameters and state are arbitrary pytrees (dicts, lists, registered classes);
``jax.tree_util`` walks them the way the wrapped function expects.
"""
import jax
import numpy as np

SUPPORTED = True
UNSUPPORTED_MESSAGE = None


def tree_map(fn, tree, *rest):
    """``jax.tree_util.tree_map``: ``fn`` on every leaf (``None`` is an empty subtree)."""
    return jax.tree_util.tree_map(fn, tree, *rest)


def tree_leaves(tree):
    """The leaves of ``tree`` in JAX's order (dict keys sorted)."""
    return jax.tree_util.tree_leaves(tree)


def same_structure(a, b):
    """True when pytrees ``a`` and ``b`` have the same structure."""
    return jax.tree_util.tree_structure(a) == jax.tree_util.tree_structure(b)


def is_array(value):
    """Leaves that become variables: JAX arrays and NumPy arrays/scalars."""
    return isinstance(value, (jax.Array, np.ndarray, np.generic))


def is_traced(value):
    """True for values being traced by ``jax.jit``/``grad`` (not concrete)."""
    return isinstance(value, jax.core.Tracer)


def placeholder_inputs(shapes):
    """Ones of ``shapes`` (a shape or a structure of shapes; ``None`` dimensions become 1)."""
    def is_shape(s):
        return isinstance(s, (list, tuple)) and all(d is None or isinstance(d, int) for d in s)

    def build(s):
        if is_shape(s):
            return jax.numpy.ones([1 if d is None else int(d) for d in s])
        if isinstance(s, dict):
            return {k: build(v) for k, v in s.items()}
        return type(s)(build(v) for v in s)

    return build(shapes)


__all__ = ["SUPPORTED", "UNSUPPORTED_MESSAGE", "is_array", "is_traced", "placeholder_inputs",
           "same_structure", "tree_leaves", "tree_map"]
