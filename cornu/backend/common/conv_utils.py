"""Engine-independent arithmetic of convolution and pooling (pure Python).

Padding follows TensorFlow's rules, which Keras 3 keeps on every engine:
``"same"`` gives ``ceil(length / stride)`` outputs and pads
``max((out - 1) * stride + effective_kernel - length, 0)`` in total, the odd
element going to the end.  Transposed convolutions follow Keras's
output-length rules (see ``conv_transpose_plan``).
"""


def normalize_tuple(value, n, name, op="conv"):
    """``value`` (int or sequence of ``n`` ints) as a tuple of ``n`` positive ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        out = (value,) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except TypeError:
            raise ValueError(
                f"`{name}` of `{op}` must be an int or a sequence of {n} ints; received {value!r}."
            ) from None
        if len(out) != n:
            raise ValueError(
                f"`{name}` of `{op}` must have {n} element(s) for {n}D inputs; received {value!r}."
            )
    if any(v < 1 for v in out):
        raise ValueError(f"`{name}` of `{op}` must be positive; received {value!r}.")
    return out


def standardize_padding(padding, op="conv", allowed=("valid", "same")):
    """Lower-case ``padding`` and check it is one of ``allowed``."""
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"`padding` of `{op}` must be one of {list(allowed)}; received {padding!r}.")
    return value


def effective_kernel(kernel, dilation):
    """The extent of a dilated kernel: ``(kernel - 1) * dilation + 1``."""
    return (kernel - 1) * dilation + 1


def same_padding(length, kernel, stride, dilation=1):
    """``(before, after)`` padding of TensorFlow's ``"same"`` mode for one axis."""
    k = effective_kernel(kernel, dilation)
    out = -(-length // stride)
    total = max((out - 1) * stride + k - length, 0)
    return total // 2, total - total // 2


def padding_pairs(spatial_shape, kernel, strides, dilation, padding):
    """Per-axis ``(before, after)`` pads (all zero for ``"valid"``)."""
    if padding == "valid":
        return [(0, 0)] * len(spatial_shape)
    return [same_padding(n, k, s, d) for n, k, s, d in zip(spatial_shape, kernel, strides, dilation)]


def conv_output_length(length, kernel, stride, padding, dilation=1):
    """Keras's output length of a convolution or pooling along one axis (None stays None)."""
    if length is None:
        return None
    k = effective_kernel(kernel, dilation)
    if padding == "same":
        return -(-length // stride)
    if padding == "causal":
        return -(-length // stride)
    return max((length - k) // stride + 1, 0) if length >= k else 0


def conv_transpose_output_length(length, kernel, stride, padding, output_padding=None, dilation=1):
    """Keras's output length of a transposed convolution along one axis (None stays None).

    Without ``output_padding``: ``length * stride + max(k - stride, 0)`` for
    ``"valid"`` and ``length * stride`` for ``"same"``; with it:
    ``(length - 1) * stride + k - 2 * pad + output_padding`` where
    ``pad = k // 2`` for ``"same"`` and ``0`` for ``"valid"`` (``k`` the
    dilated kernel extent).
    """
    if length is None:
        return None
    k = effective_kernel(kernel, dilation)
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(k - stride, 0)
        return length * stride
    pad = k // 2 if padding == "same" else 0
    return (length - 1) * stride + k - 2 * pad + output_padding


def conv_transpose_plan(length, kernel, stride, padding, output_padding=None, dilation=1):
    """``(out_length, offset)`` locating the output inside the full transposed convolution.

    The full transposed convolution has length ``(length - 1) * stride + k``;
    the result is ``full[offset : offset + out_length]``, with zeros past its
    end when ``out_length`` reaches beyond it.  The offset equals the leading
    pad TensorFlow would use in the matching forward convolution.
    """
    k = effective_kernel(kernel, dilation)
    out = conv_transpose_output_length(length, kernel, stride, padding, output_padding, dilation)
    if padding == "valid":
        return out, 0
    if output_padding is None:
        pad_len = stride + k - 2
    else:
        pad_len = k + k % 2 - 2 + output_padding
    left = min(pad_len // 2 + pad_len % 2, k - 1)
    return out, (k - 1) - left


def check_output_padding(output_padding, n, op="conv_transpose"):
    """``output_padding`` as a tuple of ``n`` non-negative ints (or None)."""
    if output_padding is None:
        return None
    if isinstance(output_padding, int) and not isinstance(output_padding, bool):
        output_padding = (output_padding,) * n
    try:
        output_padding = tuple(int(p) for p in output_padding)
    except TypeError:
        raise ValueError(
            f"`output_padding` of `{op}` must be None, an int or {n} ints; received {output_padding!r}."
        ) from None
    if len(output_padding) != n or any(p < 0 for p in output_padding):
        raise ValueError(
            f"`output_padding` of `{op}` must be {n} non-negative int(s); received {output_padding!r}."
        )
    return output_padding
