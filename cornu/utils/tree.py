"""Nested-structure helpers (lists, tuples, dicts, None leaves) used everywhere.

A *structure* is any nesting of lists, tuples, namedtuples and dicts; every
other object is a leaf.  Dicts are walked in sorted-key order, as Keras does.
"""


def is_nested(x):
    """True for lists, tuples and dicts."""
    return isinstance(x, (list, tuple, dict))


def sorted_items(d):
    """``[(key, value), ...]`` of a dict in flattening order (sorted keys when they sort)."""
    try:
        keys = sorted(d)
    except TypeError:
        keys = list(d)
    return [(k, d[k]) for k in keys]


def flatten(structure):
    """Return the leaves of ``structure`` as a flat list."""
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for _, v in sorted_items(x):
            _flatten_into(v, out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _flatten_into(v, out)
    else:
        out.append(x)


def map_structure(fn, *structures):
    """Apply ``fn`` to matching leaves of one or more structures."""
    first = structures[0]
    if isinstance(first, dict):
        return {k: map_structure(fn, *[s[k] for s in structures]) for k in first}
    if isinstance(first, (list, tuple)):
        items = [map_structure(fn, *parts) for parts in zip(*structures)]
        if isinstance(first, tuple) and hasattr(first, "_fields"):
            return type(first)(*items)
        return type(first)(items)
    return fn(*structures)


def pack_sequence_as(structure, flat):
    """Rebuild ``structure`` with the leaves taken in order from ``flat``."""
    flat = list(flat)
    pos = [0]

    def build(s):
        if isinstance(s, dict):
            built = {k: build(v) for k, v in sorted_items(s)}
            return {k: built[k] for k in s}
        if isinstance(s, (list, tuple)):
            items = [build(v) for v in s]
            if isinstance(s, tuple) and hasattr(s, "_fields"):
                return type(s)(*items)
            return type(s)(items)
        value = flat[pos[0]]
        pos[0] += 1
        return value

    result = build(structure)
    if pos[0] != len(flat):
        raise ValueError(
            f"pack_sequence_as: the structure has {pos[0]} leaves but {len(flat)} values were given."
        )
    return result


def assert_same_structure(a, b):
    """Raise ``ValueError`` when ``a`` and ``b`` are not nested the same way."""
    if isinstance(a, dict) != isinstance(b, dict) or (
        isinstance(a, (list, tuple)) != isinstance(b, (list, tuple))
    ):
        raise ValueError(f"Structures differ: {a!r} vs {b!r}")
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError(f"Dict keys differ: {sorted(a)} vs {sorted(b)}")
        for k in a:
            assert_same_structure(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        if len(a) != len(b):
            raise ValueError(f"Sequence lengths differ: {len(a)} vs {len(b)}")
        for x, y in zip(a, b):
            assert_same_structure(x, y)
