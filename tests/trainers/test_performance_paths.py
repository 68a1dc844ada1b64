"""Compiled vs eager steps, device-resident data, mixed precision (correctness, on CPU)."""
import warnings

import numpy as np
import pytest

import cornu as keras
from cornu import layers
from cornu.trainers.epoch_iterator import EpochIterator

rng = np.random.default_rng(3)
X = rng.random((48, 6)).astype("float32")
Y = np.eye(3)[rng.integers(0, 3, 48)].astype("float32")


def build(**compile_kwargs):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], **compile_kwargs)
    return model


def build_conv(**compile_kwargs):
    """Convolutions (kernels in the engine's memory order), batch norm (native kernels) and SGD momentum."""
    keras.utils.set_random_seed(2)
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3, activation="relu"),
                              layers.BatchNormalization(), layers.DepthwiseConv2D(2),
                              layers.GlobalAveragePooling2D(), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="categorical_crossentropy",
                  **compile_kwargs)
    return model


@pytest.mark.parametrize("builder,x", [(build, X), (build_conv, rng.random((48, 6, 6, 2)).astype("float32"))],
                         ids=["dense", "conv"])
def test_compiled_and_eager_steps_agree(builder, x):
    eager = builder(run_eagerly=True)
    fast = builder(jit_compile=True)
    h1 = eager.fit(x, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h2 = fast.fit(x, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    fallback = [str(w.message) for w in caught
                if str(w.message).startswith(("torch.compile failed", "torch.compile is unavailable"))]
    if fallback:  # e.g. no C++ compiler for torch's CPU code generator on this machine
        pytest.skip(f"torch.compile cannot run here: {fallback[0][:200]}")
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-4)
    for a, b in zip(eager.get_weights(), fast.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_device_resident_data_sees_every_sample_once_per_epoch():
    ids = np.arange(50, dtype="float32").reshape(50, 1)
    iterator = EpochIterator(ids, ids, batch_size=8, shuffle=True)
    assert iterator.adapter.on_device
    for _ in range(2):
        seen = []
        for _, (bx, by, _) in iterator.enumerate_epoch():
            assert keras.backend.is_tensor(bx)
            np.testing.assert_array_equal(keras.ops.convert_to_numpy(bx), keras.ops.convert_to_numpy(by))
            seen.extend(keras.ops.convert_to_numpy(bx)[:, 0].tolist())
        assert sorted(seen) == list(range(50))
        assert seen != list(range(50))  # shuffled


def test_mixed_precision_trains_like_float32():
    def run(policy):
        keras.mixed_precision.set_global_policy(policy)
        try:
            keras.utils.set_random_seed(11)
            inputs = keras.Input(shape=(6,))
            hidden = layers.Dense(32, activation="relu")(inputs)
            outputs = layers.Dense(3, activation="softmax", dtype="float32")(hidden)
            model = keras.Model(inputs, outputs)
            assert model.layers[1].compute_dtype == ("bfloat16" if policy == "mixed_bfloat16" else "float32")
            assert model.layers[1].kernel.dtype == "float32"
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            model.fit(X, Y, batch_size=8, epochs=15, verbose=0)
            return model.evaluate(X, Y, verbose=0)[1]
        finally:
            keras.mixed_precision.set_global_policy("float32")

    assert abs(run("mixed_bfloat16") - run("float32")) <= 0.1


def test_loss_scale_optimizer_skips_non_finite_steps_and_adapts_the_scale():
    var = keras.Variable(np.ones(3, "float32"))
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2)
    opt.build([var])
    opt.apply([np.full(3, 8.0, "float32")], [var])  # unscaled grad 1.0
    np.testing.assert_allclose(var.numpy(), 0.9, rtol=1e-6)
    opt.apply([np.array([np.inf, 1.0, 1.0], "float32")], [var])  # skipped, scale halves
    np.testing.assert_allclose(var.numpy(), 0.9, rtol=1e-6)
    assert float(opt.dynamic_scale.numpy()) == 4.0
    opt.apply([np.full(3, 4.0, "float32")], [var])
    opt.apply([np.full(3, 4.0, "float32")], [var])  # two finite steps: scale doubles
    np.testing.assert_allclose(var.numpy(), 0.7, rtol=1e-5)
    assert float(opt.dynamic_scale.numpy()) == 8.0
    assert float(keras.ops.convert_to_numpy(opt.scale_loss(keras.ops.convert_to_tensor(2.0)))) == 16.0


def test_float16_policy_wraps_the_optimizer():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    finally:
        keras.mixed_precision.set_global_policy("float32")
