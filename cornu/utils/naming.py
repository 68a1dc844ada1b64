"""Object naming: snake_case conversion and process-wide unique names.

Layers, models, metrics and other named objects get a default name derived
from their class name (``Conv2D`` -> ``conv2d``), made unique with a counter
per base name (``dense``, ``dense_1``, ``dense_2``, ...). ``reset_uids`` starts
every counter again; ``clear_session`` calls it.
"""

import collections
import re
import threading

__all__ = [
    "to_snake_case",
    "uniquify",
    "auto_name",
    "get_uid",
    "reset_uids",
    "get_object_name",
]

_NON_WORD = re.compile(r"\W+")
# A capitalised word (upper case letter followed by lower case letters) that
# is preceded by any character gets an underscore before it:
# "MaxPooling2D" -> "Max_Pooling2D", "GRUCell" -> "GRU_Cell".
_CAPITALISED_WORD = re.compile(r"(.)([A-Z][a-z]+)")
# A lower case letter directly followed by an upper case one is split too:
# "ReLU" -> "Re_LU".
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")

_lock = threading.Lock()
_name_uids = collections.defaultdict(int)


def to_snake_case(name):
    """Converts a CamelCase class name to the snake_case Keras uses for names.

    Characters that are not word characters are dropped first, then words are
    separated by underscores and the result is lower-cased, exactly as Keras 3
    does it::

        to_snake_case("Conv2D")              # "conv2d"
        to_snake_case("BatchNormalization")  # "batch_normalization"
        to_snake_case("MaxPooling2D")        # "max_pooling2d"
        to_snake_case("GRUCell")             # "gru_cell"
        to_snake_case("ReLU")                # "re_lu"

    Args:
        name: the string to convert.

    Returns:
        The snake_case string.
    """
    name = _NON_WORD.sub("", str(name))
    name = _CAPITALISED_WORD.sub(r"\1_\2", name)
    return _LOWER_UPPER.sub(r"\1_\2", name).lower()


def uniquify(name):
    """Returns ``name`` the first time, then ``name_1``, ``name_2``, ...

    One counter is kept per base name for the whole process (shared by all
    threads) until ``reset_uids`` is called.

    Args:
        name: the base name.

    Returns:
        A name not handed out before for this base name since the last reset.
    """
    with _lock:
        count = _name_uids[name]
        _name_uids[name] = count + 1
    return name if count == 0 else f"{name}_{count}"


def auto_name(prefix):
    """Returns a unique snake_case name built from ``prefix`` (a class name).

    ``auto_name("Dense")`` gives ``"dense"``, then ``"dense_1"``, and so on.
    """
    return uniquify(to_snake_case(prefix))


def get_uid(prefix=""):
    """Increments and returns the counter of ``prefix``: 1, 2, 3, ...

    The counter is the same one ``uniquify`` uses, as in Keras.

    Args:
        prefix: the string whose counter to advance.

    Returns:
        The new counter value (an int starting at 1).
    """
    with _lock:
        _name_uids[prefix] += 1
        return _name_uids[prefix]


def reset_uids():
    """Forgets every name counter, so names start again at ``dense``."""
    with _lock:
        _name_uids.clear()


def get_object_name(obj):
    """Returns a readable snake_case name for an object.

    The object's ``name`` attribute when it has one, else the snake_case
    form of its ``__name__`` (functions, classes), else of its class name.
    """
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)
