"""``cornu.metrics``: stateful metrics (Keras 3 ``keras.metrics``).

A metric accumulates statistics over batches with ``update_state`` and
reports them with ``result``; ``reset_state`` starts over.  The per-sample
functions (``binary_accuracy``, ``mean_squared_error``...) are exported too.
"""
from cornu import serialization as _serialization
from cornu.metrics._loss_functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
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
)
from cornu.metrics._registry import ALL_OBJECTS, ALL_OBJECTS_DICT, deserialize, get, serialize
from cornu.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from cornu.metrics.auc_metrics import AUC
from cornu.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from cornu.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from cornu.metrics.f_score_metrics import F1Score, FBetaScore
from cornu.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from cornu.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from cornu.metrics.metric import Metric
from cornu.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from cornu.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from cornu.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)

FUNCTIONS = (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_focal_crossentropy, categorical_focal_crossentropy, huber,
    kl_divergence, poisson, hinge, squared_hinge, categorical_hinge,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, log_cosh,
    pearson_correlation, concordance_correlation,
)

for _obj in ALL_OBJECTS + FUNCTIONS:
    _serialization.register_builtin("keras.metrics", _obj)
# used by metric classes (not exported by keras.metrics), registered for configs
from cornu.metrics.accuracy_metrics import accuracy as _accuracy  # noqa: E402
from cornu.metrics.regression_metrics import cosine_similarity as _cosine_similarity  # noqa: E402

for _obj in (_accuracy, _cosine_similarity):
    _serialization.register_builtin("keras.metrics", _obj)
for _obj in (serialize, deserialize, get):
    _serialization.register_builtin("keras.metrics", _obj)
del _obj

__all__ = sorted(
    [obj.__name__ for obj in ALL_OBJECTS + FUNCTIONS] + ["serialize", "deserialize", "get"]
)
