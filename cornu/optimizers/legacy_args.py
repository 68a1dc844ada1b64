"""Keras 1/2 optimizer arguments: ``lr=``, ``decay=`` and Keras 2 config leftovers."""
import warnings

# Keys Keras 2.11+ writes in optimizer configs that have no effect here.
_IGNORED_CONFIG_KEYS = ("jit_compile", "is_legacy_optimizer")


class UnrecognizedArgumentError(TypeError, ValueError):
    """An unknown optimizer keyword argument (a ``TypeError``; also a ``ValueError`` as in Keras)."""


def pop_legacy_kwargs(class_name, learning_rate, kwargs):
    """Consume the legacy keyword arguments in ``kwargs``; reject anything else.

    Returns ``(learning_rate, decay)``: ``lr=`` replaces ``learning_rate``
    and ``decay`` is the Keras 2 time-based decay (``0.0`` when absent).
    Each legacy argument gives one ``DeprecationWarning``.
    """
    if "lr" in kwargs:
        warnings.warn(
            f"{class_name}: the `lr` argument is deprecated, use `learning_rate` instead.",
            DeprecationWarning,
            stacklevel=4,
        )
        learning_rate = kwargs.pop("lr")
    decay = kwargs.pop("decay", None)
    if decay is not None:
        decay = float(decay)
        if decay < 0:
            raise ValueError(f"{class_name}: `decay` cannot be less than 0. Received: decay={decay}")
        if decay != 0:
            warnings.warn(
                f"{class_name}: the `decay` argument is deprecated; it is applied as Keras 2 "
                "time-based decay `lr / (1 + decay * iterations)`. Use a "
                "`cornu.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, "
                "decay_rate=decay)` learning rate instead.",
                DeprecationWarning,
                stacklevel=4,
            )
    for key in _IGNORED_CONFIG_KEYS:
        kwargs.pop(key, None)
    if kwargs:
        names = ", ".join(repr(k) for k in sorted(kwargs))
        raise UnrecognizedArgumentError(
            f"{class_name} got unexpected keyword argument(s): {names}. "
            f"Argument(s) not recognized: {kwargs}"
        )
    return learning_rate, decay or 0.0


def warn_lr_attribute(optimizer):
    """Warn once per optimizer that ``optimizer.lr`` is the Keras 1/2 spelling."""
    if not getattr(optimizer, "_warned_lr_attribute", False):
        optimizer._warned_lr_attribute = True
        warnings.warn(
            "`optimizer.lr` is deprecated, use `optimizer.learning_rate` instead.",
            DeprecationWarning,
            stacklevel=3,
        )
