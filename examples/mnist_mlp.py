"""The seed example: an MLP on real MNIST, as a Keras user writes it.

Run with ``bash scripts/main.sh`` (or ``python examples/mnist_mlp.py``).
"""
import cornu as keras
from cornu import layers

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(60000, 784).astype("float32") / 255
x_test = x_test.reshape(10000, 784).astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

keras.utils.set_random_seed(1337)
model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense(10, activation="softmax"),
])
model.summary()
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=128, epochs=5, validation_split=0.1)
score = model.evaluate(x_test, y_test, verbose=0)
print(dict(zip(model.metrics_names, score)))
print(f"Test accuracy: {score[1]:.4f} (engine: {keras.backend.backend()})")
