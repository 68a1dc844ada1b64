"""Argument checks shared by the recurrent layers (errors name the layer and the argument)."""


def check_units(layer, units, arg="units"):
    """``units`` must be a positive int."""
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"Received an invalid value for argument `{arg}` of layer '{layer.name}' "
            f"({type(layer).__name__}): expected a positive integer, got {units!r}."
        )
    return units


def check_rate(layer, value, arg):
    """A dropout rate: a number in ``[0, 1]``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"Received an invalid value for argument `{arg}` of layer '{layer.name}' "
            f"({type(layer).__name__}): expected a float between 0 and 1, got {value!r}."
        )
    return float(value)


def check_choice(layer, value, arg, choices):
    """``value`` must be one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"Received an invalid value for argument `{arg}` of layer '{layer.name}' "
            f"({type(layer).__name__}): expected one of {list(choices)}, got {value!r}."
        )
    return value
