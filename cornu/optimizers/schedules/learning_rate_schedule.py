"""The ``LearningRateSchedule`` base class and schedule (de)serialization."""
from cornu import backend
from cornu import ops
from cornu import serialization

MODULE = "keras.optimizers.schedules"


class LearningRateSchedule:
    """Base class of learning rate schedules.

    A schedule is a callable ``schedule(step) -> learning_rate``: ``step`` is
    the optimizer's step counter (an integer scalar tensor or variable) and
    the result is a float scalar tensor. Pass a schedule as the
    ``learning_rate`` of any optimizer to vary the rate during training.

    Subclasses implement ``__call__(step)`` with ``cornu.ops`` only (so the
    schedule can be traced by ``jax.jit``) and ``get_config()`` returning every
    constructor argument, which makes them serializable.

    Example:

    ```python
    class InverseStep(LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / (ops.cast(step, "float32") + 1)

        def get_config(self):
            return {"initial_learning_rate": self.initial_learning_rate}
    ```
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override "
            "`__call__(self, step)`."
        )

    def get_config(self):
        """The constructor arguments of this schedule, as a JSON-able dict."""
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override "
            "`get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        """Create a schedule from the output of ``get_config()``."""
        return cls(**config)


def float_tensor(value):
    """``value`` as a float tensor: Python ints and floats become ``floatx``."""
    x = ops.convert_to_tensor(value)
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    return x


def step_as(step, dtype):
    """The step counter (tensor, variable or number) cast to ``dtype``."""
    return ops.cast(ops.convert_to_tensor(step), dtype)


def serialize(learning_rate_schedule):
    """Return the Keras config dict of a ``LearningRateSchedule``.

    The result has the form ``{"module": "keras.optimizers.schedules",
    "class_name": ..., "config": {...}, "registered_name": ...}``.
    """
    return serialization.serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuild a ``LearningRateSchedule`` from ``serialize`` output (or a class name).

    Args:
        config: a dict such as ``{"class_name": "ExponentialDecay", "config": {...}}``.
        custom_objects: optional dict of user-defined schedule classes by name.
    """
    return serialization.deserialize_keras_object(
        config,
        module_objects=serialization.builtin_objects(MODULE),
        custom_objects=custom_objects,
        printable_module_name="decay",
    )
