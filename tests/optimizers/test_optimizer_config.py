"""Optimizer configs, ``get``/``serialize``/``deserialize`` and Keras-written configs."""
import json

import numpy as np
import pytest

from cornu import backend
from cornu import optimizers
from cornu.optimizers import schedules

BASE_KEYS = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
             "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
             "gradient_accumulation_steps"}

OWN_KEYS = {
    optimizers.SGD: {"momentum", "nesterov"},
    optimizers.RMSprop: {"rho", "momentum", "epsilon", "centered"},
    optimizers.Adam: {"beta_1", "beta_2", "epsilon", "amsgrad"},
    optimizers.AdamW: {"beta_1", "beta_2", "epsilon", "amsgrad"},
    optimizers.Adagrad: {"initial_accumulator_value", "epsilon"},
    optimizers.Adadelta: {"rho", "epsilon"},
    optimizers.Adamax: {"beta_1", "beta_2", "epsilon"},
    optimizers.Nadam: {"beta_1", "beta_2", "epsilon"},
    optimizers.Ftrl: {"learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
                      "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"},
    optimizers.Lion: {"beta_1", "beta_2"},
    optimizers.Adafactor: {"beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"},
    optimizers.Lamb: {"beta_1", "beta_2", "epsilon"},
}

NON_DEFAULT = {
    optimizers.SGD: {"momentum": 0.5, "nesterov": True},
    optimizers.RMSprop: {"rho": 0.8, "momentum": 0.1, "epsilon": 1e-5, "centered": True},
    optimizers.Adam: {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "amsgrad": True},
    optimizers.AdamW: {"weight_decay": 0.1, "amsgrad": True},
    optimizers.Adagrad: {"initial_accumulator_value": 0.5, "epsilon": 1e-5},
    optimizers.Adadelta: {"rho": 0.5},
    optimizers.Adamax: {"beta_2": 0.9},
    optimizers.Nadam: {"beta_1": 0.7},
    optimizers.Ftrl: {"l1_regularization_strength": 0.1, "beta": 0.2},
    optimizers.Lion: {"beta_1": 0.5},
    optimizers.Adafactor: {"clip_threshold": 2.0, "relative_step": False},
    optimizers.Lamb: {"beta_2": 0.99},
}


@pytest.mark.parametrize("cls", list(OWN_KEYS), ids=lambda c: c.__name__)
def test_config_keys_and_round_trip(cls):
    opt = cls(learning_rate=0.25, clipnorm=1.5, use_ema=True, ema_momentum=0.9,
              name=f"my_{cls.__name__}", **NON_DEFAULT[cls])
    config = opt.get_config()
    assert set(config) == BASE_KEYS | OWN_KEYS[cls]
    assert config["learning_rate"] == 0.25 and config["clipnorm"] == 1.5
    assert config["name"] == f"my_{cls.__name__}"
    for key, value in NON_DEFAULT[cls].items():
        assert config[key] == value
    json.dumps(config)
    clone = cls.from_config(config)
    assert clone.get_config() == config

    serialized = optimizers.serialize(opt)
    assert serialized == {"module": "keras.optimizers", "class_name": cls.__name__,
                          "config": config, "registered_name": None}
    restored = optimizers.deserialize(json.loads(json.dumps(serialized)))
    assert type(restored) is cls and restored.get_config() == config


def test_schedule_learning_rate_in_config():
    schedule = schedules.CosineDecay(0.1, 100, alpha=0.1)
    opt = optimizers.Adam(learning_rate=schedule)
    config = opt.get_config()
    assert config["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "CosineDecay",
        "config": schedule.get_config(), "registered_name": None}
    clone = optimizers.Adam.from_config(json.loads(json.dumps(config)))
    assert isinstance(clone._learning_rate, schedules.CosineDecay)
    assert clone.get_config() == config


@pytest.mark.parametrize("name, cls", [
    ("sgd", optimizers.SGD), ("SGD", optimizers.SGD), ("rmsprop", optimizers.RMSprop),
    ("RMSprop", optimizers.RMSprop), ("RMSProp", optimizers.RMSprop), ("adam", optimizers.Adam),
    ("Adam", optimizers.Adam), ("adamw", optimizers.AdamW), ("AdamW", optimizers.AdamW),
    ("adagrad", optimizers.Adagrad), ("adadelta", optimizers.Adadelta), ("adamax", optimizers.Adamax),
    ("nadam", optimizers.Nadam), ("Nadam", optimizers.Nadam), ("ftrl", optimizers.Ftrl),
    ("lion", optimizers.Lion), ("adafactor", optimizers.Adafactor), ("Lamb", optimizers.Lamb),
])
def test_get_by_name(name, cls):
    opt = optimizers.get(name)
    assert type(opt) is cls
    assert opt.get_config() == cls(name=opt.name).get_config()


def test_get_other_identifiers():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    from_dict = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert isinstance(from_dict, optimizers.SGD) and from_dict.momentum == 0.9
    assert np.isclose(float(from_dict.learning_rate), 0.5)
    for bad in ("adamx", 3, {"class_name": "NoSuchOptimizer", "config": {}}, optimizers.Adam):
        with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
            optimizers.get(bad)


def test_keras3_and_keras2_written_configs_load():
    keras3 = {"module": "keras.optimizers", "class_name": "Adam",
              "config": {"name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": None,
                         "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                         "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                         "loss_scale_factor": None, "gradient_accumulation_steps": None,
                         "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False},
              "registered_name": None}
    assert isinstance(optimizers.deserialize(keras3), optimizers.Adam)
    # tf.keras 2.11+ (new optimizers) adds jit_compile / is_legacy_optimizer.
    keras2 = {"class_name": "RMSprop",
              "config": {"name": "RMSprop", "learning_rate": 0.001, "weight_decay": None,
                         "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                         "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": 100,
                         "jit_compile": True, "is_legacy_optimizer": False, "rho": 0.9,
                         "momentum": 0.0, "epsilon": 1e-07, "centered": False}}
    assert isinstance(optimizers.deserialize(keras2), optimizers.RMSprop)
    # Keras 2.2 (standalone) configs spell the rate `lr` and carry `decay`.
    legacy = {"class_name": "SGD", "config": {"lr": 0.01, "momentum": 0.9, "decay": 1e-6,
                                              "nesterov": True}}
    with pytest.warns(DeprecationWarning) as record:
        sgd = optimizers.deserialize(legacy)
    assert len(record) == 2
    assert sgd.nesterov and np.isclose(float(sgd.learning_rate), 0.01)
    assert sgd._legacy_decay == 1e-6


def test_custom_optimizer_subclass():
    class Sign(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def update_step(self, gradient, variable, learning_rate):
            from cornu import ops
            self.assign_sub(variable, ops.cast(learning_rate, variable.dtype) * ops.sign(gradient))

    w = backend.Variable(np.array([1.0, 1.0], "float32"))
    opt = Sign()
    assert opt.name.startswith("sign")
    opt.apply([np.array([2.0, -3.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.9, 1.1], rtol=1e-6)
    clone = optimizers.deserialize(optimizers.serialize(opt), custom_objects={"Sign": Sign})
    assert isinstance(clone, Sign)
