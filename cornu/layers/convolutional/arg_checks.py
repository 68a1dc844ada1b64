"""Argument checks shared by the convolution, pooling and reshaping layers.

Each error names the layer, the argument, what was received and what was
expected.
"""


def _where(layer):
    return f"{type(layer).__name__} layer '{layer.name}'"


def int_tuple(layer, value, n, arg, allow_zero=False):
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints (positive unless ``allow_zero``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        out = (value,) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            out = None
        if out is None or len(out) != n or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in out):
            raise ValueError(
                f"{_where(layer)}: the `{arg}` argument must be an int or a tuple of {n} ints; "
                f"received {arg}={value!r}."
            )
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"{_where(layer)}: the `{arg}` argument must contain {kind} ints; received {arg}={value!r}."
        )
    return out


def positive_int(layer, value, arg):
    """``value`` checked to be a positive int."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{_where(layer)}: the `{arg}` argument must be a positive int; received {arg}={value!r}."
        )
    return value


def padding_mode(layer, value, allowed=("valid", "same")):
    """Lower-cased ``padding`` checked against ``allowed``."""
    mode = value.lower() if isinstance(value, str) else value
    if mode not in allowed:
        raise ValueError(
            f"{_where(layer)}: the `padding` argument must be one of {list(allowed)}; "
            f"received padding={value!r}."
        )
    return mode


def channels_of(layer, input_shape, data_format):
    """The (known) channel count of ``input_shape``."""
    channels = input_shape[1] if data_format == "channels_first" else input_shape[-1]
    if channels is None:
        raise ValueError(
            f"{_where(layer)}: the channel dimension of the inputs must be known; received input "
            f"shape {tuple(input_shape)} with data_format={data_format!r}."
        )
    return int(channels)


def check_rank(layer, input_shape, rank):
    """The input must be ``rank + 2``-dimensional (batch, spatial..., channels)."""
    if len(input_shape) != rank + 2:
        raise ValueError(
            f"{_where(layer)}: expected inputs of rank {rank + 2} (batch, {rank} spatial dim(s), "
            f"channels); received input shape {tuple(input_shape)}."
        )
