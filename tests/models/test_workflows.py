"""The seed workflows of the core issue, on the current engine."""
import numpy as np
import pytest

import cornu as keras
from cornu import layers, ops

rng = np.random.default_rng(0)


def test_sequential_and_functional_mlp_train():
    x = rng.random((64, 8)).astype("float32")
    y = np.eye(3)[rng.integers(0, 3, 64)].astype("float32")
    seq = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"),
                            layers.Dense(3, activation="softmax")])
    inputs = keras.Input(shape=(8,))
    outputs = layers.Dense(3, activation="softmax")(layers.Dense(16, activation="relu")(inputs))
    func = keras.Model(inputs, outputs)
    assert isinstance(func, keras.Functional)
    for model in (seq, func):
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        before = model.evaluate(x, y, verbose=0)[0]
        history = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
        assert set(history.history) == {"loss", "accuracy"}
        assert len(history.history["loss"]) == 5
        after = model.evaluate(x, y, verbose=0)[0]
        assert after < before
        assert model.predict(x, verbose=0).shape == (64, 3)


def test_summary_param_count_of_the_seed_functional_model(capsys):
    inputs = keras.Input(shape=(64,))
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.Dense(32, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="mnist_model")
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "mnist_model"' in out
    assert "Total params: 3,466" in out
    assert "Trainable params: 3,466" in out
    assert "Non-trainable params: 0" in out
    assert "(None, 32)" in out and "Layer (type)" in out and "Output Shape" in out and "Param #" in out
    assert model.count_params() == 3466


def qa_model():
    question = keras.Input(shape=(6,), name="question")
    context = keras.Input(shape=(4,), name="context")
    merged = ops.concatenate([layers.Dense(5)(question), layers.Dense(5)(context)], axis=-1)
    answer = layers.Dense(2, activation="softmax", name="answer")(merged)
    return keras.Model([question, context], answer)


def test_two_input_model_fed_by_list_and_by_dict():
    model = qa_model()
    q = rng.random((20, 6)).astype("float32")
    c = rng.random((20, 4)).astype("float32")
    y = np.eye(2)[rng.integers(0, 2, 20)].astype("float32")
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit([q, c], y, epochs=1, batch_size=5, verbose=0)
    model.fit({"question": q, "context": c}, y, epochs=1, batch_size=5, verbose=0)
    by_list = model.predict([q, c], verbose=0)
    by_dict = model.predict({"context": c, "question": q}, verbose=0)
    np.testing.assert_allclose(by_list, by_dict, rtol=1e-6)
    assert model.input_names == ["question", "context"]


def three_output_model():
    inputs = keras.Input(shape=(5,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    a = layers.Dense(1, name="a")(hidden)
    b = layers.Dense(3, activation="softmax", name="b")(hidden)
    c = layers.Dense(1, activation="sigmoid", name="c")(hidden)
    return keras.Model(inputs, [a, b, c])


def test_three_outputs_with_losses_as_list_and_dict_and_loss_weights():
    x = rng.random((24, 5)).astype("float32")
    ya = rng.random((24, 1)).astype("float32")
    yb = np.eye(3)[rng.integers(0, 3, 24)].astype("float32")
    yc = rng.integers(0, 2, (24, 1)).astype("float32")
    model = three_output_model()
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy", "binary_crossentropy"],
                  loss_weights=[1.0, 0.5, 2.0], metrics={"b": ["accuracy"], "c": ["accuracy"]})
    logs = model.evaluate(x, [ya, yb, yc], verbose=0, return_dict=True)
    for key in ("loss", "a_loss", "b_loss", "c_loss", "b_accuracy", "c_accuracy"):
        assert key in logs, logs
    assert logs["loss"] == pytest.approx(logs["a_loss"] + 0.5 * logs["b_loss"] + 2.0 * logs["c_loss"], rel=1e-4)
    model.fit(x, [ya, yb, yc], epochs=1, batch_size=8, verbose=0)

    model2 = three_output_model()
    model2.compile(optimizer="sgd", loss={"a": "mse", "b": "categorical_crossentropy", "c": "binary_crossentropy"},
                   loss_weights={"a": 1.0, "b": 0.5, "c": 2.0})
    model2.set_weights(model.get_weights())
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy", "binary_crossentropy"],
                  loss_weights=[1.0, 0.5, 2.0])
    list_logs = model.evaluate(x, [ya, yb, yc], verbose=0, return_dict=True)
    dict_logs = model2.evaluate(x, {"a": ya, "b": yb, "c": yc}, verbose=0, return_dict=True)
    assert dict_logs["loss"] == pytest.approx(list_logs["loss"], rel=1e-5)


