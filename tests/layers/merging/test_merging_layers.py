"""Merging layers: harness runs, NumPy references, broadcasting, masks and functional forms."""
import numpy as np
import pytest

import cornu as keras
from cornu import backend, layers
from cornu.testing import run_layer_test

RNG = np.random.default_rng(1)
T = backend.convert_to_tensor
N = backend.convert_to_numpy


def _data(*shapes):
    return [RNG.standard_normal(s).astype("float32") for s in shapes]


ELEMENTWISE = [
    (layers.Add, lambda xs: xs[0] + xs[1] + xs[2]),
    (layers.Average, lambda xs: (xs[0] + xs[1] + xs[2]) / 3),
    (layers.Multiply, lambda xs: xs[0] * xs[1] * xs[2]),
    (layers.Maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
    (layers.Minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
]


@pytest.mark.parametrize("cls, ref", ELEMENTWISE)
def test_elementwise_merges_harness_and_values(cls, ref):
    xs = _data((3, 4), (3, 4), (3, 4))
    run_layer_test(cls, {}, input_data=xs, expected_output=ref(xs), expected_output_shape=(3, 4),
                   expected_num_trainable_weights=0, supports_masking=True, run_training_check=False)


def test_subtract_harness_and_values():
    xs = _data((3, 4), (3, 4))
    run_layer_test(layers.Subtract, {}, input_data=xs, expected_output=xs[0] - xs[1],
                   expected_output_shape=(3, 4), run_training_check=False)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([T(x) for x in _data((3, 4), (3, 4), (3, 4))])


@pytest.mark.parametrize("axis, shapes", [(-1, [(2, 3, 4), (2, 3, 5)]), (1, [(2, 3, 4), (2, 1, 4), (2, 2, 4)])])
def test_concatenate_harness_and_values(axis, shapes):
    xs = _data(*shapes)
    out = run_layer_test(layers.Concatenate, {"axis": axis}, input_data=xs,
                         expected_output=np.concatenate(xs, axis=axis), run_training_check=False)
    assert out.get_config()["axis"] == axis
    with pytest.raises(ValueError, match="matching shapes"):
        layers.Concatenate(axis=axis)([T(x) for x in _data((2, 3, 4), (2, 5, 6))])


def _np_dot(x, y, axes, normalize=False):
    if normalize:
        x = x / np.maximum(np.linalg.norm(x, axis=axes[0], keepdims=True), 1e-7)
        y = y / np.maximum(np.linalg.norm(y, axis=axes[1], keepdims=True), 1e-7)
    out = np.stack([np.tensordot(x[i], y[i], axes=(axes[0] - 1, axes[1] - 1)) for i in range(len(x))])
    return out.reshape(len(x), 1) if out.ndim == 1 else out


@pytest.mark.parametrize("axes, shapes, normalize, out_shape", [
    (1, [(3, 4), (3, 4)], False, (3, 1)),
    (-1, [(3, 4), (3, 4)], True, (3, 1)),
    ((1, 2), [(2, 3, 5), (2, 4, 3)], False, (2, 5, 4)),
    ((2, 1), [(2, 3, 5), (2, 5, 4)], True, (2, 3, 4)),
    ((1, 1), [(2, 6), (2, 6, 3)], False, (2, 3)),
    (-1, [(2, 3, 4, 5), (2, 5)], False, (2, 3, 4)),
])
def test_dot_harness_and_values(axes, shapes, normalize, out_shape):
    xs = _data(*shapes)
    ax = [axes % len(s) if isinstance(axes, int) and axes < 0 else (axes if isinstance(axes, int) else
          axes[i]) for i, s in enumerate(shapes)]
    run_layer_test(layers.Dot, {"axes": axes, "normalize": normalize}, input_data=xs,
                   expected_output=_np_dot(xs[0], xs[1], ax, normalize), expected_output_shape=out_shape,
                   rtol=1e-4, atol=1e-5, run_training_check=False)


def test_dot_validation():
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="x")
    with pytest.raises(ValueError, match="Incompatible|incompatible"):
        layers.Dot(axes=1)([T(x) for x in _data((2, 3), (2, 4))])
    with pytest.raises(ValueError, match="batch axis"):
        layers.Dot(axes=0).compute_output_shape([(2, 3), (2, 3)])


def test_merges_broadcast_lower_rank_inputs_after_batch_axis():
    a, b = _data((2, 3, 4), (2, 4))
    out = N(layers.Add()([T(a), T(b)]))
    np.testing.assert_allclose(out, a + b[:, None, :], rtol=1e-6)
    a, b = _data((2, 3, 4), (2, 1, 4))
    assert layers.Multiply().compute_output_shape([(None, 3, 4), (2, 1, 4)]) == (2, 3, 4)
    np.testing.assert_allclose(N(layers.Multiply()([T(a), T(b)])), a * b, rtol=1e-6)
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([T(x) for x in _data((2, 3), (2, 4))])
    with pytest.raises(ValueError, match="batch sizes"):
        layers.Add().build([(2, 3), (3, 3)])
    with pytest.raises(ValueError, match="list"):
        layers.Add()(T(a))


def test_merge_gradients_flow_to_every_input():
    if backend.backend() == "torch":
        import torch

        xs = [torch.tensor(x, requires_grad=True) for x in _data((2, 3), (2, 3))]
        out = layers.Multiply()(xs)
        grads = torch.autograd.grad(out.sum(), xs)
        np.testing.assert_allclose(grads[0].numpy(), xs[1].detach().numpy(), rtol=1e-6)
        np.testing.assert_allclose(grads[1].numpy(), xs[0].detach().numpy(), rtol=1e-6)
    else:
        import jax

        a, b = _data((2, 3), (2, 3))
        ga, gb = jax.grad(lambda u, v: layers.Multiply()([u, v]).sum(), argnums=(0, 1))(a, b)
        np.testing.assert_allclose(np.asarray(ga), b, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(gb), a, rtol=1e-6)


# -- masks -------------------------------------------------------------------------------
MASK_A = np.array([[True, True, False], [True, False, False]])
MASK_B = np.array([[True, False, False], [True, True, False]])


@pytest.mark.parametrize("cls, ref", [
    (layers.Add, lambda a, b, ma, mb: a + b),
    (layers.Maximum, lambda a, b, ma, mb: np.where(ma & mb, np.maximum(a, b), np.where(ma, a, np.where(mb, b, a)))),
    (layers.Minimum, lambda a, b, ma, mb: np.where(ma & mb, np.minimum(a, b), np.where(ma, a, np.where(mb, b, a)))),
    (layers.Multiply, lambda a, b, ma, mb: np.where(ma | mb, np.where(ma, a, 1) * np.where(mb, b, 1), 0)),
])
def test_masked_merges_in_a_functional_model(cls, ref):
    a, b = _data((2, 3, 4), (2, 3, 4))
    in_a, in_b = keras.Input((3, 4)), keras.Input((3, 4))
    merged = cls()([layers.Masking(mask_value=0.0)(in_a), layers.Masking(mask_value=0.0)(in_b)])
    model = keras.Model([in_a, in_b], merged)
    a_in = np.where(MASK_A[..., None], a, 0.0).astype("float32")
    b_in = np.where(MASK_B[..., None], b, 0.0).astype("float32")
    out = N(model([T(a_in), T(b_in)]))
    ma, mb = MASK_A[..., None], MASK_B[..., None]
    np.testing.assert_allclose(out, ref(a_in, b_in, ma, mb), rtol=1e-6, atol=1e-7)
    mask = cls().compute_mask([T(a_in), T(b_in)], [T(MASK_A), T(MASK_B)])
    np.testing.assert_array_equal(N(mask), MASK_A | MASK_B)
    assert cls().compute_mask([T(a_in), T(b_in)], [T(MASK_A), None]) is None


def test_concatenate_mask():
    a, b = _data((2, 3, 4), (2, 3, 2))
    layer = layers.Concatenate(axis=-1)
    mask = layer.compute_mask([T(a), T(b)], [T(MASK_A), None])
    np.testing.assert_array_equal(N(mask), np.ones((2, 3), bool))
    mask = layer.compute_mask([T(a), T(b)], [T(MASK_A), T(MASK_B)])
    np.testing.assert_array_equal(N(mask), MASK_A | MASK_B)
    mask = layers.Concatenate(axis=1).compute_mask([T(a), T(a)], [T(MASK_A), T(MASK_B)])
    np.testing.assert_array_equal(N(mask), np.concatenate([MASK_A, MASK_B], axis=1))
    assert layer.compute_mask([T(a), T(b)], [None, None]) is None
    assert layers.Dot(axes=1).compute_mask([T(a), T(a)], [T(MASK_A), T(MASK_B)]) is None


def test_masks_carried_by_eager_torch_tensors():
    if backend.backend() != "torch":
        pytest.skip("only torch tensors carry `_keras_mask` attributes eagerly")
    a, b = _data((2, 3, 4), (2, 3, 4))
    ta, tb = T(np.where(MASK_A[..., None], a, 0.0)), T(np.where(MASK_B[..., None], b, 0.0))
    ma, mb = layers.Masking()(ta), layers.Masking()(tb)
    out = layers.Maximum()([ma, mb])
    np.testing.assert_array_equal(N(out._keras_mask), MASK_A | MASK_B)


def test_functional_forms():
    a, b = _data((2, 4), (2, 4))
    ta, tb = T(a), T(b)
    np.testing.assert_allclose(N(layers.add([ta, tb])), a + b, rtol=1e-6)
    np.testing.assert_allclose(N(layers.subtract([ta, tb])), a - b, rtol=1e-6)
    np.testing.assert_allclose(N(layers.multiply([ta, tb])), a * b, rtol=1e-6)
    np.testing.assert_allclose(N(layers.average([ta, tb])), (a + b) / 2, rtol=1e-6)
    np.testing.assert_allclose(N(layers.maximum([ta, tb])), np.maximum(a, b), rtol=1e-6)
    np.testing.assert_allclose(N(layers.minimum([ta, tb])), np.minimum(a, b), rtol=1e-6)
    np.testing.assert_allclose(N(layers.concatenate([ta, tb], axis=0)), np.concatenate([a, b]), rtol=1e-6)
    np.testing.assert_allclose(N(layers.dot([ta, tb], axes=1)), (a * b).sum(1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(N(layers.dot([ta, tb], axes=1, normalize=True)),
                               _np_dot(a, b, (1, 1), True), rtol=1e-5)


def test_model_with_merges_trains_and_round_trips():
    in_a, in_b = keras.Input((4,)), keras.Input((4,))
    ha, hb = layers.Dense(3)(in_a), layers.Dense(3)(in_b)
    merged = layers.concatenate([layers.add([ha, hb]), layers.multiply([ha, hb]),
                                 layers.dot([ha, hb], axes=1)])
    model = keras.Model([in_a, in_b], layers.Dense(1)(merged))
    model.compile(optimizer="sgd", loss="mse")
    xa, xb = _data((8, 4), (8, 4))
    y = RNG.standard_normal((8, 1)).astype("float32")
    history = model.fit([xa, xb], y, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    revived = type(model).from_config(model.get_config())
    revived.set_weights(model.get_weights())
    np.testing.assert_allclose(N(revived([T(xa), T(xb)])), N(model([T(xa), T(xb)])), rtol=1e-5, atol=1e-6)
