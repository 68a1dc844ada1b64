"""``Masking``: mask values, zeroed outputs and propagation through a model."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test

T = backend.convert_to_tensor
N = backend.convert_to_numpy


def _data():
    x = np.random.default_rng(4).standard_normal((3, 5, 2)).astype("float32")
    x[0, 3:] = 0.0
    x[1, 0] = 0.0
    x[2, 1] = [0.0, 1.0]  # only partially equal to the mask value: kept
    return x


def test_masking_harness():
    run_layer_test(layers.Masking, {"mask_value": 0.0}, input_data=_data(), expected_output_shape=(3, 5, 2),
                   expected_num_trainable_weights=0, supports_masking=True, run_training_check=False)


@pytest.mark.parametrize("mask_value", [0.0, -1.0])
def test_mask_values_and_zeroed_outputs(mask_value):
    x = _data()
    x = np.where(x == 0.0, mask_value, x).astype("float32")
    layer = layers.Masking(mask_value=mask_value)
    expected_mask = np.any(x != mask_value, axis=-1)
    np.testing.assert_array_equal(N(layer.compute_mask(T(x))), expected_mask)
    out = N(layer(T(x)))
    np.testing.assert_array_equal(out, x * expected_mask[..., None])
    if backend.backend() == "torch":
        np.testing.assert_array_equal(N(layer(T(x))._keras_mask), expected_mask)


def test_mask_reaches_downstream_layers_in_a_model():
    x = _data()
    inputs = keras.Input((5, 2))
    masked = layers.Masking()(inputs)
    scores = layers.Softmax(axis=1)(layers.Dense(1, kernel_initializer="ones", use_bias=False)(masked))
    model = keras.Model(inputs, scores)
    out = N(model(T(x)))[..., 0]  # (3, 5)
    mask = np.any(x != 0.0, axis=-1)
    assert np.all(out[~mask] < 1e-6)
    np.testing.assert_allclose(out.sum(axis=1), np.ones(3), rtol=1e-5)


def test_masking_config_and_validation():
    assert layers.Masking(mask_value=2.5).get_config()["mask_value"] == 2.5
    with pytest.raises(ValueError, match="mask_value"):
        layers.Masking(mask_value="a")
