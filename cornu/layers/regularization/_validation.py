"""Argument checks shared by the regularization layers."""


def check_rate(layer_name, cls_name, value, arg="rate"):
    """Return ``value`` as a float in ``[0, 1]`` or raise a ``ValueError`` naming the layer."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"Invalid value received for argument `{arg}` of layer '{layer_name}' ({cls_name}): "
            f"expected a float between 0 and 1, got {value!r}."
        )
    return float(value)


def check_seed(layer_name, cls_name, seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(
            f"Invalid value received for argument `seed` of layer '{layer_name}' ({cls_name}): "
            f"expected an int or None, got {seed!r}."
        )
    return seed
