"""int8 quantization of Dense, EinsumDense and Embedding against real Keras 3.15.1 (fixtures written by
``fixtures/make_quantize_fixtures.py``) and against NumPy written from the formulas."""
import io
import json
import pathlib
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import layers, ops, quantizers

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "quantize"
KERAS = np.load(HERE / "layers.npz")
EINSUM_CASES = {
    "plain": ("ab,bc->ac", 4, "c"),
    "seq": ("abc,cd->abd", (None, 4), "d"),
    "heads": ("abc,cde->abde", (None, 2, 3), "de"),
    "two_reduced": ("abcd,cde->abe", (None, 4), "e"),
    "squeeze": ("abc,bcd->ad", 4, "d"),
    "transposed": ("abc,dc->adb", (4, None), "d"),
}


def np_(x):
    return ops.convert_to_numpy(x)


def np_quantize(x, axis, high=127.0):
    """Abs-max quantization written from the formula (float32, rounding half to even)."""
    x = np.asarray(x, np.float32)
    scale = np.float32(high) / (np.abs(x).max(axis=axis, keepdims=True) + np.float32(1e-7))
    return np.clip(np.round(x * scale), -high, high).astype(np.int8), scale.astype(np.float32)


def input_grad(layer, x):
    """d sum(layer(x)) / dx on the current engine."""
    if cornu.backend.backend() == "jax":
        import jax  # noqa: PLC0415 - the engine under test

        return np.asarray(jax.grad(lambda v: layer(v).sum())(np.asarray(x)))
    import torch  # noqa: PLC0415 - the engine under test

    v = torch.tensor(np.asarray(x), requires_grad=True)
    layer(v).sum().backward()
    return v.grad.numpy()


# -- Dense -------------------------------------------------------------------------------
def _keras_dense():
    layer = layers.Dense(6, activation="relu")
    layer.build((None, 7))
    layer.set_weights([KERAS["dense_kernel_float"], KERAS["dense_bias"]])
    return layer


def test_dense_int8_matches_keras_and_the_formula():
    layer = _keras_dense()
    layer.quantize("int8")
    np.testing.assert_array_equal(np_(layer.kernel), KERAS["dense_kernel"])
    np.testing.assert_allclose(np_(layer.kernel_scale), KERAS["dense_scale"], rtol=1e-6)
    assert layer.kernel.dtype == "int8" and not layer.kernel.trainable and not layer.kernel_scale.trainable
    assert layer.dtype_policy.name == "int8_from_float32" and layer.quantization_mode == "int8"
    x = KERAS["dense_x"]
    y = np_(layer(x))
    np.testing.assert_allclose(y, KERAS["dense_y"], rtol=1e-5, atol=1e-6)
    # NumPy: quantized kernel (per unit) and inputs (per row), exact integer product, de-scaled.
    qk, sk = np_quantize(KERAS["dense_kernel_float"], axis=0)
    qx, sx = np_quantize(x, axis=-1)
    expected = (qx.astype(np.int64) @ qk.astype(np.int64)).astype(np.float32) / (sk * sx) + KERAS["dense_bias"]
    np.testing.assert_allclose(y, np.maximum(expected, 0), rtol=1e-5, atol=1e-6)
    # Gradient for the inputs: through the dequantized kernel, as Keras computes it.
    np.testing.assert_allclose(input_grad(layer, x), KERAS["dense_grad"], rtol=1e-5, atol=1e-6)


def test_dense_weight_only_config_matches_keras():
    layer = layers.Dense(3)
    layer.build((None, 7))
    layer.set_weights([KERAS["wo_kernel_float"], np.zeros(3, "float32")])
    layer.quantize(config=quantizers.Int8QuantizationConfig(activation_quantizer=None))
    assert layer.inputs_quantizer is None
    np.testing.assert_allclose(np_(layer(KERAS["dense_x"])), KERAS["wo_y"], rtol=1e-5, atol=1e-6)
    qk, sk = np_quantize(KERAS["wo_kernel_float"], axis=0)
    np.testing.assert_allclose(np_(layer(KERAS["dense_x"])), KERAS["dense_x"] @ (qk / sk), rtol=1e-5, atol=1e-6)


# -- Embedding ---------------------------------------------------------------------------
def test_embedding_int8_matches_keras():
    layer = layers.Embedding(9, 5)
    layer.build()
    layer.set_weights([KERAS["emb_float"]])
    layer.quantize("int8")
    np.testing.assert_array_equal(np_(layer.embeddings), KERAS["emb_table"])
    np.testing.assert_allclose(np_(layer.embeddings_scale), KERAS["emb_scale"], rtol=1e-6)
    ids = KERAS["emb_ids"]
    np.testing.assert_allclose(np_(layer(ids)), KERAS["emb_y"], rtol=1e-6)
    q, s = np_quantize(KERAS["emb_float"], axis=-1)
    np.testing.assert_allclose(np_(layer(ids)), (q / s)[ids], rtol=1e-6)
    assert [w.name for w in layer.weights] == ["embeddings", "embeddings_scale"]


