"""Keras 2's `K.*` functions on `cornu.backend` (= `keras.backend`), checked against NumPy."""
import numpy as np
import pytest

import cornu
from cornu import backend as K
from cornu import layers

rng = np.random.default_rng(1)


def _np(x):
    return K.eval(x)


def test_reductions_and_elementwise_against_numpy():
    x = rng.normal(size=(3, 4)).astype("float32")
    t = K.variable(x)
    np.testing.assert_allclose(_np(K.mean(t, axis=1)), x.mean(1), rtol=1e-6)
    np.testing.assert_allclose(_np(K.sum(t, axis=0, keepdims=True)), x.sum(0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(_np(K.square(t.value)), x ** 2, rtol=1e-6)
    np.testing.assert_allclose(_np(K.max(t, axis=-1)), x.max(-1))
    np.testing.assert_allclose(_np(K.batch_flatten(K.variable(x.reshape(3, 2, 2)))), x.reshape(3, 4))
    norm = x / np.sqrt(np.maximum((x ** 2).sum(1, keepdims=True), 1e-12))
    np.testing.assert_allclose(_np(K.l2_normalize(t.value, axis=1)), norm, rtol=1e-5)
    np.testing.assert_allclose(_np(K.concatenate([t.value, t.value], axis=0)), np.concatenate([x, x]))
    np.testing.assert_allclose(_np(K.relu(t.value, alpha=0.1, max_value=0.5)),
                               np.minimum(np.where(x > 0, x, 0.1 * x), 0.5), rtol=1e-6)
    np.testing.assert_array_equal(_np(K.cast(t.value, "int32")), x.astype("int32"))
    assert K.dtype(K.cast(t.value, "float16")) == "float16"
    np.testing.assert_allclose(_np(K.permute_dimensions(t.value, (1, 0))), x.T)
    y = rng.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(_np(K.batch_dot(t.value, K.variable(y).value, axes=1)),
                               (x * y).sum(1, keepdims=True), rtol=1e-5)


def test_categorical_crossentropy_takes_target_first():
    target = np.eye(3, dtype="float32")[[0, 2]]
    output = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], "float32")
    got = _np(K.categorical_crossentropy(K.variable(target).value, K.variable(output).value))
    np.testing.assert_allclose(got, -np.log([0.7, 0.6]), rtol=1e-5)
    logits = np.log(output)
    got = _np(K.categorical_crossentropy(K.variable(target).value, K.variable(logits).value, from_logits=True))
    np.testing.assert_allclose(got, -np.log([0.7, 0.6]), rtol=1e-5)


def test_variables_and_values():
    v = K.variable(np.zeros((2, 2)), dtype="float32", name="v")
    K.set_value(v, np.ones((2, 2)))
    np.testing.assert_array_equal(K.get_value(v), np.ones((2, 2)))
    assert K.int_shape(v) == (2, 2) and K.epsilon() == pytest.approx(1e-7)
    assert K.is_keras_tensor(cornu.Input((3,))) and not K.is_keras_tensor(v)
    p = K.placeholder(shape=(None, 5))
    assert K.is_keras_tensor(p) and K.int_shape(p) == (None, 5)
    assert K.int_shape(K.placeholder(ndim=3)) == (None, None, None)
    with pytest.raises(ValueError, match="K.function"):
        K.eval(p)


def test_image_dim_ordering_round_trip():
    assert K.image_dim_ordering() == "tf"
    with pytest.warns(DeprecationWarning, match="set_image_dim_ordering"):
        K.set_image_dim_ordering("th")
    try:
        assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
    finally:
        K.set_image_data_format("channels_last")


def _dense_model():
    inp = cornu.Input((3,))
    hidden = layers.Dense(4, activation="tanh")(inp)
    dropped = layers.Dropout(0.5)(hidden)
    out = layers.Dense(1)(dropped)
    return inp, hidden, out, cornu.Model(inp, out)


def test_function_with_learning_phase():
    inp, hidden, out, model = _dense_model()
    x = rng.random((6, 3)).astype("float32")
    W1, b1 = model.layers[1].get_weights()
    W2, b2 = model.layers[3].get_weights()
    f = K.function([inp, K.learning_phase()], [hidden, out])
    h, y = f([x, 0])
    np.testing.assert_allclose(h, np.tanh(x @ W1 + b1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y, np.tanh(x @ W1 + b1) @ W2 + b2, rtol=1e-5, atol=1e-5)
    _, y_train = f([x, 1])  # dropout active: some units zeroed, the rest doubled
    assert not np.allclose(y_train, y)
    K.set_learning_phase(0)
    try:
        assert K.learning_phase() == 0
        np.testing.assert_allclose(K.function([inp], [out])([x])[0], y, rtol=1e-5, atol=1e-5)
    finally:
        K.clear_session()
    assert K.is_keras_tensor(K.learning_phase())


def test_gradients_wrt_inputs_intermediates_and_weights():
    inp, hidden, out, model = _dense_model()
    x = rng.random((5, 3)).astype("float32")
    W1, b1 = model.layers[1].get_weights()
    W2, _ = model.layers[3].get_weights()
    loss = K.sum(K.square(out))
    g_x, g_h, g_w2 = K.gradients(loss, [inp, hidden, model.layers[3].kernel])
    scaled = g_x * 2.0  # ops on gradients stay symbolic
    f = K.function([inp], [loss, g_x, g_h, g_w2, scaled])
    loss_v, gx, gh, gw2, gs = f([x])
    h = np.tanh(x @ W1 + b1)
    y = h @ W2 + model.layers[3].get_weights()[1]
    dy = 2 * y                                   # d sum(y^2) / dy
    np.testing.assert_allclose(loss_v, (y ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(gh, dy @ W2.T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gx, ((dy @ W2.T) * (1 - h ** 2)) @ W1.T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gw2, h.T @ dy, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gs, 2 * gx, rtol=1e-6)


def test_gradients_need_symbolic_losses():
    with pytest.raises(NotImplementedError, match="symbolic"):
        K.gradients(K.variable(np.ones(2)).value, [])
    with pytest.raises(NotImplementedError, match="updates"):
        inp = cornu.Input((2,))
        K.function([inp], [inp], updates=[(K.variable(0.0), 1.0)])


def test_keras1_config_image_dim_ordering(tmp_path, monkeypatch):
    import json

    from cornu import legacy

    monkeypatch.setenv("CORNU_HOME", str(tmp_path))
    (tmp_path / "cornu.json").write_text(json.dumps({"backend": K.backend(), "image_dim_ordering": "th"}))
    try:
        legacy._apply_image_dim_ordering()
        assert K.image_data_format() == "channels_first"
        (tmp_path / "cornu.json").write_text(json.dumps({"image_dim_ordering": "th",
                                                         "image_data_format": "channels_last"}))
        K.set_image_data_format("channels_last")
        legacy._apply_image_dim_ordering()  # an explicit image_data_format wins
        assert K.image_data_format() == "channels_last"
    finally:
        K.set_image_data_format("channels_last")