def test_shared_layer_applied_to_two_inputs():
    shared = layers.Dense(4, name="shared")
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Dense(1)(ops.concatenate([shared(a), shared(b)], axis=-1))
    model = keras.Model([a, b], out)
    assert len(shared._inbound_nodes) == 2
    assert model.count_params() == 3 * 4 + 4 + 8 + 1
    xa = rng.random((2, 3)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(shared(xa)), xa @ shared.get_weights()[0] + shared.get_weights()[1],
                               rtol=1e-5, atol=1e-6)
    # Keras 3: `output` is the first call's output (Keras 2 raised for several nodes).
    assert shared.output is shared.get_output_at(0) and shared.get_output_at(1) is not shared.output


def test_model_used_as_a_layer():
    inner_in = keras.Input(shape=(4,))
    inner = keras.Model(inner_in, layers.Dense(2)(inner_in), name="inner")
    outer_in = keras.Input(shape=(4,))
    outer = keras.Model(outer_in, layers.Dense(1)(inner(outer_in)))
    assert outer.count_params() == inner.count_params() + 3
    x = rng.random((3, 4)).astype("float32")
    expected = ops.convert_to_numpy(inner(x)) @ outer.layers[-1].get_weights()[0] + outer.layers[-1].get_weights()[1]
    np.testing.assert_allclose(outer.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert outer.get_layer("inner") is inner


class TwoLayer(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs, training=False):
        return self.out(self.hidden(inputs))


def test_subclassed_model_tracks_weights_and_trains():
    model = TwoLayer()
    x = rng.random((32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert len(model.trainable_weights) == 4
    assert model.layers == [model.hidden, model.out]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_disconnected_graph_names_the_unreachable_input():
    a = keras.Input(shape=(2,), name="first")
    b = keras.Input(shape=(2,), name="second")
    out = layers.Dense(1)(ops.concatenate([a, b], axis=-1))
    with pytest.raises(ValueError, match="Graph disconnected.*second"):
        keras.Model(a, out)


def test_get_layer_and_graph_attributes():
    inputs = keras.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    model = keras.Model(inputs, dense(inputs))
    assert model.get_layer("d") is dense
    assert model.get_layer(index=1) is dense
    assert dense.input is inputs and dense.output_shape == (None, 2)
    assert model.inputs == [inputs] and model.outputs[0].shape == (None, 2)
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_sequential_add_pop_input_shape_and_deferred_build():
    model = keras.Sequential()
    model.add(layers.Dense(4, input_shape=(3,)))
    model.add(layers.Dense(2))
    assert model.built and model.output_shape == (None, 2)
    popped = model.pop()
    assert isinstance(popped, layers.Dense) and model.output_shape == (None, 4)
    legacy = keras.Sequential([layers.Dense(5, input_dim=7), layers.Dense(1)])
    assert legacy.count_params() == 7 * 5 + 5 + 6
    deferred = keras.Sequential([layers.Dense(4), layers.Dense(1)])
    assert not deferred.built
    deferred.compile(optimizer="sgd", loss="mse")
    deferred.fit(rng.random((8, 6)).astype("float32"), rng.random((8, 1)).astype("float32"), verbose=0)
    assert deferred.built and deferred.count_params() == 6 * 4 + 4 + 5


def test_auto_names_are_unique():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name and a.name.startswith("dense") and b.name.startswith("dense")


def test_layer_is_a_torch_module_when_on_torch():
    if keras.backend.backend() != "torch":
        pytest.skip("torch-only integration")
    import torch

    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4), layers.Dense(1)])
    assert isinstance(model, torch.nn.Module)
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == 4
    out = model(torch.ones(2, 3))
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert sum(p.numel() for p in model.parameters()) == model.count_params()


def test_intermediate_tensor_as_model_input():
    inputs = keras.Input(shape=(3,))
    hidden = layers.Dense(4, name="first")(inputs)
    out = layers.Dense(2, name="second")(hidden)
    head = keras.Model(hidden, out)
    assert [layer.name for layer in head.layers] == ["second"]
    h = rng.random((5, 4)).astype("float32")
    second = head.get_layer("second")
    np.testing.assert_allclose(head.predict(h, verbose=0), h @ second.get_weights()[0] + second.get_weights()[1],
                               rtol=1e-5, atol=1e-6)
