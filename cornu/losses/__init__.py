"""``cornu.losses`` (``keras.losses``): loss classes and functions, ``get``,
``serialize`` and ``deserialize``.

Functions such as ``mean_squared_error(y_true, y_pred)`` return one loss per
sample; classes such as ``MeanSquaredError()`` add sample weights, masks and
a reduction to one number. Short aliases (``"mse"``, ``"mae"``, ``"bce"``,
``"kld"``, ``"logcosh"``...) resolve through ``get``.
"""
import inspect

from cornu.losses.loss import (
    REDUCTIONS,
    Loss,
    LossFunctionWrapper,
    apply_mask,
    reduce_values,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    standardize_reduction,
)
from cornu.losses.losses import (
    CTC,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Dice,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    Tversky,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    categorical_hinge,
    circle,
    cosine_similarity,
    ctc,
    dice,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    tversky,
)
from cornu.serialization import register_builtin as _register_builtin
from cornu.serialization import registry as _registry
from cornu.serialization import serialize as _serialize


class Reduction:
    """The reduction names as constants (the Keras 2 ``losses.Reduction`` spelling).

    ``AUTO`` is accepted everywhere a reduction is and means
    ``"sum_over_batch_size"``.
    """

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    MEAN = "mean"
    MEAN_WITH_SAMPLE_WEIGHT = "mean_with_sample_weight"

    @classmethod
    def all(cls):
        """Every reduction name."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE, cls.MEAN,
                cls.MEAN_WITH_SAMPLE_WEIGHT)

    @classmethod
    def validate(cls, key):
        """Raise ``ValueError`` unless ``key`` is a reduction name."""
        standardize_reduction(key)


# Short names of Keras 1/2/3 (``keras.losses.mse`` and friends).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh
huber_loss = huber

_CLASSES = (
    Loss, LossFunctionWrapper,
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, CategoricalGeneralizedCrossEntropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge,
    Dice, Tversky, Circle, CTC,
)
_FUNCTIONS = (
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy,
    categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy,
    categorical_generalized_cross_entropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, log_cosh, huber,
    hinge, squared_hinge, categorical_hinge,
    dice, tversky, circle, ctc,
)
ALIASES = {
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "kld": kl_divergence, "KLD": kl_divergence, "kullback_leibler_divergence": kl_divergence,
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "logcosh": log_cosh,
    "huber_loss": huber,
    # Keras 1/2: cosine proximity is the same negative cosine similarity.
    "cosine_proximity": cosine_similarity, "cosine": cosine_similarity,
}

ALL_OBJECTS = _CLASSES + _FUNCTIONS
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update(ALIASES)

for _obj in ALL_OBJECTS:
    _register_builtin("keras.losses", _obj)
for _name, _obj in ALIASES.items():
    _register_builtin("keras.losses", _obj, name=_name)
del _obj, _name


def serialize(loss):
    """A JSON-able config of a ``Loss`` instance, or the name of a built-in loss function."""
    return _serialize.serialize_keras_object(loss)


def deserialize(config, custom_objects=None):
    """Rebuild a loss from ``serialize`` output (a config dict or a function name).

    Args:
        config: the serialized loss.
        custom_objects: optional ``{name: class_or_function}`` for user losses.
    """
    # The scope lets nested objects (a LossFunctionWrapper's `fn`) see custom_objects too.
    with _registry.CustomObjectScope(custom_objects or {}):
        return _serialize.deserialize_keras_object(
            config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects,
            printable_module_name="loss function",
        )


def _unknown(identifier):
    names = ", ".join(sorted(ALL_OBJECTS_DICT))
    return ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected None, a loss "
        "instance or function, a config dict, or one of these names: " + names
    )


def get(identifier):
    """Resolve a loss identifier to a loss function or ``Loss`` instance.

    ``None`` gives ``None``; a string is a function name (``"mse"``,
    ``"categorical_crossentropy"``...) or a class name (``"Huber"``, which
    gives ``Huber()``); a dict is a serialized config; a callable is returned
    as it is (a ``Loss`` subclass is instantiated). Anything else raises
    ``ValueError``.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:
            obj = _registry.get_registered_object(identifier)
        if obj is None:
            raise _unknown(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise _unknown(identifier)
    return obj


__all__ = [
    "Loss", "LossFunctionWrapper", "Reduction", "REDUCTIONS",
    "apply_mask", "reduce_values", "reduce_weighted_values", "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
    "KLDivergence", "Poisson", "BinaryCrossentropy", "BinaryFocalCrossentropy",
    "CategoricalCrossentropy", "CategoricalFocalCrossentropy", "SparseCategoricalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "CosineSimilarity", "LogCosh", "Huber",
    "Hinge", "SquaredHinge", "CategoricalHinge", "Dice", "Tversky", "Circle", "CTC",
    "kl_divergence", "poisson", "binary_crossentropy", "binary_focal_crossentropy",
    "categorical_crossentropy", "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy", "categorical_generalized_cross_entropy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "cosine_similarity", "log_cosh", "huber",
    "hinge", "squared_hinge", "categorical_hinge", "dice", "tversky", "circle", "ctc",
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
    "kullback_leibler_divergence", "bce", "BCE", "logcosh", "huber_loss",
    "get", "serialize", "deserialize", "ALL_OBJECTS", "ALL_OBJECTS_DICT", "ALIASES",
]
