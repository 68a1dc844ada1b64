"""One deprecation warning per legacy spelling per process, pointing at the user's line."""
import os
import sys
import warnings

_WARNED = set()
_HERE = os.path.dirname(os.path.abspath(__file__))
_LAYER_BASE = os.path.join(os.path.dirname(_HERE), "layers", "layer.py")


def _user_stacklevel():
    """The ``stacklevel`` of the first frame outside the import system and this room.

    ``warnings`` itself skips ``importlib._bootstrap`` frames when counting, so they
    are walked past without being counted.
    """
    frame = sys._getframe(2)  # the caller of `warn_once`
    level = 2
    while frame is not None:
        filename = frame.f_code.co_filename
        bootstrap = "importlib" in filename and "_bootstrap" in filename
        internal = bootstrap or os.path.dirname(filename) == _HERE or filename == _LAYER_BASE
        if not internal:
            return level
        frame = frame.f_back
        if not bootstrap:
            level += 1
    return 2


def warn_once(key, message, category=DeprecationWarning):
    """Warn ``message`` the first time ``key`` is seen in this process; later calls are silent."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    warnings.warn(message, category, stacklevel=_user_stacklevel())


def reset_warned():
    """Forget which spellings were warned about (for tests)."""
    _WARNED.clear()


__all__ = ["warn_once", "reset_warned"]