# -- EinsumDense -------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EINSUM_CASES))
def test_einsum_dense_int8_matches_keras(name):
    equation, output_shape, bias_axes = EINSUM_CASES[name]
    x = KERAS[f"{name}_x"]
    layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    layer.build(x.shape)
    layer.set_weights([KERAS[f"{name}_kernel_float"], KERAS[f"{name}_bias"]])
    layer.quantize("int8")
    np.testing.assert_array_equal(np_(layer.kernel), KERAS[f"{name}_kernel"])
    assert tuple(layer.kernel_scale.shape) == KERAS[f"{name}_scale"].shape
    np.testing.assert_allclose(np_(layer.kernel_scale), KERAS[f"{name}_scale"], rtol=1e-6)
    np.testing.assert_allclose(np_(layer(x)), KERAS[f"{name}_y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(input_grad(layer, x), KERAS[f"{name}_grad"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("equation,output_shape,shape", [("...b,bc->...c", 4, (2, 3, 5)),
                                                          ("ab...,bc->ac...", 4, (2, 5, 3))])
def test_einsum_dense_int8_with_an_ellipsis_matches_numpy(equation, output_shape, shape):
    """Keras 3.15.1 cannot quantize these equations; cornu follows the same formula."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape).astype("float32")
    layer = layers.EinsumDense(equation, output_shape)
    layer.build(shape)
    kernel = np_(layer.kernel)
    layer.quantize("int8")
    qk, sk = np_quantize(kernel, axis=0)  # kernel "bc": b is reduced
    left = equation.startswith("...")
    qx, sx = np_quantize(x, axis=-1 if left else 1)
    if left:
        expected = np.einsum("...b,bc->...c", qx.astype(np.float64), qk) / (sx * sk)
    else:
        expected = np.einsum("abz,bc->acz", qx.astype(np.float64), qk) / (sx * sk[..., None])
    np.testing.assert_allclose(np_(layer(x)), expected, rtol=1e-5, atol=1e-6)


# -- files -------------------------------------------------------------------------------
def _h5_layout(archive):
    with zipfile.ZipFile(archive) as z, h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
        out = {}
        f.visititems(lambda n, o: out.__setitem__(n, (o.shape, str(o.dtype)) if isinstance(o, h5py.Dataset)
                                                  else None))
        config = json.loads(z.read("config.json"))
    return out, config


def _cornu_small_model():
    tokens = cornu.Input((4,), dtype="int32", name="tokens")
    x = layers.Embedding(10, 6, name="emb")(tokens)
    x = layers.EinsumDense("abc,cd->abd", (4, 5), bias_axes="d", name="proj")(x)
    x = layers.Flatten()(x)
    return cornu.Model(tokens, layers.Dense(3, name="head")(x), name="quantized")


def test_keras_quantized_model_loads_with_keras_predictions(tmp_path):
    data = np.load(HERE / "model.npz")
    model = cornu.saving.load_model(HERE / "model.keras")
    np.testing.assert_allclose(np_(model(data["x"])), data["y"], rtol=1e-5, atol=1e-6)
    assert [layer.dtype_policy.name for layer in model.layers[1:3]] == ["int8_from_float32"] * 2
    model.save(tmp_path / "again.keras")  # what cornu writes back is what Keras wrote
    ours, our_config = _h5_layout(tmp_path / "again.keras")
    theirs, their_config = _h5_layout(HERE / "model.keras")
    assert ours == theirs
    for a, b in zip(our_config["config"]["layers"], their_config["config"]["layers"]):
        assert a["config"]["dtype"] == b["config"]["dtype"]
        for key in ("activation_quantizer", "weight_quantizer"):
            got = (a["config"].get("quantization_config") or {}).get("config", {}).get(key)
            want = (b["config"].get("quantization_config") or {}).get("config", {}).get(key)
            assert (got or {}).get("config") == (want or {}).get("config")
    again = cornu.saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(np_(again(data["x"])), data["y"], rtol=1e-5, atol=1e-6)


def test_cornu_quantized_model_has_keras_file_layout(tmp_path):
    model = _cornu_small_model()
    with pytest.warns(UserWarning, match="Layer (InputLayer|Flatten) does not have a `quantize` method"):
        model.quantize("int8")
    model.save(tmp_path / "ours.keras")
    ours, _ = _h5_layout(tmp_path / "ours.keras")
    theirs, _ = _h5_layout(HERE / "model.keras")
    assert ours == theirs
    with zipfile.ZipFile(tmp_path / "ours.keras") as z, h5py.File(io.BytesIO(z.read("model.weights.h5"))) as f:
        names = [w.path for w in model.weights]
        assert names == ["emb/embeddings", "emb/embeddings_scale", "proj/bias", "proj/kernel", "proj/kernel_scale",
                         "head/bias", "head/kernel", "head/kernel_scale"]
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], np_(model.get_layer("head").kernel))
        np.testing.assert_array_equal(f["layers/dense/vars/1"][()], np_(model.get_layer("head").bias))
        np.testing.assert_array_equal(f["layers/dense/vars/2"][()], np_(model.get_layer("head").kernel_scale))


def test_weights_file_round_trip_and_bad_files(tmp_path):
    model = _cornu_small_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.quantize("int8")
    x = np.load(HERE / "model.npz")["x"]
    model.save_weights(tmp_path / "q.weights.h5")
    fresh = cornu.saving.load_model(HERE / "model.keras")
    fresh.load_weights(tmp_path / "q.weights.h5")
    np.testing.assert_array_equal(np_(fresh(x)), np_(model(x)))
    float_model = _cornu_small_model()
    float_model.save_weights(tmp_path / "float.weights.h5")
    with pytest.raises(ValueError, match=r"Embedding 'emb' \(quantized, int8_from_float32\) expects 2 saved"):
        fresh.load_weights(tmp_path / "float.weights.h5")


# -- training ----------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Layer InputLayer does not have a `quantize` method")
def test_fit_after_quantization_trains_biases_only():
    model = cornu.Sequential([cornu.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
    model.quantize("int8")
    assert [w.name for w in model.trainable_weights] == ["bias", "bias"]
    assert [w.name for w in model.non_trainable_weights] == ["kernel", "kernel_scale"] * 2
    kernels = [np_(layer.kernel) for layer in model.layers]
    biases = [np_(layer.bias) for layer in model.layers]
    rng = np.random.default_rng(0)
    model.compile(optimizer=cornu.optimizers.SGD(0.1), loss="mse")
    model.fit(rng.normal(size=(16, 5)).astype("float32"), rng.normal(size=(16, 2)).astype("float32"),
              epochs=2, batch_size=8, verbose=0)
    for layer, kernel, bias in zip(model.layers, kernels, biases):
        np.testing.assert_array_equal(np_(layer.kernel), kernel)
        assert not np.allclose(np_(layer.bias), bias)  # the first bias too: gradients cross the int8 layer


# -- errors ------------------------------------------------------------------------------
def test_quantize_errors_name_the_problem():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="isn't yet built: Dense 'dense"):
        layer.quantize("int8")
    layer.build((None, 3))
    with pytest.raises(NotImplementedError, match="mode 'float8' is not implemented by cornu"):
        layer.quantize("float8")
    with pytest.raises(ValueError, match="`mode` must be one of"):
        layer.quantize("int3")
    with pytest.raises(ValueError, match="must be a QuantizationConfig"):
        layer.quantize(config={"mode": "int8"})
    with pytest.raises(ValueError, match="contradictory arguments: mode='int4' but config.mode='int8'"):
        layer.quantize("int4", config=quantizers.Int8QuantizationConfig())
    layer.quantize("int8")
    with pytest.raises(ValueError, match="already quantized with dtype_policy='int8_from_float32'"):
        layer.quantize("int8")
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(2)])
    with pytest.raises(NotImplementedError, match="'float8' is not implemented"):
        model.quantize("float8")
    with pytest.raises(ValueError, match="`filters` must be"):
        model.quantize("int8", filters=3)


def test_filters_choose_layers():
    model = cornu.Sequential([cornu.Input((3,)), layers.Dense(4, name="keep"), layers.Dense(2, name="quant")])
    model.quantize("int8", filters="qu")
    assert [layer.dtype_policy.name for layer in model.layers] == ["float32", "int8_from_float32"]


def test_fit_a_loaded_keras_int8_model():
    """Embedding, EinsumDense and Dense int8 layers from a Keras file train (biases only) in a compiled fit."""
    model = cornu.saving.load_model(HERE / "model.keras")
    data = np.load(HERE / "model.npz")
    assert [w.path for w in model.trainable_weights] == ["proj/bias", "head/bias"]
    frozen = [np_(w) for w in model.non_trainable_weights]
    biases = [np_(w) for w in model.trainable_weights]
    model.compile(optimizer=cornu.optimizers.SGD(0.5), loss="mse")
    model.fit(data["x"], np.ones((3, 3), "float32"), epochs=2, verbose=0)
    for w, before in zip(model.non_trainable_weights, frozen):
        np.testing.assert_array_equal(np_(w), before)
    for w, before in zip(model.trainable_weights, biases):
        assert not np.allclose(np_(w), before)
