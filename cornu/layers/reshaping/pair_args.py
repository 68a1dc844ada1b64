"""Parsing of ``(before, after)`` amounts for cropping and zero-padding layers."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def pairs(layer, value, n, arg):
    """``value`` as ``n`` ``(before, after)`` pairs of non-negative ints.

    Accepts an int (the same on both sides of every axis), ``n`` ints (the same
    on both sides of each axis) or ``n`` pairs.  For ``n == 1`` a pair of ints
    means ``(before, after)``.
    """
    def fail():
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}': `{arg}` must be an int, a tuple of {n} "
            f"int(s) or a tuple of {n} (before, after) pair(s) of non-negative ints; received {arg}={value!r}."
        )

    if _is_int(value):
        out = ((value, value),) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            fail()
        if n == 1 and len(items) == 2 and all(_is_int(v) for v in items):
            out = (items,)
        elif len(items) == n and all(_is_int(v) for v in items):
            out = tuple((v, v) for v in items)
        elif len(items) == n:
            out = []
            for item in items:
                try:
                    pair = tuple(item)
                except TypeError:
                    fail()
                if len(pair) != 2 or not all(_is_int(v) for v in pair):
                    fail()
                out.append(pair)
            out = tuple(out)
        else:
            fail()
    if any(v < 0 for pair in out for v in pair):
        fail()
    return tuple(tuple(p) for p in out)


def spatial_slice(data_format, n):
    """``(first spatial axis, channel axis)`` for a rank-``n + 2`` input."""
    return (2, 1) if data_format == "channels_first" else (1, n + 1)
