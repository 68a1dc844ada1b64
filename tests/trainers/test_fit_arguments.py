"""compile/fit/evaluate/predict arguments and inputs, and the errors users hit."""
import numpy as np
import pytest

import cornu as keras
from cornu import layers

rng = np.random.default_rng(1)
X = rng.random((40, 4)).astype("float32")
Y = (X.sum(axis=1, keepdims=True) > 2).astype("float32")


def small_model(loss="binary_crossentropy", metrics=("accuracy",), optimizer="sgd"):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(6, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def test_validation_split_uses_the_last_samples():
    model = small_model()
    history = model.fit(X, Y, validation_split=0.25, epochs=2, batch_size=10, verbose=0)
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} == set(history.history)
    val = model.evaluate(X[30:], Y[30:], verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(val["loss"], rel=1e-5)


def test_validation_data_freq_and_initial_epoch():
    model = small_model()
    history = model.fit(X, Y, validation_data=(X[:8], Y[:8]), validation_freq=2, epochs=4, initial_epoch=1,
                        verbose=0)
    assert history.epoch == [1, 2, 3]
    assert len(history.history["val_loss"]) == 2
    assert len(history.history["loss"]) == 3


def test_steps_per_epoch_and_generators():
    model = small_model()

    def gen():
        while True:
            for i in range(0, 40, 8):
                yield X[i:i + 8], Y[i:i + 8]

    history = model.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.evaluate(gen(), steps=2, verbose=0)[0] > 0
    history = model.fit(X, Y, batch_size=8, steps_per_epoch=2, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_pydataset_and_dataloader_inputs():
    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__()
            self.epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]

        def on_epoch_end(self):
            self.epochs_ended += 1

    data = Batches()
    model = small_model()
    model.fit(data, epochs=2, verbose=0)
    assert data.epochs_ended == 2
    import torch.utils.data as tud

    loader = tud.DataLoader(tud.TensorDataset(__import__("torch").from_numpy(X), __import__("torch").from_numpy(Y)),
                            batch_size=10)
    history = model.fit(loader, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_sample_weight_and_class_weight_change_the_loss():
    model = small_model(metrics=())
    base = model.evaluate(X, Y, verbose=0)
    weights = np.where(Y[:, 0] > 0, 2.0, 0.0).astype("float32")
    weighted = model.evaluate(X, Y, sample_weight=weights, verbose=0)
    per_sample = keras.losses.binary_crossentropy(Y, model.predict(X, verbose=0))
    expected = float(np.sum(keras.ops.convert_to_numpy(per_sample) * weights) / len(X))
    assert weighted == pytest.approx(expected, rel=1e-4)
    assert weighted != pytest.approx(base)
    model.fit(X, Y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)


def test_evaluate_return_forms_and_metrics_names():
    model = small_model()
    values = model.evaluate(X, Y, verbose=0)
    assert isinstance(values, list) and len(values) == 2
    assert model.metrics_names == ["loss", "accuracy"]
    as_dict = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "accuracy"]
    only_loss = small_model(metrics=()).evaluate(X, Y, verbose=0)
    assert isinstance(only_loss, float)


def test_accuracy_resolution():
    dense = small_model()
    dense.evaluate(X, Y, verbose=0)
    assert dense.metrics[1]._fn.__name__ == "binary_accuracy" if hasattr(dense.metrics[1], "_fn") else True
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["acc"])
    labels = rng.integers(0, 3, 40)
    probs = model.predict(X, verbose=0)
    result = model.evaluate(X, labels, verbose=0, return_dict=True)
    assert result["acc"] == pytest.approx(np.mean(np.argmax(probs, 1) == labels))
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    onehot = np.eye(3)[labels].astype("float32")
    assert model.evaluate(X, onehot, verbose=0, return_dict=True)["accuracy"] == pytest.approx(
        np.mean(np.argmax(probs, 1) == labels))


def test_batch_methods():
    model = small_model()
    loss, acc = model.train_on_batch(X[:8], Y[:8])
    assert np.isfinite(loss) and 0 <= acc <= 1
    assert model.test_on_batch(X[:8], Y[:8], return_dict=True).keys() == {"loss", "accuracy"}
    np.testing.assert_allclose(model.predict_on_batch(X[:8]), model.predict(X[:8], verbose=0), rtol=1e-6)


