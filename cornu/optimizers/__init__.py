"""``cornu.optimizers``: optimizers and learning rate schedules (``keras.optimizers``)."""
from cornu import serialization as _serialization
from cornu.optimizers import schedules
from cornu.optimizers.adadelta import Adadelta
from cornu.optimizers.adafactor import Adafactor
from cornu.optimizers.adagrad import Adagrad
from cornu.optimizers.adam import Adam
from cornu.optimizers.adamax import Adamax
from cornu.optimizers.adamw import AdamW
from cornu.optimizers.base_optimizer import BaseOptimizer, Optimizer
from cornu.optimizers.ftrl import Ftrl
from cornu.optimizers.lamb import Lamb
from cornu.optimizers.lion import Lion
from cornu.optimizers.loss_scale_optimizer import LossScaleOptimizer
from cornu.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from cornu.optimizers.muon import Muon
from cornu.optimizers.nadam import Nadam
from cornu.optimizers.rmsprop import RMSprop
from cornu.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from cornu.optimizers.sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Ftrl",
    "Lion",
    "Adafactor",
    "Lamb",
    "LossScaleOptimizer",
    "Muon",
    "ScheduleFreeAdamW",
    "MultiOptimizer",
    "OptimizerMap",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]

_MODULE = "keras.optimizers"
_ALL = (Optimizer, SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Adafactor,
        Lamb, LossScaleOptimizer, Muon, ScheduleFreeAdamW)
for _cls in _ALL:
    _serialization.register_builtin(_MODULE, _cls)
del _cls
_serialization.register_builtin(_MODULE, MultiOptimizer)  # not in _ALL: no default construction by name
_serialization.register_builtin(_MODULE, OptimizerMap)


def _module_objects():
    objects = {cls.__name__: cls for cls in _ALL}
    objects.update({cls.__name__.lower(): cls for cls in _ALL})
    return objects


def serialize(optimizer):
    """Return the Keras config dict of an optimizer.

    ``{"module": "keras.optimizers", "class_name": ..., "config": {...},
    "registered_name": ...}``.
    """
    return _serialization.serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Rebuild an optimizer from ``serialize`` output (class names match case-insensitively).

    Args:
        config: a dict ``{"class_name": ..., "config": {...}}``.
        custom_objects: optional dict of user-defined optimizer classes by name.
    """
    objects = _module_objects()
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        lowered = config["class_name"].lower()
        if lowered in objects and config["class_name"] not in objects:
            config = dict(config, class_name=lowered)
    return _serialization.deserialize_keras_object(
        config, module_objects=objects, custom_objects=custom_objects,
        printable_module_name="optimizer",
    )


def get(identifier):
    """Resolve an optimizer from a name, a config dict or an instance.

    ``"adam"``, ``"Adam"``, ``"rmsprop"``, ``"sgd"``, ``"lamb"``... (any built-in class
    name, case-insensitive) give a new optimizer with default arguments; a
    dict is passed to ``deserialize``; an ``Optimizer`` is returned as is.
    ``None`` gives ``None``.

    Raises:
        ValueError: ``Could not interpret optimizer identifier: ...``.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    obj = None
    try:
        if isinstance(identifier, dict):
            obj = deserialize(identifier)
        elif isinstance(identifier, str):
            cls = _module_objects().get(identifier.lower())
            if cls is None:
                cls = _serialization.get_registered_object(identifier)
            obj = cls() if isinstance(cls, type) else cls
    except ValueError:
        obj = None
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
