"""Convolution kernels stored in the order the engine's kernels read them.

The torch engine convolves channels-last images in its channels-last format,
which reads a Keras ``(h, w, in, out)`` kernel as ``(out, h, w, in)``: the
kernel variable (and its optimizer slots) are stored in that memory order so
that no step copies them. Shapes, values, saving and training are unchanged.
"""
import numpy as np
import pytest

import cornu as keras
from cornu import backend
from cornu.backend.common.variables import VariableBase
from cornu.layers.convolutional._conv_layer_utils import conv_kernel_memory_order, depthwise_kernel_memory_order

TORCH = backend.backend() == "torch"


def _strides_follow(tensor, order):
    """True when ``tensor`` is dense with its axes in memory ``order`` (outermost first)."""
    strides = tensor.stride()
    expected = 1
    for axis in reversed(order):
        if tensor.shape[axis] != 1 and strides[axis] != expected:
            return False
        expected *= tensor.shape[axis]
    return True


def test_memory_orders():
    assert conv_kernel_memory_order(2, "channels_last") == (3, 0, 1, 2)
    assert conv_kernel_memory_order(3, "channels_last") == (4, 0, 1, 2, 3)
    assert conv_kernel_memory_order(2, "channels_first") == (3, 2, 0, 1)
    assert conv_kernel_memory_order(1, "channels_last") == (2, 1, 0)


def test_values_shape_and_numpy_are_unchanged():
    value = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    v = backend.Variable(value)
    v._prefer_memory_order((3, 0, 1, 2))
    assert v.shape == (2, 3, 4, 5)
    out = v.numpy()
    np.testing.assert_array_equal(out, value)
    assert out.flags["C_CONTIGUOUS"]
    v.assign(value + 1)
    np.testing.assert_array_equal(v.numpy(), value + 1)
    if TORCH:
        assert _strides_follow(v.value, (3, 0, 1, 2))  # assign keeps the layout


def test_bad_order_names_the_variable():
    v = backend.Variable(np.zeros((2, 3), "float32"), name="kern")
    with pytest.raises(ValueError, match="kern.*permutation.*\\(0, 0\\)"):
        v._prefer_memory_order((0, 0))


def test_numpy_of_a_variable_is_an_independent_copy():
    v = backend.Variable(np.zeros((2, 2), "float32"))
    snapshot = v.numpy()
    converted = keras.ops.convert_to_numpy(v)
    v.assign(np.ones((2, 2), "float32"))
    assert snapshot.sum() == 0 and converted.sum() == 0
    snapshot[0, 0] = 5.0
    assert v.numpy()[0, 0] == 1.0


@pytest.mark.skipif(not TORCH, reason="XLA chooses its own layouts; the hint is recorded only")
@pytest.mark.parametrize("layer,data_format", [
    (keras.layers.Conv2D, "channels_last"), (keras.layers.Conv2D, "channels_first"),
    (keras.layers.Conv3D, "channels_last"), (keras.layers.Conv1D, "channels_last")])
def test_conv_kernels_gradients_and_slots_keep_the_layout(layer, data_format):
    import torch

    rank = {keras.layers.Conv1D: 1, keras.layers.Conv2D: 2, keras.layers.Conv3D: 3}[layer]
    spatial = (5,) * rank
    shape = spatial + (3,) if data_format == "channels_last" else (3,) + spatial
    model = keras.Sequential([keras.Input(shape), layer(4, 3, padding="same", data_format=data_format),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    kernel = model.layers[0].kernel
    order = conv_kernel_memory_order(rank, data_format)
    assert kernel._memory_order == order and _strides_follow(kernel.value, order)
    x = np.random.default_rng(0).random((4,) + shape).astype("float32")
    y = np.zeros((4, 2), "float32")
    model.fit(x, y, epochs=1, batch_size=2, verbose=0)
    assert _strides_follow(kernel.value, order)
    slots = [s for s in model.optimizer.variables if tuple(s.shape) == tuple(kernel.shape)]
    assert len(slots) == 2 and all(_strides_follow(s.value, order) for s in slots)
    with torch.enable_grad():
        loss = model(x).sum()
        (grad,) = torch.autograd.grad(loss, [kernel.value])
    assert _strides_follow(grad, order)


@pytest.mark.skipif(not TORCH, reason="XLA chooses its own layouts; the hint is recorded only")
@pytest.mark.parametrize("make,kernels", [
    (lambda: keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), ["kernel"]),
    (lambda: keras.layers.SeparableConv2D(4, 3, depth_multiplier=2), ["depthwise_kernel", "pointwise_kernel"]),
    (lambda: keras.layers.Conv2DTranspose(4, 3, strides=2), ["kernel"])], ids=["depthwise", "separable", "transpose"])
def test_other_conv_kernels_are_read_without_copies(make, kernels):
    import torch

    layer = make()
    x = np.random.default_rng(0).random((2, 6, 6, 3)).astype("float32")
    layer(x)
    for name in kernels:
        kernel = getattr(layer, name)
        order = depthwise_kernel_memory_order(2) if name == "kernel" and "Depthwise" in type(layer).__name__ \
            or name == "depthwise_kernel" else conv_kernel_memory_order(2, "channels_last")
        assert kernel._memory_order == order and _strides_follow(kernel.value, order)
    with torch.enable_grad():
        out = layer(x).sum()
        grads = torch.autograd.grad(out, [getattr(layer, n).value for n in kernels])
    for name, grad in zip(kernels, grads):
        assert tuple(grad.shape) == tuple(getattr(layer, name).shape)


def _train_conv_model(relayout, monkeypatch):
    if not relayout:
        monkeypatch.setattr(VariableBase, "_prefer_memory_order", lambda self, order: None)
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6, 6, 2)), keras.layers.Conv2D(3, 3, activation="relu"),
                              keras.layers.DepthwiseConv2D(2, depth_multiplier=2, padding="same"),
                              keras.layers.SeparableConv2D(3, 2, padding="same"),
                              keras.layers.Conv2DTranspose(3, 2, strides=2),
                              keras.layers.Conv2D(4, 2, strides=2), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.random((8, 6, 6, 2)).astype("float32"), rng.integers(0, 3, 8)
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    monkeypatch.undo()
    return history.history["loss"], model.get_weights(), [v.numpy() for v in model.optimizer.variables]


def test_training_is_the_same_with_and_without_the_layout(monkeypatch):
    loss_a, weights_a, slots_a = _train_conv_model(True, monkeypatch)
    loss_b, weights_b, slots_b = _train_conv_model(False, monkeypatch)
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-6)
    for a, b in zip(weights_a + slots_a, weights_b + slots_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_saved_kernel_is_keras_layout(tmp_path):
    model = keras.Sequential([keras.Input((5, 5, 2)), keras.layers.Conv2D(3, 2)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(loaded.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())
    assert loaded.layers[0].kernel.shape == (2, 2, 2, 3)
    x = np.random.default_rng(0).random((2, 5, 5, 2)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
