"""The layer test harness itself: it passes ``Dense`` and catches broken layers."""
import numpy as np
import pytest

from cornu import layers, ops
from cornu.testing import LayerTestFailure, run_layer_test


def test_dense_passes_every_check():
    layer = run_layer_test(
        layers.Dense, {"units": 3, "activation": "tanh"}, input_shape=(4, 5),
        expected_output_shape=(4, 3), expected_output_dtype="float32",
        expected_num_trainable_weights=2, expected_num_non_trainable_weights=0,
        expected_num_seed_generators=0, expected_num_losses=0, supports_masking=True,
        expected_weights=[("kernel", (5, 3)), ("bias", (3,))],
    )
    assert layer.built


def test_dense_3d_input_goes_through_flatten_in_training():
    run_layer_test(layers.Dense, {"units": 2}, input_shape=(3, 4, 5), expected_output_shape=(3, 4, 2))


def test_expected_output_is_compared_with_numpy():
    x = np.random.default_rng(0).standard_normal((2, 4)).astype("float32")
    run_layer_test(layers.Dense, {"units": 2, "kernel_initializer": "ones"}, input_data=x,
                   expected_output=x @ np.ones((4, 2), "float32"), run_training_check=False)
    with pytest.raises(LayerTestFailure, match="differs from expected"):
        run_layer_test(layers.Dense, {"units": 2, "kernel_initializer": "ones"}, input_data=x,
                       expected_output=x @ np.ones((4, 2), "float32") + 1.0, run_training_check=False)


@pytest.mark.parametrize("kwargs, match", [
    ({"expected_output_shape": (4, 4)}, "eager output shape"),
    ({"expected_num_trainable_weights": 1}, "trainable weights, expected 1"),
    ({"expected_num_non_trainable_weights": 1}, "non-trainable weights"),
    ({"expected_num_seed_generators": 1}, "seed generators"),
    ({"supports_masking": False}, "supports_masking"),
    ({"expected_weights": [("bias", (3,)), ("kernel", (5, 3))]}, "weights \\(name, shape\\)"),
    ({"expected_output_dtype": "float16"}, "output dtype"),
])
def test_wrong_expectations_fail(kwargs, match):
    with pytest.raises(LayerTestFailure, match=match):
        run_layer_test(layers.Dense, {"units": 3}, input_shape=(4, 5), run_training_check=False, **kwargs)


class _ForgetsConfig(layers.Dense):
    def get_config(self):
        config = super().get_config()
        config["units"] = 1  # wrong: the revived layer differs
        return config


class _DropsActivation(layers.Dense):
    def get_config(self):
        config = super().get_config()
        del config["activation"]  # the revived layer falls back to linear
        return config


class _WrongOutputShape(layers.Dense):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units + 1,)


class _DeadWeight(layers.Layer):
    """Has a trainable weight that never reaches the output."""

    def build(self, input_shape):
        self.unused = self.add_weight(shape=(2,), initializer="ones", name="unused")

    def call(self, inputs):
        return ops.multiply(inputs, 2.0)

    def compute_output_shape(self, input_shape):
        return input_shape


def test_bad_config_round_trip_fails():
    with pytest.raises(LayerTestFailure):
        run_layer_test(_ForgetsConfig, {"units": 3}, input_shape=(2, 4), run_training_check=False,
                       custom_objects={"_ForgetsConfig": _ForgetsConfig})


def test_config_missing_an_argument_fails():
    with pytest.raises(LayerTestFailure, match="different outputs"):
        run_layer_test(_DropsActivation, {"units": 3, "activation": "tanh"}, input_shape=(2, 4),
                       run_training_check=False, custom_objects={"_DropsActivation": _DropsActivation})


def test_wrong_compute_output_shape_fails():
    with pytest.raises(LayerTestFailure, match="symbolic output shape|compute_output_shape"):
        run_layer_test(_WrongOutputShape, {"units": 3}, input_shape=(2, 4), run_training_check=False,
                       run_serialization_check=False)


def test_weight_untouched_by_training_fails():
    with pytest.raises(LayerTestFailure, match="did not change in training"):
        run_layer_test(_DeadWeight, {}, input_shape=(2, 3), run_serialization_check=False)


def test_needs_input():
    with pytest.raises(ValueError, match="input_shape"):
        run_layer_test(layers.Dense, {"units": 3})
