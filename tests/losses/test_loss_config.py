"""Configs, serialization, ``get`` and the registry."""
import json

import numpy as np
import pytest

import cornu.losses as L
from cornu import ops
from cornu.serialization import builtin_objects, custom_object_scope

# Non-default constructor arguments for every class.
CLASS_ARGS = {
    "MeanSquaredError": {},
    "MeanAbsoluteError": {},
    "MeanAbsolutePercentageError": {},
    "MeanSquaredLogarithmicError": {},
    "CosineSimilarity": {"axis": 0},
    "Huber": {"delta": 2.5},
    "LogCosh": {},
    "Hinge": {},
    "SquaredHinge": {},
    "CategoricalHinge": {},
    "KLDivergence": {},
    "Poisson": {},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1, "axis": -2},
    "BinaryFocalCrossentropy": {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.0,
                                "from_logits": True, "label_smoothing": 0.05},
    "CategoricalCrossentropy": {"from_logits": True, "label_smoothing": 0.2},
    "CategoricalFocalCrossentropy": {"alpha": 0.5, "gamma": 3.0, "from_logits": True},
    "SparseCategoricalCrossentropy": {"from_logits": True, "ignore_class": 7, "axis": 1},
    "CategoricalGeneralizedCrossEntropy": {"q": 0.7},
    "Dice": {"axis": [1, 2]},
    "Tversky": {"alpha": 0.3, "beta": 0.7, "axis": [1]},
    "Circle": {"gamma": 64.0, "margin": 0.3, "remove_diagonal": False},
    "CTC": {},
}

