"""Models fed NumPy string arrays: StringLookup/TextVectorization inside fit/predict/evaluate
(host layers turn jit off, strings stay on the host, the rest trains as usual)."""
import numpy as np

import cornu
from cornu import layers


def _data():
    rng = np.random.default_rng(0)
    words = np.array(["red", "green", "blue", "cyan"])
    x = words[rng.integers(0, 4, (64, 5))]
    y = (np.sum(x == "red", axis=1) >= 2).astype("float32")[:, None]
    return x, y


def test_string_lookup_model_fits_predicts_and_evaluates():
    x, y = _data()
    inputs = cornu.Input((5,), dtype="string")
    lookup = layers.StringLookup(vocabulary=["red", "green", "blue"])
    h = layers.Embedding(lookup.vocabulary_size(), 4)(lookup(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(layers.GlobalAveragePooling1D()(h))
    model = cornu.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    assert model._jit() is False
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    after = model.evaluate(x, y, verbose=0)
    assert after[0] < before[0]
    assert model.predict(x[:7], verbose=0).shape == (7, 1)


def test_models_without_host_layers_keep_their_jit_mode():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model._jit() == model._jit_mode
