"""``Initializer``: the base class of every weight initializer."""
import inspect


class Initializer:
    """Base class of initializers: callables ``(shape, dtype=None) -> tensor``.

    Subclasses implement ``__call__(shape, dtype=None)`` and, when they take
    arguments, ``get_config()`` returning them; the default ``from_config``
    passes the config back to the constructor.

    Example::

        class Halves(Initializer):
            def __call__(self, shape, dtype=None):
                return ops.full(shape, 0.5, dtype=dtype or backend.floatx())
    """

    def __call__(self, shape, dtype=None):
        """Return a tensor of ``shape`` and ``dtype`` (default ``floatx()``)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(self, shape, dtype=None)`."
        )

    def get_config(self):
        """The constructor arguments of this initializer, as a JSON-able dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Rebuild an initializer from ``get_config()`` output.

        A ``dtype`` entry (written into configs by tf.keras 1.x/2.x) is dropped
        when the constructor does not take one.
        """
        config = dict(config)
        if "dtype" in config:
            params = {} if cls.__init__ is object.__init__ else inspect.signature(cls.__init__).parameters
            if "dtype" not in params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
                config.pop("dtype")
        return cls(**config)

    def clone(self):
        """A new initializer of the same class and config."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