def test_freezing_a_layer_keeps_its_weights():
    model = small_model()
    first = model.layers[0]
    first.trainable = False
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    before = [w.copy() for w in first.get_weights()]
    after_other = model.layers[1].get_weights()[0].copy()
    model.fit(X, Y, epochs=2, verbose=0)
    for b, a in zip(before, first.get_weights()):
        np.testing.assert_array_equal(b, a)
    assert not np.array_equal(after_other, model.layers[1].get_weights()[0])
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2


def test_set_random_seed_makes_runs_repeatable():
    def run():
        keras.utils.set_random_seed(123)
        model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8), layers.Dropout(0.5), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_dropout_seed_and_noise_shape():
    x = np.ones((4, 3, 5), "float32")
    out = keras.ops.convert_to_numpy(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=7)(x, training=True))
    assert set(np.unique(out)) <= {0.0, 2.0}
    np.testing.assert_array_equal(out[:, 0, :], out[:, 1, :])
    again = keras.ops.convert_to_numpy(layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=7)(x, training=True))
    np.testing.assert_array_equal(out, again)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layers.Dropout(0.5)(x)), x)


def test_learning_rate_settable_during_training():
    model = small_model(optimizer=keras.optimizers.SGD(learning_rate=0.1))

    class Halve(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.learning_rate = float(self.model.optimizer.learning_rate) / 2

    model.fit(X, Y, epochs=2, verbose=0, callbacks=[Halve()])
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.025)


def test_stop_training_from_a_callback():
    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    history = small_model().fit(X, Y, epochs=5, batch_size=8, verbose=0, callbacks=[Stop()])
    assert len(history.history["loss"]) == 1


# -- bad input ---------------------------------------------------------------------
def test_wrong_input_shape_is_a_clear_error():
    model = small_model()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(5, 3\)"):
        model.predict(np.zeros((5, 3), "float32"), verbose=0)


def test_wrong_number_of_inputs():
    a, b = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    model = keras.Model([a, b], layers.Dense(1)(keras.ops.concatenate([a, b])))
    with pytest.raises(ValueError, match="expects 2 input\\(s\\), but it received 1"):
        model.predict(np.zeros((3, 2), "float32"), verbose=0)


def test_unknown_names():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="foo_loss"):
        model.compile(optimizer="sgd", loss="foo_loss")
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="nadamx"):
        model.compile(optimizer="nadamx", loss="mse")
    with pytest.raises(ValueError, match="swoosh"):
        layers.Dense(2, activation="swoosh")


def test_mismatched_x_y_lengths():
    model = small_model()
    with pytest.raises(ValueError, match="x sizes: \\[40\\], y sizes: \\[30\\]"):
        model.fit(X, Y[:30], verbose=0)


def test_fit_before_compile():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(X, Y, verbose=0)


def test_invalid_layer_arguments_name_the_layer():
    with pytest.raises(ValueError, match="units.*positive integer.*-3"):
        layers.Dense(-3)
    with pytest.raises(TypeError, match="Unrecognized keyword argument.*bogus"):
        layers.Dense(3, bogus=1)
    dense = layers.Dense(2, name="my_dense")
    dense(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="my_dense.*axis -1.*value 3.*\\(1, 5\\)"):
        dense(np.zeros((1, 5), "float32"))


def test_pydataset_workers_prefetch_in_order():
    import threading

    class Slow(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=3, max_queue_size=4)
            self.threads = set()
            self.order = []

        def __len__(self):
            return 4

        def __getitem__(self, i):
            self.threads.add(threading.get_ident())
            return X[i * 10:(i + 1) * 10], Y[i * 10:(i + 1) * 10]

    data = Slow()
    model = small_model(metrics=())
    model.fit(data, epochs=1, verbose=0)
    assert data.threads - {threading.get_ident()}, "no batch was built on a worker thread"
    from cornu.trainers.data_adapters.iterable_adapters import PyDatasetAdapter

    batches = [b[0] for b in PyDatasetAdapter(data).get_epoch_iterator()]
    for i, batch in enumerate(batches):
        np.testing.assert_array_equal(batch, X[i * 10:(i + 1) * 10])
