"""``cornu.tree``: Keras 3's nested-structure API (``keras.tree``).

A structure nests lists, tuples, namedtuples and dicts; everything else,
``None`` included, is a leaf. Dicts are walked in sorted-key order.
"""
import collections

from cornu.utils.tree import (
    assert_same_structure,
    flatten,
    is_nested,
    map_structure,
    pack_sequence_as,
    sorted_items,
)

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path",
           "is_nested", "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to",
           "pack_sequence_as", "traverse"]


class _MapToNone:
    """Returned by a ``traverse`` function to put ``None`` in place of a subtree."""

    def __repr__(self):
        return "MAP_TO_NONE"


MAP_TO_NONE = _MapToNone()


def _children(x):
    """``[(key, child), ...]`` of a container in flattening order (sorted dict keys)."""
    if isinstance(x, dict):
        return sorted_items(x)
    return list(enumerate(x))


def _rebuild(template, items):
    """A container like ``template`` holding ``items`` (a list in ``_children`` order)."""
    if isinstance(template, dict):
        by_key = dict(zip([k for k, _ in _children(template)], items))
        rebuilt = {k: by_key[k] for k in template}  # the template's own key order
        return collections.OrderedDict(rebuilt) if isinstance(template, collections.OrderedDict) else rebuilt
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*items)
    return type(template)(items)


def flatten_with_path(structure):
    """``[(path, leaf), ...]``: each leaf with the tuple of keys/indices leading to it."""
    out = []

    def walk(x, path):
        if is_nested(x):
            for key, child in _children(x):
                walk(child, path + (key,))
        else:
            out.append((path, x))

    walk(structure, ())
    return out


def assert_same_paths(a, b):
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same leaf paths (container types may differ)."""
    paths_a = {p for p, _ in flatten_with_path(a)}
    paths_b = {p for p, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(
            "The two structures don't have the same paths. "
            f"Only in the first: {sorted(paths_a - paths_b, key=str)}; "
            f"only in the second: {sorted(paths_b - paths_a, key=str)}."
        )


def lists_to_tuples(structure):
    """The same structure with every list turned into a tuple."""
    if not is_nested(structure):
        return structure
    items = [lists_to_tuples(child) for _, child in _children(structure)]
    if isinstance(structure, list):
        return tuple(items)
    return _rebuild(structure, items)


def _is_shape(x):
    return isinstance(x, (list, tuple)) and not hasattr(x, "_fields") and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in x)


def map_shape_structure(fn, structure):
    """``map_structure`` that treats shapes (tuples/lists of ints and ``None``) as leaves."""
    if _is_shape(structure) or not is_nested(structure):
        return fn(structure)
    return _rebuild(structure, [map_shape_structure(fn, child) for _, child in _children(structure)])


def map_structure_up_to(shallow_structure, fn, *structures):
    """Apply ``fn`` to the sub-structures of ``structures`` found at the leaves of ``shallow_structure``."""
    if not structures:
        raise ValueError("map_structure_up_to needs at least one structure to map over.")

    def walk(shallow, parts):
        if not is_nested(shallow):
            return fn(*parts)
        keys = [k for k, _ in _children(shallow)]
        for part in parts:
            if not is_nested(part) or len(part) != len(keys):
                raise ValueError(
                    f"map_structure_up_to: the structure {part!r} does not match the shallow structure "
                    f"{shallow!r} (expected a container of {len(keys)} items)."
                )
        items = []
        for key, child in _children(shallow):
            items.append(walk(child, [p[key] for p in parts]))
        return _rebuild(shallow, items)

    return walk(shallow_structure, list(structures))


def traverse(fn, structure, top_down=True):
    """Walk ``structure`` calling ``fn`` on every node (containers and leaves).

    Top-down, a non-``None`` result replaces the node and its subtree is not
    visited; ``None`` keeps the node and visits its children. Bottom-up,
    children are visited first and ``fn`` then sees the node rebuilt from
    them; ``None`` keeps it. Returning ``MAP_TO_NONE`` puts ``None`` there.
    """
    def resolve(result, default):
        if result is None:
            return default
        return None if result is MAP_TO_NONE else result

    def down(x):
        result = fn(x)
        if result is not None:
            return None if result is MAP_TO_NONE else result
        if not is_nested(x):
            return x
        return _rebuild(x, [down(child) for _, child in _children(x)])

    def up(x):
        if is_nested(x):
            x = _rebuild(x, [up(child) for _, child in _children(x)])
        return resolve(fn(x), x)

    return down(structure) if top_down else up(structure)
