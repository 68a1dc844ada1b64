"""Safe mode: loading never runs code from a file unless the user turns it off."""
import threading

_state = threading.local()


class SafeModeScope:
    """``with SafeModeScope(False):`` allows, e.g., Lambda bytecode to be loaded."""

    def __init__(self, safe_mode=True):
        self.safe_mode = bool(safe_mode)

    def __enter__(self):
        self._prev = getattr(_state, "safe_mode", None)
        _state.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _state.safe_mode = self._prev
        return False


def in_safe_mode():
    """True unless a ``SafeModeScope(False)`` or ``enable_unsafe_deserialization()`` is active."""
    value = getattr(_state, "safe_mode", None)
    if value is None:
        return not _GLOBAL_UNSAFE[0]
    return value


_GLOBAL_UNSAFE = [False]


def enable_unsafe_deserialization():
    """Process-wide opt-out of safe mode (as ``keras.config.enable_unsafe_deserialization``)."""
    _GLOBAL_UNSAFE[0] = True
