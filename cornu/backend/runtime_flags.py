"""Run-time switches Keras 3 keeps in ``keras.config``: caps on epochs and steps,
interactive logging, flash attention, traceback filtering.

``max_epochs``/``max_steps_per_epoch`` start from ``CORNU_MAX_EPOCHS`` /
``CORNU_MAX_STEPS_PER_EPOCH`` (or Keras's ``KERAS_MAX_EPOCHS`` /
``KERAS_MAX_STEPS_PER_EPOCH``) when set: a debugging aid that shortens every
``fit`` without touching the script.
"""
import os


def _env_int(*names):
    for name in names:
        value = os.environ.get(name)
        if value:
            try:
                return int(value)
            except ValueError:
                raise ValueError(f"Environment variable {name} must be an integer; received {value!r}.") from None
    return None


_state = {
    "max_epochs": _env_int("CORNU_MAX_EPOCHS", "KERAS_MAX_EPOCHS"),
    "max_steps_per_epoch": _env_int("CORNU_MAX_STEPS_PER_EPOCH", "KERAS_MAX_STEPS_PER_EPOCH"),
    "interactive_logging": True,
    "flash_attention": None,
    "traceback_filtering": True,
}


def _check_limit(name, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")


def max_epochs():
    """The cap on ``fit``'s epochs (``None``: no cap)."""
    return _state["max_epochs"]


def set_max_epochs(max_epochs):
    """Cap the number of epochs every ``fit`` runs (``None`` removes the cap); for debugging."""
    _check_limit("max_epochs", max_epochs)
    _state["max_epochs"] = max_epochs


def max_steps_per_epoch():
    """The cap on the steps of each epoch of ``fit``/``evaluate``/``predict`` (``None``: no cap)."""
    return _state["max_steps_per_epoch"]


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of every epoch (``None`` removes the cap); for debugging."""
    _check_limit("max_steps_per_epoch", max_steps_per_epoch)
    _state["max_steps_per_epoch"] = max_steps_per_epoch


def enable_interactive_logging():
    """Progress bars and messages go to standard output (the default)."""
    _state["interactive_logging"] = True


def disable_interactive_logging():
    """Progress bars and messages go to Python's ``logging`` (logger ``"cornu"``) instead of stdout."""
    _state["interactive_logging"] = False


def is_interactive_logging_enabled():
    """True while progress output is printed to standard output."""
    return _state["interactive_logging"]


def enable_flash_attention():
    """Record a preference for flash attention (torch and XLA pick their attention kernels themselves)."""
    _state["flash_attention"] = True


def disable_flash_attention():
    """Record a preference against flash attention (torch and XLA pick their attention kernels themselves)."""
    _state["flash_attention"] = False


def is_flash_attention_enabled():
    """``True``/``False`` once set; ``None`` (the default) lets the engine choose."""
    return _state["flash_attention"]


def enable_traceback_filtering():
    """Recorded for Keras compatibility; cornu never shortens tracebacks."""
    _state["traceback_filtering"] = True


def disable_traceback_filtering():
    """Recorded for Keras compatibility; cornu never shortens tracebacks."""
    _state["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    """The traceback-filtering flag (cornu shows full tracebacks either way)."""
    return _state["traceback_filtering"]


def is_nnx_enabled():
    """Always ``False``: Flax NNX integration is not part of cornu."""
    return False
