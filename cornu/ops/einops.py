"""``rearrange``: einops-style axis rearrangement (``cornu.ops.rearrange``).

A pattern such as ``"b (h p) w c -> b h (p w c)"`` names the axes of the input
(left) and of the output (right).  Parentheses group axes that share one
dimension (split on the left, merged on the right); ``1`` or ``()`` is an axis
of length 1; ``...`` stands for any number of axes, once per side.  Both sides
must name the same axes.  The op is a reshape, a transpose and a reshape,
written once over ``cornu.ops``.
"""
import math
import re

from cornu.ops import core as _core
from cornu.ops import numpy as _np
from cornu.ops.operation import make_op

_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+|\S")
_ELLIPSIS = "..."


def _error(pattern, message):
    return ValueError(f"`rearrange`: {message}. Received: pattern={pattern!r}")


def _parse_side(text, pattern, side):
    """A side of the pattern as a list of groups: a list of axis names (``[]`` for ``1``), or the bare
    string ``"..."`` for an ellipsis outside parentheses."""
    groups, current = [], None
    for token in _TOKEN.findall(text):
        if token == "(":
            if current is not None:
                raise _error(pattern, f"nested parentheses on the {side} side")
            current = []
        elif token == ")":
            if current is None:
                raise _error(pattern, f"unbalanced ')' on the {side} side")
            groups.append(current)
            current = None
        elif token == _ELLIPSIS or token.isidentifier() or token == "1":
            axes = [] if token == "1" else [token]
            if current is not None:
                current.extend(axes)
            else:
                groups.append(_ELLIPSIS if token == _ELLIPSIS else axes)
        elif token.isdigit():
            raise _error(pattern, f"only the anonymous axis 1 is allowed, got {token!r} on the {side} side")
        else:
            raise _error(pattern, f"unexpected {token!r} on the {side} side")
    if current is not None:
        raise _error(pattern, f"unbalanced '(' on the {side} side")
    names = _names(groups)
    repeated = sorted({a for a in names if names.count(a) > 1})
    if repeated:
        raise _error(pattern, f"axes {repeated} appear more than once on the {side} side")
    return groups


def _names(groups):
    return [a for g in groups for a in ([g] if g == _ELLIPSIS else g)]


def _expand_ellipsis(groups, count):
    """Replace ``...`` by ``count`` generated axis names (inside or outside a group)."""
    dots = [f"...{i}" for i in range(count)]
    out = []
    for group in groups:
        if group == _ELLIPSIS:
            out.extend([name] for name in dots)
        else:
            out.append([a for name in group for a in (dots if name == _ELLIPSIS else [name])])
    return out


def _axis_sizes(left, shape, axes_lengths, pattern):
    """The length of every named axis of the left side, checked against ``shape``."""
    sizes = {}
    for group, dim in zip(left, shape):
        known = [a for a in group if a in axes_lengths]
        unknown = [a for a in group if a not in axes_lengths]
        product = math.prod(axes_lengths[a] for a in known)
        if len(unknown) > 1:
            raise _error(pattern, f"cannot infer the lengths of {unknown} from one dimension of {dim}: "
                                  f"give all but one of them as keyword arguments")
        if unknown:
            if dim % product:
                raise _error(pattern, f"dimension {dim} is not divisible by {product} (axes {known})")
            sizes[unknown[0]] = dim // product
        elif product != dim:
            raise _error(pattern, f"axes {group} have total length {product}, but the dimension is {dim}")
        sizes.update({a: axes_lengths[a] for a in known})
    return sizes


def _rearrange(tensor, pattern, **axes_lengths):
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"`rearrange`: argument `pattern` must be a string with one '->', "
                         f"such as 'b h w c -> b c h w'. Received: pattern={pattern!r}")
    for name, value in axes_lengths.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`rearrange`: axis lengths must be positive integers. Received: {name}={value!r}")
    lhs, rhs = pattern.split("->")
    left, right = _parse_side(lhs, pattern, "left"), _parse_side(rhs, pattern, "right")
    if any(g != _ELLIPSIS and _ELLIPSIS in g for g in left):
        raise _error(pattern, "'...' cannot be inside parentheses on the left side")
    left_names, right_names = set(_names(left)), set(_names(right))
    if left_names != right_names:
        raise _error(pattern, f"both sides must name the same axes; only on the left: "
                              f"{sorted(left_names - right_names)}, only on the right: {sorted(right_names - left_names)}")
    unused = sorted(set(axes_lengths) - left_names)
    if unused:
        raise _error(pattern, f"axis lengths given for axes not in the pattern: {unused}")

    tensor = _core.convert_to_tensor(tensor)
    shape = tuple(tensor.shape)
    rank = len(left) - (1 if _ELLIPSIS in left_names else 0)
    if (len(shape) < rank) if _ELLIPSIS in left_names else (len(shape) != rank):
        raise _error(pattern, f"the left side names {rank} axes{' or more' if _ELLIPSIS in left_names else ''}, "
                              f"but the tensor has shape {shape}")
    dots = len(shape) - rank
    left, right = _expand_ellipsis(left, dots), _expand_ellipsis(right, dots)
    sizes = _axis_sizes(left, shape, axes_lengths, pattern)

    order = [a for g in left for a in g]
    target = [a for g in right for a in g]
    tensor = _np.reshape(tensor, [sizes[a] for a in order])  # split groups, drop unit axes
    if order != target:
        tensor = _np.transpose(tensor, [order.index(a) for a in target])
    return _np.reshape(tensor, [math.prod(sizes[a] for a in g) for g in right])  # merge groups


rearrange = make_op(_rearrange, "rearrange", (
    "Rearrange the axes of ``tensor`` by an einops pattern, e.g. "
    "``rearrange(x, 'b (h p1) (w p2) c -> b h w (p1 p2 c)', p1=2, p2=2)``: split grouped input axes "
    "(lengths given as keywords, one per group may be inferred), permute, merge grouped output axes; "
    "``1`` or ``()`` is a unit axis and ``...`` any number of axes."))

__all__ = ["rearrange"]
