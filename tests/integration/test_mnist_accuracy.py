"""The seed MLP on real MNIST reaches >= 97.5% test accuracy within 5 epochs."""
import numpy as np
import pytest

import cornu as keras
from cornu import layers


def test_seed_mlp_on_real_mnist(datasets_dir):
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    x_train = x_train.reshape(60000, 784).astype("float32") / 255
    x_test = x_test.reshape(10000, 784).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    keras.utils.set_random_seed(1337)
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(512, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=128, epochs=5, validation_split=0.1, verbose=0)
    assert len(history.history["val_accuracy"]) == 5
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.975, accuracy
    assert np.isfinite(loss)
