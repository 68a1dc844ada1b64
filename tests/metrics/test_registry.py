"""metrics.get / serialize / deserialize, the registry and compile-time resolution."""
import inspect

import numpy as np
import pytest

from cornu import metrics
from cornu import serialization
from cornu.metrics.resolve import classify_target, resolve_metric
from metrics_helpers import assert_close


@pytest.mark.parametrize("identifier, cls", [
    ("accuracy", metrics.Accuracy), ("acc", metrics.Accuracy),
    ("binary_accuracy", metrics.BinaryAccuracy),
    ("categorical_accuracy", metrics.CategoricalAccuracy),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ("mse", metrics.MeanSquaredError), ("MSE", metrics.MeanSquaredError),
    ("mean_squared_error", metrics.MeanSquaredError),
    ("mae", metrics.MeanAbsoluteError), ("mape", metrics.MeanAbsolutePercentageError),
    ("msle", metrics.MeanSquaredLogarithmicError), ("bce", metrics.BinaryCrossentropy),
    ("binary_crossentropy", metrics.BinaryCrossentropy),
    ("categorical_crossentropy", metrics.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", metrics.SparseCategoricalCrossentropy),
    ("kl_divergence", metrics.KLDivergence), ("kld", metrics.KLDivergence),
    ("logcosh", metrics.LogCoshError), ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ("AUC", metrics.AUC), ("auc", metrics.AUC), ("Precision", metrics.Precision),
    ("recall", metrics.Recall), ("f1_score", metrics.F1Score), ("r2_score", metrics.R2Score),
    ("hinge", metrics.Hinge), ("poisson", metrics.Poisson),
])
def test_get_strings_give_instances(identifier, cls):
    m = metrics.get(identifier)
    assert type(m) is cls


def test_get_other_identifiers():
    assert metrics.get(None) is None
    fn = metrics.binary_accuracy
    assert metrics.get(fn) is fn
    inst = metrics.Mean(name="x")
    assert metrics.get(inst) is inst
    assert isinstance(metrics.get(metrics.Recall), metrics.Recall)
    m = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.3,
                                                                "name": "ba"}})
    assert isinstance(m, metrics.BinaryAccuracy) and m.threshold == 0.3 and m.name == "ba"
    with pytest.raises(ValueError, match="Could not interpret metric identifier: nonsense"):
        metrics.get("nonsense")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(42)


def _instances():
    return [
        metrics.Mean(), metrics.Sum(), metrics.Accuracy(), metrics.BinaryAccuracy(threshold=0.2),
        metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy(),
        metrics.TopKCategoricalAccuracy(k=2), metrics.SparseTopKCategoricalAccuracy(k=3),
        metrics.MeanSquaredError(), metrics.MeanAbsoluteError(),
        metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError(),
        metrics.RootMeanSquaredError(), metrics.CosineSimilarity(axis=1), metrics.LogCoshError(),
        metrics.R2Score(num_regressors=2), metrics.Hinge(), metrics.SquaredHinge(),
        metrics.CategoricalHinge(), metrics.KLDivergence(), metrics.Poisson(),
        metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics.CategoricalCrossentropy(axis=1), metrics.SparseCategoricalCrossentropy(),
        metrics.TruePositives([0.2, 0.7]), metrics.FalsePositives(), metrics.TrueNegatives(),
        metrics.FalseNegatives(0.4), metrics.Precision(top_k=2, class_id=1),
        metrics.Recall(thresholds=[0.1, 0.2]), metrics.AUC(curve="PR", num_thresholds=10),
        metrics.SensitivityAtSpecificity(0.4), metrics.SpecificityAtSensitivity(0.6),
        metrics.PrecisionAtRecall(0.7, num_thresholds=20), metrics.RecallAtPrecision(0.2),
        metrics.F1Score(average="macro"), metrics.FBetaScore(beta=0.5),
        metrics.IoU(3, [0, 1]), metrics.BinaryIoU(), metrics.MeanIoU(3),
        metrics.OneHotIoU(3, [2]), metrics.OneHotMeanIoU(3), metrics.PearsonCorrelation(),
        metrics.ConcordanceCorrelation(axis=-1),
        metrics.MeanMetricWrapper(metrics.mean_absolute_error, name="w"),
    ]


