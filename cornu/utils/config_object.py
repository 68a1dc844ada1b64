"""``Config`` (``keras.utils.Config``): a dict of named values also reachable as attributes,
which can be frozen against changes and written as JSON."""
import difflib
import json

_OWN = frozenset({"_config", "_frozen"})


class Config:
    """A dict-like container of named values.

    Values are set and read either as attributes (``config.seed = 1``) or as
    items (``config["seed"]``).  ``freeze()`` makes every later change raise
    ``ValueError`` until ``unfreeze()``.  ``keys()``, ``values()`` and
    ``items()`` follow insertion order; iterating yields the keys sorted.

    Args:
        **kwargs: the initial entries.

    Example:
        >>> config = Config(learning_rate=0.1)
        >>> config.momentum = 0.9
        >>> config["momentum"]
        0.9
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """True while the config refuses changes."""
        return self._frozen

    def freeze(self):
        """Refuse every later change (set, update, pop, delete) until ``unfreeze()``."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Allow changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_mutable(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen. Call `config.unfreeze()` "
                             "first.")

    def as_dict(self):
        """A shallow copy of the entries as a plain dict."""
        return dict(self._config)

    def to_json(self):
        """The entries as a JSON string."""
        return json.dumps(self._config)

    def keys(self):
        """The entry names (insertion order)."""
        return self._config.keys()

    def values(self):
        """The entry values (insertion order)."""
        return self._config.values()

    def items(self):
        """The ``(name, value)`` pairs (insertion order)."""
        return self._config.items()

    def get(self, keyname, value=None):
        """The value of ``keyname``, or ``value`` when absent."""
        return self._config.get(keyname, value)

    def pop(self, *args):
        """Remove an entry and return its value, as ``dict.pop`` (refused when frozen)."""
        self._check_mutable()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        """Add or replace entries, as ``dict.update`` (refused when frozen)."""
        self._check_mutable()
        self._config.update(*args, **kwargs)

    def __setattr__(self, name, value):
        if name in _OWN or hasattr(type(self), name):
            # The class's own names (methods, ``frozen``) are not entries.
            if name in _OWN:
                return object.__setattr__(self, name, value)
            raise AttributeError(f"Cannot set attribute {name!r}: it is a method or property of Config. "
                                 f'Use item access instead: config["{name}"] = ...')
        self._check_mutable()
        self._config[name] = value

    def __getattr__(self, name):  # only reached when normal lookup fails
        if name.startswith("__") or name in _OWN:
            raise AttributeError(name)
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        message = f"Unknown attribute: '{name}'."
        close = difflib.get_close_matches(name, [str(k) for k in config], n=1, cutoff=0.7)
        if close:
            message += f" Did you mean '{close[0]}'?"
        raise AttributeError(message)

    def __delattr__(self, name):
        if name in self._config:
            self._check_mutable()
            del self._config[name]
        else:
            raise AttributeError(f"Unknown attribute: '{name}'.")

    def __setitem__(self, key, value):
        self._check_mutable()
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._check_mutable()
        del self._config[key]

    def __contains__(self, key):
        return key in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"


__all__ = ["Config"]
