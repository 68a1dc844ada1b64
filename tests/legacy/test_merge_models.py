"""Keras 1's ``Sequential`` starting with ``Merge([model_a, model_b], mode=...)``: built, trained
(the branches learn), saved and loaded; every merge mode against NumPy."""
import numpy as np
import pytest

import cornu
from cornu import layers, ops

rng = np.random.default_rng(3)


def _branch(units, input_dim, **kwargs):
    model = cornu.Sequential()
    model.add(layers.Dense(units, input_dim=input_dim, **kwargs))
    return model


def _set(layer, *arrays):
    layer.set_weights([np.asarray(a, "float32") for a in arrays])


def _call(model, xs):
    return ops.convert_to_numpy(model([ops.convert_to_tensor(x) for x in xs]))


def test_two_branch_sequential_trains_its_branches_like_numpy():
    left, right = _branch(3, 2, use_bias=False), _branch(2, 4, use_bias=False)
    model = cornu.Sequential()
    with pytest.warns(DeprecationWarning, match="Merge"):
        model.add(layers.Merge([left, right], mode="concat"))
    model.add(layers.Dense(1, use_bias=False))
    assert model.built and len(model.inputs) == 2 and model.input_shape == [(None, 2), (None, 4)]
    assert model.layers[0].name.startswith("merge") and model.output_shape == (None, 1)
    a, b, c = rng.normal(size=(2, 3)), rng.normal(size=(4, 2)), rng.normal(size=(5, 1))
    _set(left.layers[0], a), _set(right.layers[0], b), _set(model.layers[1], c)
    x1, x2 = rng.normal(size=(6, 2)).astype("float32"), rng.normal(size=(6, 4)).astype("float32")
    y = rng.normal(size=(6, 1)).astype("float32")
    np.testing.assert_allclose(_call(model, [x1, x2]), np.concatenate([x1 @ a, x2 @ b], 1) @ c, rtol=1e-5, atol=1e-6)

    model.compile(optimizer=cornu.optimizers.SGD(learning_rate=0.1), loss="mse")
    model.fit([x1, x2], y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    # One SGD step on mean((h @ c - y)^2), h = [x1 @ a, x2 @ b], by the chain rule in NumPy.
    h = np.concatenate([x1 @ a, x2 @ b], 1)
    g = 2 * (h @ c - y) / y.size
    dh = g @ c.T
    np.testing.assert_allclose(model.layers[1].kernel.numpy(), c - 0.1 * h.T @ g, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(left.layers[0].kernel.numpy(), a - 0.1 * x1.T @ dh[:, :3], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(right.layers[0].kernel.numpy(), b - 0.1 * x2.T @ dh[:, 3:], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("mode, reference", [
    ("sum", lambda p, q: p + q), ("mul", lambda p, q: p * q), ("ave", lambda p, q: (p + q) / 2),
    ("max", np.maximum), ("concat", lambda p, q: np.concatenate([p, q], -1)),
    ("dot", lambda p, q: np.sum(p * q, 1, keepdims=True)),
    ("cos", lambda p, q: np.sum(p * q, 1, keepdims=True) / np.sqrt(
        np.sum(p * p, 1, keepdims=True) * np.sum(q * q, 1, keepdims=True))),
])
def test_merge_of_models_every_mode(mode, reference):
    left, right = _branch(3, 2, use_bias=False), _branch(3, 4, use_bias=False)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(4, 3))
    _set(left.layers[0], a), _set(right.layers[0], b)
    with pytest.warns(DeprecationWarning):
        merged = layers.Merge([left, right], mode=mode, dot_axes=1)
    model = cornu.Sequential([merged])
    x1, x2 = rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(_call(model, [x1, x2]), reference(x1 @ a, x2 @ b), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_two_branch_sequential_saves_and_loads(tmp_path, suffix):
    left = _branch(3, 2, activation="relu")
    right = cornu.Sequential([cornu.Input((4,)), layers.Dense(2, activation="tanh")])
    model = cornu.Sequential()
    with pytest.warns(DeprecationWarning):
        model.add(layers.Merge([left, right], mode="concat", name="joined"))
    model.add(layers.Dense(2))
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    x1, x2 = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(4, 4)).astype("float32")
    model.save(tmp_path / f"m{suffix}")
    loaded = cornu.saving.load_model(tmp_path / f"m{suffix}")
    assert [layer.name for layer in loaded.layers] == ["joined", model.layers[1].name]
    np.testing.assert_allclose(_call(loaded, [x1, x2]), _call(model, [x1, x2]), rtol=1e-6, atol=1e-6)


def test_merge_needs_branches_with_known_inputs():
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="input shape"):
        layers.Merge([cornu.Sequential([layers.Dense(2)]), _branch(2, 3)], mode="sum")
    with pytest.raises(TypeError, match="at least 2"):  # (the Merge warning was given once above)
        layers.Merge([_branch(2, 3)], mode="sum")
