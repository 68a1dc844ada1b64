"""Model methods Keras 3 removed, back for Keras 1/2 code."""
import numpy as np
import pytest

import cornu
from cornu import layers

rng = np.random.default_rng(2)
X = rng.random((24, 4)).astype("float32")
Y = (X.sum(1, keepdims=True) > 2).astype("float32")


def _model(units=1, activation="sigmoid"):
    cornu.utils.set_random_seed(0)
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss="binary_crossentropy" if units == 1 else "categorical_crossentropy")
    return model


class CountingGenerator:
    """Batches of 5 samples, counting how many were drawn."""

    def __init__(self, x, y=None):
        self.x, self.y, self.drawn = x, y, 0

    def __iter__(self):
        return self

    def __next__(self):
        start = (self.drawn * 5) % (len(self.x) - 4)
        self.drawn += 1
        batch = self.x[start:start + 5]
        return batch if self.y is None else (batch, self.y[start:start + 5])


def test_fit_generator_counts_keras1_samples():
    model = _model()
    gen = CountingGenerator(X, Y)
    with pytest.warns(DeprecationWarning) as record:
        history = model.fit_generator(gen, samples_per_epoch=12, nb_epoch=2, verbose=0, nb_worker=2,
                                      max_q_size=4, pickle_safe=False)
    # ceil(12 / 5) = 3 batches per epoch, the first one peeked to learn the batch size.
    assert gen.drawn == 6 and len(history.history["loss"]) == 2
    messages = " ".join(str(w.message) for w in record)
    for word in ("fit_generator", "samples_per_epoch", "nb_epoch", "nb_worker", "max_q_size", "pickle_safe"):
        assert word in messages


def test_fit_generator_keras2_steps_and_validation_generator():
    model = _model()
    train, val = CountingGenerator(X, Y), CountingGenerator(X, Y)
    with pytest.warns(DeprecationWarning, match="fit_generator"):
        history = model.fit_generator(train, 4, 2, verbose=0, validation_data=val, validation_steps=2,
                                      workers=1, use_multiprocessing=False, max_queue_size=10)
    assert train.drawn == 8 and val.drawn == 4
    assert sorted(history.history) == ["loss", "val_loss"]
    with pytest.raises(ValueError, match="steps_per_epoch"):  # already warned above
        model.fit_generator(CountingGenerator(X, Y), epochs=1)


def test_evaluate_and_predict_generators_match_arrays():
    model = _model()
    with pytest.warns(DeprecationWarning, match="evaluate_generator"):
        score = model.evaluate_generator(CountingGenerator(X[:20], Y[:20]), steps=4)
    np.testing.assert_allclose(score, model.evaluate(X[:20], Y[:20], batch_size=5, verbose=0), rtol=1e-5)
    with pytest.warns(DeprecationWarning) as record:
        preds = model.predict_generator(CountingGenerator(X[:20]), val_samples=20)
    assert any("val_samples" in str(w.message) for w in record)
    np.testing.assert_allclose(preds, model.predict(X[:20], verbose=0), rtol=1e-5, atol=1e-6)


def test_predict_classes_and_proba():
    binary = _model()
    with pytest.warns(DeprecationWarning, match="predict_classes"):
        classes = binary.predict_classes(X, verbose=0)
    np.testing.assert_array_equal(classes, (binary.predict(X, verbose=0) > 0.5).astype("int32"))
    multi = _model(3, "softmax")
    np.testing.assert_array_equal(multi.predict_classes(X), multi.predict(X, verbose=0).argmax(-1))
    with pytest.warns(DeprecationWarning, match="predict_proba"):
        np.testing.assert_allclose(multi.predict_proba(X), multi.predict(X, verbose=0), rtol=1e-6)
    linear = _model(2, None)
    with pytest.warns(UserWarning, match="invalid probability"):
        linear.predict_proba(X * 100)


def test_to_yaml_and_model_from_yaml_round_trip():
    model = _model(3, "softmax")
    text = model.to_yaml()
    assert "Dense" in text and "softmax" in text
    clone = cornu.models.model_from_yaml(text)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert cornu.models.load_model is cornu.saving.load_model
