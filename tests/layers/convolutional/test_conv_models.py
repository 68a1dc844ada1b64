"""Convolutional models: a small CNN trained with ``fit``, and parameter counts of reference architectures."""
import numpy as np

import cornu as keras
from cornu import backend

import conv_np_reference as R


# Parameter counts do not depend on initial values: constant initializers keep the JAX engine
# from compiling a random kernel for every weight shape.
K = dict(kernel_initializer="zeros")
SEP = dict(depthwise_initializer="zeros", pointwise_initializer="zeros")


def _small_cnn(seed=0):
    model = keras.Sequential([
        keras.Input((10, 10, 1)),
        keras.layers.Conv2D(32, 3, activation="relu", **K),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(10, **K),
    ])
    r = np.random.default_rng(seed)
    model.set_weights([(r.standard_normal(w.shape) * 0.3).astype("float32") for w in model.weights])
    return model


def test_small_cnn_predicts_like_numpy_and_trains_with_fit():
    model = _small_cnn()
    assert [layer.count_params() for layer in model.layers] == [3 * 3 * 1 * 32 + 32, 0, 0, 4 * 4 * 32 * 10 + 10]
    r = np.random.default_rng(0)
    x = r.standard_normal((32, 10, 10, 1)).astype("float32")
    y = r.integers(0, 10, size=(32,)).astype("int32")

    kernel, bias, dense_kernel, dense_bias = [np.asarray(w, np.float64) for w in model.get_weights()]
    hidden = R.pool(np.maximum(R.conv(x, kernel) + bias, 0), 2)  # (32, 4, 4, 32)
    expected = hidden.reshape(32, -1) @ dense_kernel + dense_bias  # Flatten is row-major over (h, w, c)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)

    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)) and losses[-1] < losses[0], losses


def test_param_count_mnist_convnet():
    # The Keras MNIST convnet; Keras reports 1,199,882 parameters.
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu", **K),
        keras.layers.Conv2D(64, 3, activation="relu", **K),
        keras.layers.MaxPooling2D(2),
        keras.layers.Dropout(0.25),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu", **K),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax", **K),
    ])
    counts = [layer.count_params() for layer in model.layers]
    assert counts == [320, 18496, 0, 0, 0, 12 * 12 * 64 * 128 + 128, 0, 1290]
    assert model.count_params() == 1199882


def test_param_count_separable_image_classifier():
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", **K)(inputs)
    x = keras.layers.SeparableConv2D(64, 3, padding="same", activation="relu", **SEP)(x)
    x = keras.layers.SeparableConv2D(64, 3, padding="same", depth_multiplier=2, activation="relu", **SEP)(x)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same")(x)
    x = keras.layers.SeparableConv2D(128, 3, padding="same", activation="relu", **SEP)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.25)(x)
    outputs = keras.layers.Dense(10, **K)(x)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output.shape) == (None, 10)
    expected = [
        3 * 3 * 3 * 32 + 32,  # Conv2D: kernel + bias
        3 * 3 * 32 + 32 * 64 + 64,  # SeparableConv2D: depthwise + pointwise + bias
        3 * 3 * 64 * 2 + 64 * 2 * 64 + 64,  # depth_multiplier=2
        3 * 3 * 64 + 64 * 128 + 128,
        128 * 10 + 10,
    ]
    assert model.count_params() == sum(expected) == 22890
    assert [w.shape for w in model.layers[2].weights] == [(3, 3, 32, 1), (1, 1, 32, 64), (64,)]


def test_param_count_conv1d_text_model():
    model = keras.Sequential([
        keras.Input((100, 16)),
        keras.layers.Conv1D(128, 5, activation="relu", **K),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(1, **K),
    ])
    assert model.count_params() == (5 * 16 * 128 + 128) + (128 + 1) == 10497
    assert tuple(model.layers[0].output.shape) == (None, 96, 128)


def test_conv_model_config_round_trip():
    model = _small_cnn()
    clone = keras.Sequential.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).standard_normal((2, 10, 10, 1)).astype("float32")
    np.testing.assert_allclose(backend.convert_to_numpy(clone(x)), backend.convert_to_numpy(model(x)), rtol=1e-6)
