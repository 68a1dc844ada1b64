"""EinsumDense against NumPy's einsum: shapes from the equation, values, gradients, fans,
config and .keras round trips, errors; MultiHeadAttention's projections are EinsumDense."""
import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.testing import run_layer_test

rng = np.random.default_rng(7)

# (equation, output_shape, bias_axes, input_shape, kernel_shape, bias_shape, output_shape)
CASES = [
    ("ab,bc->ac", 4, "c", (3, 5), (5, 4), (4,), (3, 4)),
    ("abc,cd->abd", (None, 4), "d", (2, 3, 5), (5, 4), (4,), (2, 3, 4)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 3, 5), (5, 2, 3), (2, 3), (2, 3, 2, 3)),
    ("abc,cde->abde", (None, 2, 3), "d", (2, 3, 5), (5, 2, 3), (2, 1), (2, 3, 2, 3)),
    ("abcd,cde->abe", (None, 4), None, (2, 3, 5, 6), (5, 6, 4), None, (2, 3, 4)),
    ("...b,bc->...c", 4, "c", (2, 3, 5), (5, 4), (4,), (2, 3, 4)),
    ("ab...,bc->ac...", 4, "c", (2, 5, 3, 2), (5, 4), (4, 1, 1), (2, 4, 3, 2)),
    ("abc,dc->abd", (3, 4), "d", (2, 3, 5), (4, 5), (4,), (2, 3, 4)),
]


def _np_reference(equation, x, kernel, bias, activation):
    y = np.einsum(equation, x.astype("float64"), kernel.astype("float64"))
    if bias is not None:
        y = y + bias
    return np.tanh(y) if activation == "tanh" else y


@pytest.mark.parametrize("case", CASES, ids=[c[0] + "|" + str(c[2]) for c in CASES])
def test_shapes_values_and_gradients_match_numpy(case):
    equation, out_shape, bias_axes, in_shape, k_shape, b_shape, y_shape = case
    layer = layers.EinsumDense(equation, out_shape, bias_axes=bias_axes, activation="tanh",
                               bias_initializer="random_normal")
    x = rng.standard_normal(in_shape).astype("float32")
    y = layer(x)
    assert tuple(layer.kernel.shape) == k_shape
    assert (layer.bias is None and b_shape is None) or tuple(layer.bias.shape) == b_shape
    assert [v.path.split("/")[-1] for v in layer.weights] == ["kernel"] + (["bias"] if b_shape else [])
    assert tuple(y.shape) == y_shape == tuple(layer.compute_output_shape(in_shape))
    k = layer.kernel.numpy()
    b = None if layer.bias is None else layer.bias.numpy()
    want = _np_reference(equation, x, k, b, "tanh")
    np.testing.assert_allclose(ops.convert_to_numpy(y), want, rtol=1e-5, atol=1e-5)

    cot = rng.standard_normal(y_shape).astype("float32")
    xv = cornu.Variable(x)
    weights = [layer.kernel] + ([layer.bias] if b is not None else [])
    _, _, grads = backend.compute_gradients(lambda: (ops.sum(ops.multiply(layer(xv), cot)), None), [xv] + weights)
    dz = cot * (1 - want ** 2)
    ins, outs = equation.replace("...", "Z").split("->")
    x_spec, k_spec = ins.split(",")
    if "Z" in x_spec:  # spell the ellipsis with explicit letters for NumPy
        extra = "".join("XYW"[i] for i in range(len(in_shape) - len(x_spec) + 1))
        x_spec, outs = x_spec.replace("Z", extra), outs.replace("Z", extra)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[0]), np.einsum(f"{outs},{k_spec}->{x_spec}", dz, k),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(grads[1]), np.einsum(f"{x_spec},{outs}->{k_spec}", x, dz),
                               rtol=1e-4, atol=1e-5)
    if b is not None:  # the bias gradient sums dz over the broadcast axes
        full_b = np.broadcast_to(b, dz.shape)
        gb = np.zeros_like(full_b) + dz
        axes = tuple(i for i in range(dz.ndim) if i < dz.ndim - len(b_shape) or b_shape[i - dz.ndim] == 1)
        want_gb = gb.sum(axis=axes, keepdims=True).reshape(b_shape)
        np.testing.assert_allclose(ops.convert_to_numpy(grads[2]), want_gb, rtol=1e-4, atol=1e-5)