def test_serialize_deserialize_round_trip_every_metric():
    for m in _instances():
        config = metrics.serialize(m)
        assert config["module"] == "keras.metrics"
        assert config["class_name"] == type(m).__name__
        assert config["registered_name"] is None
        clone = metrics.deserialize(config)
        assert type(clone) is type(m)
        assert clone.get_config() == m.get_config()
        assert clone.name == m.name


def test_functions_serialize_to_names_and_everything_is_registered():
    assert metrics.serialize(metrics.binary_accuracy) == "binary_accuracy"
    assert metrics.deserialize("binary_accuracy") is metrics.BinaryAccuracy  # class table
    registered = serialization.builtin_objects("keras.metrics")
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        assert registered.get(obj.__name__) is obj, name
    for name in ("binary_accuracy", "mean_squared_error", "sparse_top_k_categorical_accuracy",
                 "AUC", "F1Score", "MeanIoU", "Metric"):
        assert name in metrics.__all__
    classes = [getattr(metrics, n) for n in metrics.__all__ if inspect.isclass(getattr(metrics, n))]
    assert all(issubclass(c, metrics.Metric) for c in classes)


def test_classify_target_like_keras():
    assert classify_target((8, 1), (8, 1)) == (True, False)
    assert classify_target((8,), (8, 5)) == (False, True)
    assert classify_target((8, 1), (8, 5)) == (False, True)
    assert classify_target((8, 5), (8, 5)) == (False, False)


@pytest.mark.parametrize("y_true_shape, y_pred_shape, loss, expected", [
    ((8, 1), (8, 1), None, metrics.BinaryAccuracy),
    ((8,), (8, 3), None, metrics.SparseCategoricalAccuracy),
    ((8, 3), (8, 3), None, metrics.CategoricalAccuracy),
    ((8, 3), (8, 3), "binary_crossentropy", metrics.BinaryAccuracy),  # Keras 1/2 rule
    ((8, 1), (8, 3), "sparse_categorical_crossentropy", metrics.SparseCategoricalAccuracy),
])
def test_resolve_accuracy(y_true_shape, y_pred_shape, loss, expected):
    for ident in ("accuracy", "acc"):
        m = resolve_metric(ident, y_true_shape, y_pred_shape, loss=loss)
        assert type(m) is expected and m.name == ident


def test_resolve_crossentropy_functions_and_instances():
    m = resolve_metric("ce", (4, 1), (4, 1))
    m.update_state(np.array([[1.0], [0.0], [1.0], [0.0]]), np.array([[0.9], [0.2], [0.6], [0.4]]))
    expected = -np.mean(np.log([0.9, 0.8, 0.6, 0.6]))
    assert_close(m.result(), expected, rtol=1e-5)
    assert m.name == "ce"
    m = resolve_metric("crossentropy", (4,), (4, 3))
    m.update_state(np.array([0, 1, 2, 1]), np.full((4, 3), 1 / 3))
    assert_close(m.result(), np.log(3.0), rtol=1e-5)
    m = resolve_metric("mse", (4, 1), (4, 1))
    assert isinstance(m, metrics.MeanSquaredError) and m.name == "mse"
    m = resolve_metric(metrics.binary_accuracy, (4, 1), (4, 1))
    assert isinstance(m, metrics.MeanMetricWrapper) and m.name == "binary_accuracy"
    inst = metrics.AUC(name="roc")
    assert resolve_metric(inst, (4, 1), (4, 1)) is inst and inst.name == "roc"
    assert resolve_metric(None, (4, 1), (4, 1)) is None


def test_loss_functions_are_shared_with_cornu_losses():
    from cornu import losses

    for name in ("mean_squared_error", "binary_crossentropy", "sparse_categorical_crossentropy",
                 "kl_divergence", "log_cosh", "huber", "categorical_focal_crossentropy"):
        assert getattr(metrics, name) is getattr(losses, name)
    m = metrics.MeanMetricWrapper(metrics.huber, delta=0.5)
    m.update_state(np.array([[0.0, 0.0]]), np.array([[0.2, 2.0]]))
    expected = np.mean([0.5 * 0.2 ** 2, 0.5 * 2.0 - 0.5 * 0.25])
    assert_close(m.result(), expected, rtol=1e-6)
