"""get / serialize / deserialize / clone for every initializer and alias."""
import numpy as np
import pytest

from cornu import backend, initializers, serialization

I = initializers
ALIASES = {
    "zeros": I.Zeros, "ones": I.Ones, "constant": I.Constant, "identity": I.Identity,
    "random_normal": I.RandomNormal, "random_uniform": I.RandomUniform,
    "truncated_normal": I.TruncatedNormal, "variance_scaling": I.VarianceScaling,
    "glorot_normal": I.GlorotNormal, "glorot_uniform": I.GlorotUniform, "he_normal": I.HeNormal,
    "he_uniform": I.HeUniform, "lecun_normal": I.LecunNormal, "lecun_uniform": I.LecunUniform,
    "orthogonal": I.Orthogonal, "stft": I.STFT,
    # Keras 1/2 names that Keras 3 still maps.
    "uniform": I.RandomUniform, "normal": I.RandomNormal, "one": I.Ones, "zero": I.Zeros,
    # Class names written by earlier Keras 3 releases.
    "OrthogonalInitializer": I.Orthogonal, "IdentityInitializer": I.Identity,
}
CLASSES = [
    I.Zeros, I.Ones, I.Constant, I.Identity, I.RandomNormal, I.RandomUniform, I.TruncatedNormal,
    I.VarianceScaling, I.GlorotNormal, I.GlorotUniform, I.HeNormal, I.HeUniform, I.LecunNormal,
    I.LecunUniform, I.Orthogonal,
]


@pytest.mark.parametrize("name,cls", sorted(ALIASES.items()))
def test_get_alias(name, cls):
    obj = I.get(name)
    assert type(obj) is cls
    if name in ALIASES and name.islower():
        assert getattr(I, name, cls) is cls


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_get_class_name_and_class(cls):
    assert type(I.get(cls.__name__)) is cls
    assert type(I.get(cls)) is cls
    inst = cls()
    assert I.get(inst) is inst


def test_get_none_function_and_unknown():
    assert I.get(None) is None

    def my_init(shape, dtype=None):
        return backend.numpy.zeros(shape)

    assert I.get(my_init) is my_init
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: typo"):
        I.get("typo")
    with pytest.raises(ValueError, match="Could not interpret initializer identifier"):
        I.get(3)


def test_keras1_uniform_and_normal_defaults():
    assert I.get("uniform").get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}
    assert I.get("normal").get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}


INSTANCES = [
    I.Zeros(), I.Ones(), I.Constant(2.5), I.Constant([1.0, 2.0]), I.Identity(gain=3.0),
    I.RandomNormal(mean=1.0, stddev=0.3, seed=4), I.RandomUniform(-2.0, 1.0, seed=5),
    I.TruncatedNormal(stddev=0.2, seed=None), I.VarianceScaling(2.0, "fan_out", "uniform", seed=6),
    I.GlorotNormal(seed=1), I.GlorotUniform(), I.HeNormal(seed=2), I.HeUniform(),
    I.LecunNormal(), I.LecunUniform(seed=3), I.Orthogonal(gain=0.5, seed=8),
]


@pytest.mark.parametrize("init", INSTANCES, ids=lambda i: type(i).__name__)
def test_config_round_trip(init):
    saved = I.serialize(init)
    assert saved["module"] == "keras.initializers"
    assert saved["class_name"] == type(init).__name__
    restored = I.deserialize(saved)
    assert type(restored) is type(init)
    assert restored.get_config() == init.get_config()
    assert I.get(saved).get_config() == init.get_config()
    clone = init.clone()
    assert type(clone) is type(init) and clone is not init
    assert clone.get_config() == init.get_config()


@pytest.mark.parametrize("init", [i for i in INSTANCES if getattr(i, "seed", None) is not None],
                         ids=lambda i: type(i).__name__)
def test_seeded_round_trip_gives_identical_values(init):
    restored = I.deserialize(I.serialize(init))
    np.testing.assert_array_equal(
        backend.convert_to_numpy(init((6, 5))), backend.convert_to_numpy(restored((6, 5)))
    )


def test_fixed_variance_scaling_config_has_only_seed():
    assert I.GlorotUniform(seed=3).get_config() == {"seed": 3}
    assert I.HeNormal().get_config() == {"seed": None}


def test_keras2_configs_load():
    # tf.keras wrote dtype into initializer configs; VarianceScaling "normal" meant truncated.
    init = I.deserialize({"class_name": "GlorotUniform", "config": {"seed": None, "dtype": "float32"}})
    assert type(init) is I.GlorotUniform
    vs = I.deserialize({"class_name": "VarianceScaling",
                        "config": {"scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": 1}})
    assert vs.distribution == "truncated_normal" and vs.scale == 2.0
    zeros = I.get({"class_name": "Zeros", "config": {"dtype": "float32"}})
    assert type(zeros) is I.Zeros
    const = I.deserialize({"class_name": "Constant", "config": {"value": 0.1, "dtype": "float32"}})
    assert const.value == 0.1


def test_numpy_constant_round_trip():
    init = I.Constant(np.array([1.0, 2.0, 3.0], dtype="float32"))
    restored = I.deserialize(I.serialize(init))
    np.testing.assert_array_equal(backend.convert_to_numpy(restored((2, 3))), [[1, 2, 3], [1, 2, 3]])


def test_custom_initializer_round_trip():
    @serialization.register_keras_serializable(package="InitTest")
    class Halves(I.Initializer):
        def __call__(self, shape, dtype=None):
            return I.Constant(0.5)(shape, dtype)

    try:
        saved = I.serialize(Halves())
        assert saved["registered_name"] == "InitTest>Halves"
        assert type(I.deserialize(saved)) is Halves
        assert type(I.get("InitTest>Halves")) is Halves
    finally:
        serialization.clear_custom_objects()


def test_registered_under_keras_initializers():
    registered = serialization.builtin_objects("keras.initializers")
    for name, cls in ALIASES.items():
        assert registered[name] is cls
    for cls in CLASSES:
        assert registered[cls.__name__] is cls