def test_symbolic_shapes_fill_sizes_the_input_fixes():
    x = cornu.Input((7, 16))
    assert tuple(layers.EinsumDense("abc,cd->abd", (None, 8), bias_axes="d")(x).shape) == (None, 7, 8)
    assert tuple(layers.EinsumDense("...b,bc->...c", 8)(x).shape) == (None, 7, 8)
    assert tuple(layers.EinsumDense("abc,cde->abde", (None, 2, 4))(x).shape) == (None, 7, 2, 4)


def test_variance_scaling_fans_follow_the_kernel_axes():
    # Kernel (8, 4, 16): input axis 0 (fan_in 8), output axes 1, 2 (fan_out 64):
    # glorot limit sqrt(6 / 72) ~ 0.289, above the shape-only limit sqrt(6 / 160) ~ 0.194.
    layer = layers.EinsumDense("abc,cde->abde", (None, 4, 16), kernel_initializer=cornu.initializers.GlorotUniform(1))
    layer.build((None, 3, 8))
    k = np.abs(layer.kernel.numpy())
    assert 0.25 < k.max() <= np.sqrt(6 / 72) + 1e-6
    assert layer.kernel_initializer.input_axes is None  # the config keeps the user's initializer


def test_harness_and_config():
    run_layer_test(layers.EinsumDense, {"equation": "abc,cde->abde", "output_shape": (None, 2, 3),
                                        "bias_axes": "de", "activation": "relu"},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 2, 3),
                   expected_weights=[("kernel", (5, 2, 3)), ("bias", (2, 3))])
    run_layer_test(layers.EinsumDense, {"equation": "...b,bc->...c", "output_shape": 3},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 3), expected_num_trainable_weights=1)
    config = layers.EinsumDense("ab,bc->ac", 4, bias_axes="c", kernel_regularizer="l2").get_config()
    assert config["output_shape"] == [4] and config["equation"] == "ab,bc->ac" and config["bias_axes"] == "c"
    assert {"activation", "kernel_initializer", "bias_initializer", "kernel_constraint", "bias_constraint",
            "bias_regularizer", "activity_regularizer", "quantization_config"} <= set(config)
    assert layers.EinsumDense.from_config(config).get_config() == config


def test_keras_file_round_trip_and_training(tmp_path):
    inp = cornu.Input((3, 4))
    out = layers.EinsumDense("abc,cde->abde", (None, 2, 5), bias_axes="de", activation="relu")(inp)
    model = cornu.Model(inp, layers.Flatten()(out))
    model.compile(optimizer="sgd", loss="mse")
    x = rng.standard_normal((8, 3, 4)).astype("float32")
    before = model.layers[1].kernel.numpy().copy()
    model.fit(x, rng.standard_normal((8, 30)).astype("float32"), epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(before, model.layers[1].kernel.numpy())
    path = str(tmp_path / "einsum.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.layers[1]) is layers.EinsumDense
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="invalid einsum equation 'ab->b'"):
        layers.EinsumDense("ab->b", 3)
    with pytest.raises(ValueError, match="`output_shape`.*received output_shape='x'"):
        layers.EinsumDense("ab,bc->ac", "x")
    with pytest.raises(ValueError, match="bias axis 'z'"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="z").build((2, 4))
    with pytest.raises(ValueError, match="expects inputs of rank 2; received input_shape"):
        layers.EinsumDense("ab,bc->ac", 3).build((2, 4, 5))
    with pytest.raises(ValueError, match="one size per output letter"):
        layers.EinsumDense("abc,cd->abd", 3).build((2, 4, 5))
    with pytest.raises(ValueError, match="kernel axis 'e'"):
        layers.EinsumDense("ab,bec->ac", 3).build((2, 4))
    with pytest.raises(ValueError, match="output axis .c. .*neither"):
        layers.EinsumDense("ab,bd->ac", 3).build((2, 4))
    with pytest.raises(ValueError, match="`lora_rank` is not supported.*expected None"):
        layers.EinsumDense("ab,bc->ac", 3, lora_rank=2)
    with pytest.raises(AttributeError, match="kernel"):
        layers.EinsumDense("ab,bc->ac", 3).kernel


def test_multi_head_attention_projections_are_einsum_dense():
    mha = layers.MultiHeadAttention(2, 3)
    mha.build((2, 4, 5), (2, 6, 5))
    for sub in (mha.query_dense, mha.key_dense, mha.value_dense, mha.output_dense):
        assert isinstance(sub, layers.EinsumDense)
    assert mha.query_dense.equation == "abc,cde->abde" and mha.query_dense.bias_axes == "de"
    assert mha.output_dense.equation == "abcd,cde->abe" and tuple(mha.output_dense.kernel.shape) == (2, 3, 5)
