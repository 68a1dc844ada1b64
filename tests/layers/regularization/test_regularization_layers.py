"""Regularization layers: harness runs, training-only behaviour, noise statistics, seeding."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test

RNG = np.random.default_rng(2)
T = backend.convert_to_tensor
N = backend.convert_to_numpy

_ALPHA, _SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


@pytest.mark.parametrize("cls, kwargs, shape, seeds", [
    (layers.SpatialDropout1D, {"rate": 0.5}, (2, 3, 4), 1),
    (layers.SpatialDropout2D, {"rate": 0.5}, (2, 3, 3, 4), 1),
    (layers.SpatialDropout2D, {"rate": 0.5, "data_format": "channels_first"}, (2, 4, 3, 3), 1),
    (layers.SpatialDropout3D, {"rate": 0.5}, (2, 2, 2, 2, 3), 1),
    (layers.GaussianDropout, {"rate": 0.3}, (2, 5), 1),
    (layers.GaussianNoise, {"stddev": 0.2}, (2, 5), 1),
    (layers.AlphaDropout, {"rate": 0.3}, (2, 5), 1),
    (layers.AlphaDropout, {"rate": 0.0}, (2, 5), 0),
    (layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, (2, 5), 0),
])
def test_regularization_harness(cls, kwargs, shape, seeds):
    if cls is not layers.ActivityRegularization:
        kwargs = {**kwargs, "seed": 1}
    run_layer_test(cls, kwargs, input_shape=shape, expected_output_shape=shape, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0, expected_num_seed_generators=seeds,
                   supports_masking=True, run_training_check=False)


@pytest.mark.parametrize("layer", [
    layers.SpatialDropout1D(0.5), layers.SpatialDropout2D(0.5), layers.GaussianDropout(0.5),
    layers.GaussianNoise(0.5), layers.AlphaDropout(0.5),
])
def test_identity_in_inference(layer):
    shape = {"SpatialDropout1D": (2, 3, 4), "SpatialDropout2D": (2, 3, 3, 4)}.get(type(layer).__name__, (3, 7))
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_array_equal(N(layer(T(x))), x)
    np.testing.assert_array_equal(N(layer(T(x), training=False)), x)
    assert not np.array_equal(N(layer(T(x), training=True)), x)


@pytest.mark.parametrize("cls, rank, data_format", [
    (layers.SpatialDropout1D, 3, "channels_last"), (layers.SpatialDropout2D, 4, "channels_last"),
    (layers.SpatialDropout2D, 4, "channels_first"), (layers.SpatialDropout3D, 5, "channels_first"),
    (layers.SpatialDropout3D, 5, "channels_last"),
])
def test_spatial_dropout_drops_whole_feature_maps(cls, rank, data_format):
    rate = 0.4
    kwargs = {} if cls is layers.SpatialDropout1D else {"data_format": data_format}
    layer = cls(rate, seed=3, **kwargs)
    shape = (64, 8) + (3,) * (rank - 2) if data_format == "channels_first" else (64,) + (3,) * (rank - 2) + (8,)
    x = np.ones(shape, "float32")
    out = N(layer(T(x), training=True))
    channel_axis = 1 if data_format == "channels_first" else rank - 1
    maps = np.moveaxis(out, channel_axis, 1).reshape(64, 8, -1)  # (b, c, positions)
    # every map is all-zero or all 1/(1-rate)
    assert np.all((maps == 0).all(-1) | np.isclose(maps, 1 / (1 - rate)).all(-1))
    dropped = (maps == 0).all(-1).mean()
    assert 0.25 < dropped < 0.55
    with pytest.raises(ValueError, match="ndim"):
        layer(T(np.ones((2,) * (rank - 1), "float32")))


def test_gaussian_dropout_and_noise_statistics():
    x = np.full((400, 250), 2.0, "float32")
    rate = 0.3
    out = N(layers.GaussianDropout(rate, seed=4)(T(x), training=True))
    noise = out / 2.0
    assert abs(noise.mean() - 1.0) < 0.01
    assert abs(noise.std() - np.sqrt(rate / (1 - rate))) < 0.01
    out = N(layers.GaussianNoise(0.5, seed=5)(T(x), training=True))
    assert abs((out - 2.0).mean()) < 0.01
    assert abs((out - 2.0).std() - 0.5) < 0.01


def test_alpha_dropout_formula_and_statistics():
    rate = 0.2
    x = RNG.standard_normal((300, 200)).astype("float32")
    out = N(layers.AlphaDropout(rate, seed=6)(T(x), training=True))
    alpha_p = -_ALPHA * _SCALE
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    dropped_value = a * alpha_p + b
    is_dropped = np.isclose(out, dropped_value, atol=1e-6)
    np.testing.assert_allclose(out[~is_dropped], a * x[~is_dropped] + b, rtol=1e-5, atol=1e-5)
    assert abs(is_dropped.mean() - rate) < 0.02
    # self-normalizing: zero-mean unit-variance inputs keep their mean and variance
    assert abs(out.mean()) < 0.03 and abs(out.std() - 1.0) < 0.03
    noise_shape_out = N(layers.AlphaDropout(0.5, noise_shape=(300, 1), seed=7)(T(x), training=True))
    rows_dropped = np.isclose(noise_shape_out, ((0.5 * (1 + 0.5 * alpha_p ** 2)) ** -0.5) * alpha_p * 0.5,
                              atol=1e-5)
    assert np.all(rows_dropped.all(1) | (~rows_dropped).all(1))


def test_seeded_layers_repeat_and_advance():
    x = np.ones((4, 6), "float32")
    a, b = layers.GaussianNoise(0.3, seed=11), layers.GaussianNoise(0.3, seed=11)
    first_a, first_b = N(a(T(x), training=True)), N(b(T(x), training=True))
    np.testing.assert_array_equal(first_a, first_b)
    assert not np.array_equal(first_a, N(a(T(x), training=True)))  # the seed generator advances


def test_activity_regularization_adds_penalty():
    x = RNG.standard_normal((3, 4)).astype("float32")
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    out = layer(T(x))
    np.testing.assert_array_equal(N(out), x)
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(N(layer.losses[0])), 0.1 * np.abs(x).sum() + 0.01 * (x ** 2).sum(),
                               rtol=1e-5)
    config = layer.get_config()
    assert config["l1"] == 0.1 and config["l2"] == 0.01 and "activity_regularizer" not in config
    with pytest.raises(ValueError, match="l1"):
        layers.ActivityRegularization(l1=-1.0)


def test_activity_regularization_in_training_loss():
    x = np.ones((4, 2), "float32")
    y = np.zeros((4, 1), "float32")
    dense = layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros")
    model = keras.Sequential([keras.Input((2,)), layers.ActivityRegularization(l2=0.5), dense])
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, y, verbose=0)
    loss = loss[0] if isinstance(loss, (list, tuple)) else loss
    assert loss == pytest.approx(0.5 * 4 * 2, rel=1e-5)  # mse 0 + l2 * sum(x**2) over the batch


def test_validation_errors():
    for cls in (layers.GaussianDropout, layers.AlphaDropout, layers.SpatialDropout1D):
        with pytest.raises(ValueError, match="rate"):
            cls(1.5)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-0.1)
    with pytest.raises(ValueError, match="seed"):
        layers.GaussianNoise(0.1, seed="x")


def test_noise_layers_inside_jitted_training_steps_differ_between_steps():
    x = np.ones((8, 3), "float32")
    y = np.zeros((8, 1), "float32")
    model = keras.Sequential([keras.Input((3,)), layers.GaussianNoise(0.5, seed=1),
                              layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    losses = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False).history["loss"]
    assert len(set(np.round(losses, 6))) == 3  # fresh noise every step
    np.testing.assert_allclose(N(model.predict(x, verbose=0)), np.full((8, 1), 3.0), rtol=1e-6)


def test_keras2_spatial_dropout_config_loads():
    legacy = {"name": "spatial_dropout1d", "trainable": True, "dtype": "float32", "rate": 0.3,
              "noise_shape": None, "seed": None}
    layer = layers.SpatialDropout1D.from_config(legacy)
    assert layer.rate == 0.3
