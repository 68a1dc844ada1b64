"""``steps_per_execution``: several batches per step-function call, same numbers as one at a time."""
import numpy as np

import cornu as keras
from cornu import layers

rng = np.random.default_rng(7)
X = rng.random((80, 5)).astype("float32")  # 10 batches of 8
Y = rng.integers(0, 2, (80, 1)).astype("float32")


def build(steps_per_execution):
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(6, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def test_grouped_steps_match_single_steps_and_report_each_group():
    single, grouped = build(1), build(3)
    ends, begins = [], []
    cb = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: begins.append(b),
                                        on_train_batch_end=lambda b, logs: ends.append(b))
    h1 = single.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    h2 = grouped.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[cb])
    assert ends == [2, 5, 8, 9] * 2 and begins == [0, 3, 6, 9] * 2
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(h1.history["accuracy"], h2.history["accuracy"])
    for a, b in zip(single.get_weights(), grouped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(single.evaluate(X, Y, batch_size=8, verbose=0),
                               grouped.evaluate(X, Y, batch_size=8, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(single.predict(X, verbose=0), grouped.predict(X, verbose=0), rtol=1e-5)


def test_single_batch_methods_work_with_grouped_steps():
    model = build(4)
    loss, acc = model.train_on_batch(X[:8], Y[:8])
    assert np.isfinite(loss) and 0.0 <= acc <= 1.0
    assert np.isfinite(model.test_on_batch(X[:8], Y[:8])[0])
