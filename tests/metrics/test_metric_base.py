"""The Metric base class: variables, reset, __call__, config, stateless API."""
import numpy as np
import pytest

from cornu import backend
from cornu import metrics
from cornu import ops
from cornu.utils import naming
from metrics_helpers import assert_close, to_np


class CountAbove(metrics.Metric):
    """Counts values above a level; the base of several tests below."""

    def __init__(self, level=0.0, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.level = level
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        self.offset = self.add_variable(shape=(2,), initializer="ones", name="offset")

    def update_state(self, values):
        above = ops.cast(ops.greater(ops.convert_to_tensor(values), self.level), self.dtype)
        self.count.assign(self.count.value + ops.sum(above))
        self.offset.assign(self.offset.value * 2.0)

    def result(self):
        return self.count.value

    def get_config(self):
        return {**super().get_config(), "level": self.level}


def test_variables_are_non_trainable_with_paths_and_initial_values():
    m = CountAbove(name="counter")
    assert [v.name for v in m.variables] == ["count", "offset"]
    assert [v.path for v in m.variables] == ["counter/count", "counter/offset"]
    assert all(not v.trainable for v in m.variables)
    assert m.count.dtype == backend.floatx()
    assert_close(m.offset, [1.0, 1.0])
    assert m.variables[0].aggregation == "sum"


def test_update_result_reset_and_call():
    m = CountAbove(level=0.5)
    m.update_state([0.1, 0.6, 0.9])
    m.update_state(np.array([0.7, 0.2]))
    assert_close(m.result(), 3.0)
    assert_close(m.offset, [4.0, 4.0])
    m.reset_state()
    assert_close(m.result(), 0.0)
    assert_close(m.offset, [1.0, 1.0])  # back to its "ones" initializer
    assert_close(m([1.0, 2.0]), 2.0)  # __call__ = update_state then result
    assert_close(m([1.0]), 3.0)


def test_callable_and_constant_initializers():
    class Custom(metrics.Metric):
        def __init__(self):
            super().__init__()
            self.a = self.add_variable((2, 2), initializer=lambda shape, dtype=None:
                                       ops.full(shape, 3.0, dtype=dtype), name="a")
            self.b = self.add_variable((3,), initializer=np.array([1.0, 2.0, 3.0]), name="b")
            self.c = self.add_variable((), initializer="Zeros", dtype="int32", name="c")

        def update_state(self):
            self.a.assign(self.a.value + 1.0)
            self.b.assign(self.b.value * 0.0)
            self.c.assign(self.c.value + 5)

        def result(self):
            return self.a.value

    m = Custom()
    assert m.c.dtype == "int32"
    m.update_state()
    assert_close(m.a, np.full((2, 2), 4.0))
    m.reset_state()
    assert_close(m.a, np.full((2, 2), 3.0))
    assert_close(m.b, [1.0, 2.0, 3.0])
    assert int(to_np(m.c)) == 0
    with pytest.raises(ValueError, match="initializer"):
        m.add_variable((), initializer="glorot_uniform")


def test_default_names_are_unique_snake_case():
    naming.reset_uids()
    assert CountAbove().name == "count_above"
    assert CountAbove().name == "count_above_1"
    assert metrics.AUC().name == "auc"
    assert metrics.AUC().name == "auc_1"
    assert metrics.Precision().name == "precision"
    assert metrics.TruePositives().name == "true_positives"
    assert metrics.SensitivityAtSpecificity(0.5).name == "sensitivity_at_specificity"
    assert metrics.MeanMetricWrapper(lambda t, p: t).name == "mean_metric_wrapper"
    assert metrics.MeanIoU(num_classes=2).name == "mean_io_u"
    # fixed default names are not numbered
    assert metrics.BinaryAccuracy().name == metrics.BinaryAccuracy().name == "binary_accuracy"


@pytest.mark.parametrize("cls, name", [
    (metrics.Mean, "mean"), (metrics.Sum, "sum"), (metrics.Accuracy, "accuracy"),
    (metrics.BinaryAccuracy, "binary_accuracy"),
    (metrics.CategoricalAccuracy, "categorical_accuracy"),
    (metrics.SparseCategoricalAccuracy, "sparse_categorical_accuracy"),
    (metrics.TopKCategoricalAccuracy, "top_k_categorical_accuracy"),
    (metrics.SparseTopKCategoricalAccuracy, "sparse_top_k_categorical_accuracy"),
    (metrics.MeanSquaredError, "mean_squared_error"),
    (metrics.MeanAbsoluteError, "mean_absolute_error"),
    (metrics.MeanAbsolutePercentageError, "mean_absolute_percentage_error"),
    (metrics.MeanSquaredLogarithmicError, "mean_squared_logarithmic_error"),
    (metrics.RootMeanSquaredError, "root_mean_squared_error"),
    (metrics.CosineSimilarity, "cosine_similarity"), (metrics.LogCoshError, "logcosh"),
    (metrics.R2Score, "r2_score"), (metrics.Hinge, "hinge"),
    (metrics.SquaredHinge, "squared_hinge"), (metrics.CategoricalHinge, "categorical_hinge"),
    (metrics.KLDivergence, "kl_divergence"), (metrics.Poisson, "poisson"),
    (metrics.BinaryCrossentropy, "binary_crossentropy"),
    (metrics.CategoricalCrossentropy, "categorical_crossentropy"),
    (metrics.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"),
    (metrics.F1Score, "f1_score"), (metrics.FBetaScore, "fbeta_score"),
    (metrics.PearsonCorrelation, "pearson_correlation"),
    (metrics.ConcordanceCorrelation, "concordance_correlation"),
])
def test_keras_default_names(cls, name):
    assert cls().name == name


def test_sub_metrics_contribute_variables_and_reset():
    class Pair(metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.first = metrics.Mean(name="m1")
            self.second = metrics.Sum(name="s1")

        def update_state(self, x):
            self.first.update_state(x)
            self.second.update_state(x)

        def result(self):
            return {"mean": self.first.result(), "sum": self.second.result()}

    m = Pair()
    assert [v.path for v in m.variables] == ["m1/total", "m1/count", "s1/total"]
    m.extra = [metrics.Sum(name="s2"), "not a metric"]
    assert [v.path for v in m.variables][-1] == "s2/total"
    m.extra = [m.first]  # already tracked: not counted twice
    assert len(m.variables) == 4
    m.update_state([1.0, 2.0, 6.0])
    r = m.result()
    assert_close(r["mean"], 3.0)
    assert_close(r["sum"], 9.0)
    m.reset_state()
    assert_close(m.result()["sum"], 0.0)


def test_config_round_trip_and_repr():
    m = CountAbove(level=0.25, name="c", dtype="float32")
    config = m.get_config()
    assert config == {"name": "c", "dtype": "float32", "level": 0.25}
    clone = CountAbove.from_config(config)
    assert clone.name == "c" and clone.level == 0.25
    assert repr(m) == "<CountAbove name=c>"


def test_dtype_defaults_to_floatx_and_accepts_policy_like():
    assert metrics.Mean().dtype == backend.floatx()

    class Policy:
        compute_dtype = "float16"

    assert metrics.Mean(dtype=Policy()).dtype == "float16"
    assert metrics.Mean(dtype="mixed_bfloat16").dtype == "bfloat16"
    serialized = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float64"},
                  "registered_name": None}
    assert metrics.Sum(dtype=serialized).dtype == "float64"


def test_missing_super_init_is_reported():
    class Broken(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable((), name="v")

    with pytest.raises(RuntimeError, match="super"):
        Broken()


def test_stateless_api_matches_stateful():
    m = metrics.Mean()
    values = [v.value for v in m.variables]
    new_values = m.stateless_update_state(values, [1.0, 2.0, 3.0, 10.0])
    assert_close(m.result(), 0.0)  # the metric itself is untouched
    assert_close(m.stateless_result(new_values), 4.0)
    m.update_state([1.0, 2.0, 3.0, 10.0])
    assert_close(m.result(), 4.0)
    reset = m.stateless_reset_state()
    assert_close(m.result(), 4.0)
    assert_close(m.stateless_result(reset), 0.0)
    with pytest.raises(ValueError, match="metric_variables"):
        m.stateless_result(values[:1])