# Configs written by Keras 3 (keras.losses.serialize of default instances).
KERAS_CONFIGS = {
    "MeanSquaredError": {"name": "mean_squared_error", "reduction": "sum_over_batch_size"},
    "BinaryCrossentropy": {"name": "binary_crossentropy", "reduction": "sum_over_batch_size",
                           "from_logits": False, "label_smoothing": 0.0, "axis": -1},
    "BinaryFocalCrossentropy": {"name": "binary_focal_crossentropy", "reduction": "sum_over_batch_size",
                                "from_logits": False, "label_smoothing": 0.0, "axis": -1,
                                "apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0},
    "CategoricalCrossentropy": {"name": "categorical_crossentropy", "reduction": "sum_over_batch_size",
                                "from_logits": False, "label_smoothing": 0.0, "axis": -1},
    "CategoricalFocalCrossentropy": {"name": "categorical_focal_crossentropy",
                                     "reduction": "sum_over_batch_size", "from_logits": False,
                                     "label_smoothing": 0.0, "axis": -1, "alpha": 0.25, "gamma": 2.0},
    "SparseCategoricalCrossentropy": {"name": "sparse_categorical_crossentropy",
                                      "reduction": "sum_over_batch_size", "from_logits": False,
                                      "ignore_class": None},
    "Huber": {"name": "huber_loss", "reduction": "sum_over_batch_size"},
    "CosineSimilarity": {"name": "cosine_similarity", "reduction": "sum_over_batch_size"},
    "Dice": {"name": "dice", "reduction": "sum_over_batch_size", "axis": None},
    "Tversky": {"name": "tversky", "reduction": "sum_over_batch_size", "alpha": 0.5, "beta": 0.5, "axis": None},
    "Circle": {"name": "circle", "reduction": "sum_over_batch_size", "gamma": 80.0, "margin": 0.4,
               "remove_diagonal": True},
    "CTC": {"name": "ctc", "reduction": "sum_over_batch_size"},
    "CategoricalGeneralizedCrossEntropy": {"name": "categorical_generalized_cross_entropy",
                                           "reduction": "sum_over_batch_size", "q": 0.5},
    "LogCosh": {"name": "log_cosh", "reduction": "sum_over_batch_size"},
    "KLDivergence": {"name": "kl_divergence", "reduction": "sum_over_batch_size"},
    "Poisson": {"name": "poisson", "reduction": "sum_over_batch_size"},
    "Hinge": {"name": "hinge", "reduction": "sum_over_batch_size"},
    "SquaredHinge": {"name": "squared_hinge", "reduction": "sum_over_batch_size"},
    "CategoricalHinge": {"name": "categorical_hinge", "reduction": "sum_over_batch_size"},
    "MeanAbsoluteError": {"name": "mean_absolute_error", "reduction": "sum_over_batch_size"},
    "MeanAbsolutePercentageError": {"name": "mean_absolute_percentage_error",
                                    "reduction": "sum_over_batch_size"},
    "MeanSquaredLogarithmicError": {"name": "mean_squared_logarithmic_error",
                                    "reduction": "sum_over_batch_size"},
}

FUNCTION_NAMES = [
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "cosine_similarity", "huber", "log_cosh", "hinge",
    "squared_hinge", "categorical_hinge", "kl_divergence", "poisson", "binary_crossentropy",
    "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "sparse_categorical_crossentropy", "categorical_generalized_cross_entropy", "dice", "tversky",
    "circle", "ctc",
]
ALIASES = {
    "mse": "mean_squared_error", "MSE": "mean_squared_error",
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
    "kld": "kl_divergence", "KLD": "kl_divergence", "kullback_leibler_divergence": "kl_divergence",
    "bce": "binary_crossentropy", "BCE": "binary_crossentropy",
    "logcosh": "log_cosh", "huber_loss": "huber",
    "cosine_proximity": "cosine_similarity", "cosine": "cosine_similarity",
}


def test_every_keras_class_and_function_is_exported():
    for name in list(CLASS_ARGS) + FUNCTION_NAMES + ["Loss", "LossFunctionWrapper"]:
        assert hasattr(L, name), name
        assert name in L.__all__, name
    for alias, target in ALIASES.items():
        if alias not in ("cosine_proximity", "cosine"):
            assert getattr(L, alias) is getattr(L, target)


@pytest.mark.parametrize("name", sorted(CLASS_ARGS))
def test_config_round_trip(name):
    cls = getattr(L, name)
    loss = cls(reduction="sum", name="my_loss", **CLASS_ARGS[name])
    config = loss.get_config()
    assert config["name"] == "my_loss" and config["reduction"] == "sum"
    for key, value in CLASS_ARGS[name].items():
        assert config[key] == value, (key, config)
    rebuilt = cls.from_config(json.loads(json.dumps(config)))
    assert type(rebuilt) is cls
    assert rebuilt.get_config() == json.loads(json.dumps(config))

    restored = L.deserialize(json.loads(json.dumps(L.serialize(loss))))
    assert type(restored) is cls
    assert restored.get_config() == json.loads(json.dumps(config))


@pytest.mark.parametrize("name", sorted(KERAS_CONFIGS))
def test_default_configs_match_keras(name):
    cls = getattr(L, name)
    assert cls().get_config() == KERAS_CONFIGS[name]
    serialized = L.serialize(cls())
    assert serialized["module"] == "keras.losses"
    assert serialized["class_name"] == name
    assert serialized["config"] == KERAS_CONFIGS[name]
    # A Keras-written config loads.
    keras_form = {"module": "keras.losses", "class_name": name, "config": KERAS_CONFIGS[name],
                  "registered_name": None}
    assert type(L.deserialize(keras_form)) is cls


def test_reloaded_loss_computes_the_same_values():
    r = np.random.RandomState(0)
    t, p = r.randn(4, 3).astype("float32"), r.randn(4, 3).astype("float32")
    loss = L.Huber(delta=0.3, reduction="sum")
    again = L.deserialize(json.loads(json.dumps(L.serialize(loss))))
    np.testing.assert_allclose(ops.convert_to_numpy(again(t, p)), ops.convert_to_numpy(loss(t, p)))


def test_dtype_is_kept_in_config():
    loss = L.MeanSquaredError(dtype="float16")
    assert loss.get_config()["dtype"] == "float16"
    assert L.MeanSquaredError.from_config(loss.get_config()).dtype == "float16"
    assert "dtype" not in L.MeanSquaredError().get_config()


def test_keras2_config_with_auto_reduction_loads():
    old = {"class_name": "CategoricalCrossentropy",
           "config": {"reduction": "auto", "name": "categorical_crossentropy", "from_logits": True,
                      "label_smoothing": 0.0, "axis": -1}}
    loss = L.deserialize(old)
    assert loss.reduction == "sum_over_batch_size" and loss.from_logits is True


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_functions_serialize_by_name(name):
    fn = getattr(L, name)
    assert L.serialize(fn) == name
    assert L.deserialize(name) is fn
    keras_form = {"module": "builtins", "class_name": "function", "config": name,
                  "registered_name": "function"}
    assert L.deserialize(keras_form) is fn


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_get_aliases(alias):
    assert L.get(alias) is getattr(L, ALIASES[alias])


@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_get_function_names(name):
    assert L.get(name) is getattr(L, name)


@pytest.mark.parametrize("name", sorted(CLASS_ARGS))
def test_get_class_names_give_instances(name):
    obj = L.get(name)
    assert type(obj) is getattr(L, name)


def test_get_other_identifiers():
    assert L.get(None) is None
    loss = L.Huber()
    assert L.get(loss) is loss
    assert isinstance(L.get(L.Poisson), L.Poisson)
    fn = lambda t, p: t - p  # noqa: E731
    assert L.get(fn) is fn
    got = L.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(got, L.CategoricalCrossentropy) and got.from_logits


def test_get_unknown_identifier():
    with pytest.raises(ValueError, match=r"Could not interpret loss identifier: 'foo'") as info:
        L.get("foo")
    assert "mean_squared_error" in str(info.value) and "BinaryCrossentropy" in str(info.value)
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 3"):
        L.get(3)


def test_get_finds_custom_objects_in_scope():
    def my_loss(y_true, y_pred):
        return ops.mean(ops.abs(y_pred - y_true), axis=-1)

    with custom_object_scope({"my_loss": my_loss}):
        assert L.get("my_loss") is my_loss


def test_everything_is_registered_under_keras_losses():
    registered = builtin_objects("keras.losses")
    for name in list(CLASS_ARGS) + FUNCTION_NAMES + list(ALIASES) + ["Loss", "LossFunctionWrapper"]:
        assert name in registered, name


def test_loss_function_wrapper_round_trip():
    r = np.random.RandomState(1)
    t, p = r.randn(4, 3).astype("float32"), r.randn(4, 3).astype("float32")
    wrapper = L.LossFunctionWrapper(L.huber, reduction="sum", name="wrapped", delta=0.5)
    config = wrapper.get_config()
    assert config == {"name": "wrapped", "reduction": "sum", "fn": "huber", "delta": 0.5}
    again = L.LossFunctionWrapper.from_config(json.loads(json.dumps(config)))
    assert again.fn is L.huber
    expected = np.sum(np.mean(np.where(np.abs(p - t) <= 0.5, 0.5 * (p - t) ** 2,
                                       0.5 * np.abs(p - t) - 0.125), -1))
    np.testing.assert_allclose(ops.convert_to_numpy(again(t, p)), expected, rtol=1e-5)
    assert L.LossFunctionWrapper(L.mse).name.startswith("loss_function_wrapper")
    with pytest.raises(TypeError, match="callable"):
        L.LossFunctionWrapper("mse")


def test_custom_subclass():
    class Scaled(L.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * ops.mean(ops.square(y_pred - y_true), axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    loss = Scaled(scale=3.0)
    assert loss.name.startswith("scaled")
    t = np.zeros((2, 2), "float32")
    p = np.ones((2, 2), "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(loss(t, p, sample_weight=[1.0, 0.0])), 1.5)
    assert Scaled.from_config(loss.get_config()).scale == 3.0
    with pytest.raises(NotImplementedError, match="call"):
        L.Loss()(t, p)


def test_wrapper_of_a_custom_function_round_trips_with_custom_objects():
    def my_error(y_true, y_pred, power=2.0):
        return ops.mean(ops.power(ops.abs(y_pred - y_true), power), axis=-1)

    wrapper = L.LossFunctionWrapper(my_error, power=3.0)
    config = json.loads(json.dumps(L.serialize(wrapper)))
    with pytest.raises(ValueError, match="my_error"):
        L.deserialize(config)
    again = L.deserialize(config, custom_objects={"my_error": my_error})
    assert again.fn is my_error and again._fn_kwargs == {"power": 3.0}
    t = np.zeros((2, 2), "float32")
    p = np.full((2, 2), 2.0, "float32")
    np.testing.assert_allclose(ops.convert_to_numpy(again(t, p)), 8.0)


def test_symbolic_inputs_give_symbolic_losses():
    from cornu.backend import KerasTensor

    t, p = KerasTensor((None, 3)), KerasTensor((None, 3))
    assert L.MeanSquaredError()(t, p).shape == ()
    assert L.CategoricalCrossentropy(reduction="none")(t, p).shape == (None,)
    assert L.SparseCategoricalCrossentropy()(KerasTensor((None,)), p).shape == ()
