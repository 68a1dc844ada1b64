"""int4 quantization of Dense and Embedding against real Keras 3.15.1 (fixtures written by
``fixtures/make_quantize_fixtures.py``) and against NumPy written from the formulas."""
import io
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import layers, ops, quantizers

HERE = pathlib.Path(__file__).resolve().parent / "fixtures" / "quantize"
KERAS = np.load(HERE / "int4.npz")


def np_(x):
    return ops.convert_to_numpy(x)


def np_grouped(x, block):
    """Grouped asymmetric int4 quantization of the rows of ``x``, written from the formula."""
    rows, cols = x.shape
    groups = -(-rows // block)
    padded = np.concatenate([x, np.zeros((groups * block - rows, cols), x.dtype)]).reshape(groups, block, cols)
    low, high = padded.min(axis=1, keepdims=True), padded.max(axis=1, keepdims=True)
    scale = (high - low + np.float32(1e-7)) / np.float32(15)
    zero = np.clip(np.round(-low / scale) - 8, -8, 7)
    q = np.clip(np.round(padded / scale) + zero, -8, 7)
    dequantized = ((q - zero) * scale).reshape(groups * block, cols)[:rows]
    return q.reshape(groups * block, cols)[:rows].astype(np.int8), scale[:, 0], zero[:, 0], dequantized


def test_pack_and_unpack_int4_as_keras():
    a = np.array([[-3, 7], [2, -8], [1, 0]], np.int8)
    packed, shape, length = quantizers.pack_int4(ops.convert_to_tensor(a), axis=0)
    assert np_(packed).tolist() == [[45, -121], [1, 0]] and shape == (2, 2) and length == 3  # Keras's values
    np.testing.assert_array_equal(np_(quantizers.unpack_int4(packed, 3, axis=0)), a)
    rng = np.random.default_rng(0)
    for shape, axis in (((5, 3, 4), 1), ((4, 7), -1), ((6,), 0)):
        values = rng.integers(-8, 8, size=shape).astype(np.int8)
        packed, _, length = quantizers.pack_int4(ops.convert_to_tensor(values), axis=axis)
        moved = np.moveaxis(values, axis, 0)
        moved = np.concatenate([moved, np.zeros((moved.shape[0] % 2,) + moved.shape[1:], np.int8)])
        want = ((moved[0::2].astype(np.int16) & 15) | ((moved[1::2].astype(np.int16) & 15) << 4)).astype(np.uint8)
        np.testing.assert_array_equal(np_(packed), np.moveaxis(want.view(np.int8), 0, axis))
        np.testing.assert_array_equal(np_(quantizers.unpack_int4(packed, length, axis=axis)), values)
    unsigned = np.array([[0, 15], [9, 3]], np.uint8)
    packed, _, _ = quantizers.pack_int4(ops.convert_to_tensor(unsigned), axis=-1, dtype="uint8")
    np.testing.assert_array_equal(np_(quantizers.unpack_int4(packed, 2, axis=-1, dtype="uint8")), unsigned)
    with pytest.raises(TypeError, match="expects a int8 tensor; received float32"):
        quantizers.pack_int4(ops.convert_to_tensor(np.zeros(2, "float32")))


def test_grouped_quantization_matches_the_formula():
    x = np.random.default_rng(1).normal(size=(10, 3)).astype("float32")
    q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(x, block_size=4)
    want_q, want_scale, want_zero, _ = np_grouped(x, 4)
    np.testing.assert_array_equal(np_(q), want_q)
    np.testing.assert_allclose(np_(scale), want_scale, rtol=1e-6)
    np.testing.assert_array_equal(np_(zero), want_zero.astype(np.int8))
    with pytest.raises(ValueError, match="block_size=0"):
        quantizers.abs_max_quantize_grouped_with_zero_point(x, block_size=0)


@pytest.mark.parametrize("name,block", [("dense_pc", None), ("dense_g", 4)])
def test_dense_int4_matches_keras(name, block):
    layer = layers.Dense(5)
    layer.build((None, 10))
    layer.set_weights([KERAS[f"{name}_kernel_float"], KERAS[f"{name}_bias"]])
    layer.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=block))
    assert layer.dtype_policy.name == str(KERAS[f"{name}_policy"])
    np.testing.assert_array_equal(np_(layer.kernel), KERAS[f"{name}_packed"])
    np.testing.assert_allclose(np_(layer.kernel_scale), KERAS[f"{name}_scale"], rtol=1e-6)
    x = KERAS[f"{name}_x"]
    y = np_(layer(x))
    np.testing.assert_allclose(y, KERAS[f"{name}_y"], rtol=1e-5, atol=1e-6)
    kernel = KERAS[f"{name}_kernel_float"]
    if block is None:
        scale = np.float32(7) / (np.abs(kernel).max(axis=0) + np.float32(1e-7))
        float_kernel = np.clip(np.round(kernel * scale), -8, 7) / scale
    else:
        np.testing.assert_array_equal(np_(layer.kernel_zero), KERAS[f"{name}_zero"])
        float_kernel = np_grouped(kernel, block)[3]
    np.testing.assert_allclose(y, x @ float_kernel + KERAS[f"{name}_bias"], rtol=1e-5, atol=1e-5)
    assert all(not w.trainable for w in layer.non_trainable_weights) and len(layer.trainable_weights) == 1


@pytest.mark.parametrize("name,block", [("emb_pc", None), ("emb_g", 2)])
def test_embedding_int4_matches_keras(name, block):
    layer = layers.Embedding(7, 5)
    layer.build()
    layer.set_weights([KERAS[f"{name}_float"]])
    layer.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=block))
    np.testing.assert_array_equal(np_(layer.embeddings), KERAS[f"{name}_packed"])
    np.testing.assert_allclose(np_(layer.embeddings_scale), KERAS[f"{name}_scale"], rtol=1e-6)
    ids = KERAS[f"{name}_ids"]
    np.testing.assert_allclose(np_(layer(ids)), KERAS[f"{name}_y"], rtol=1e-6, atol=1e-7)
    if block is not None:
        np.testing.assert_array_equal(np_(layer.embeddings_zero), KERAS[f"{name}_zero"])
        table = np_grouped(KERAS[f"{name}_float"].T, block)[3].T
        np.testing.assert_allclose(np_(layer(ids)), table[ids], rtol=1e-5, atol=1e-6)


def _layout(archive):
    with zipfile.ZipFile(archive) as z, h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
        out = {}
        f.visititems(lambda n, o: out.__setitem__(n, (o.shape, str(o.dtype)) if isinstance(o, h5py.Dataset)
                                                  else None))
    return out


@pytest.mark.filterwarnings("ignore:Layer (InputLayer|Flatten) does not have a `quantize` method")
def test_keras_int4_model_loads_saves_and_trains(tmp_path):
    data = np.load(HERE / "int4_model.npz")
    model = cornu.saving.load_model(HERE / "int4_model.keras")
    np.testing.assert_allclose(np_(model(data["x"])), data["y"], rtol=1e-5, atol=1e-6)
    assert [layer.dtype_policy.name for layer in model.layers if layer.dtype_policy.quantization_mode] == \
        ["int4/128_from_float32"] * 2
    model.save(tmp_path / "again.keras")
    assert _layout(tmp_path / "again.keras") == _layout(HERE / "int4_model.keras")
    np.testing.assert_allclose(np_(cornu.saving.load_model(tmp_path / "again.keras")(data["x"])), data["y"],
                               rtol=1e-5, atol=1e-6)
    # The same model quantized by cornu is written with the same layout.
    tokens = cornu.Input((4,), dtype="int32")
    x = layers.Flatten()(layers.Embedding(10, 5, name="emb")(tokens))
    ours = cornu.Model(tokens, layers.Dense(3, name="head")(x))
    ours.quantize("int4")
    ours.save(tmp_path / "ours.keras")
    assert _layout(tmp_path / "ours.keras") == _layout(HERE / "int4_model.keras")
    frozen = [np_(w) for w in model.non_trainable_weights]
    model.compile(optimizer=cornu.optimizers.SGD(0.5), loss="mse")
    bias = np_(model.get_layer("head").bias)
    model.fit(data["x"], np.ones((3, 3), "float32"), epochs=2, verbose=0)
    assert not np.allclose(np_(model.get_layer("head").bias), bias)
    for w, before in zip(model.non_trainable_weights, frozen):
        np.testing.assert_array_equal(np_(w), before)


EINSUM_CASES = {
    "plain": ("ab,bc->ac", 4, "c"),
    "seq": ("abc,cd->abd", (None, 4), "d"),
    "heads": ("abc,cde->abde", (None, 2, 3), "de"),
    "two_reduced": ("abcd,cde->abe", (None, 4), "e"),
    "squeeze": ("abc,bcd->ad", 4, "d"),
    "transposed": ("abc,dc->adb", (4, None), "d"),
}


@pytest.mark.parametrize("case", sorted(EINSUM_CASES))
@pytest.mark.parametrize("suffix,block", [("pc", None), ("g", 2)])
def test_einsum_dense_int4_matches_keras(case, suffix, block):
    equation, output_shape, bias_axes = EINSUM_CASES[case]
    name = f"einsum_{case}_{suffix}"
    x = KERAS[f"{name}_x"]
    layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    layer.build(x.shape)
    layer.set_weights([KERAS[f"{name}_kernel_float"], KERAS[f"{name}_bias"]])
    layer.quantize("int4", config=quantizers.Int4QuantizationConfig(block_size=block))
    np.testing.assert_array_equal(np_(layer.kernel), KERAS[f"{name}_packed"])
    np.testing.assert_allclose(np_(layer.kernel_scale), KERAS[f"{name}_scale"], rtol=1e-6)
    y = np_(layer(x))
    np.testing.assert_allclose(y, KERAS[f"{name}_y"], rtol=1e-5, atol=1e-5)
    # NumPy: the kernel reshaped (as Keras does, no transpose) to (reduced sizes, the rest), quantized per
    # column or per group of rows, dequantized and reshaped back.
    kernel = KERAS[f"{name}_kernel_float"]
    in_spec, k_spec = equation.split("->")[0].split(",")
    out_spec = equation.split("->")[1]
    rows = int(np.prod([d for c, d in zip(k_spec, kernel.shape) if c not in out_spec]))
    flat = kernel.reshape(rows, -1)
    if block is None:
        scale = np.float32(7) / (np.abs(flat).max(axis=0) + np.float32(1e-7))
        float_kernel = np.clip(np.round(flat * scale), -8, 7) / scale
    else:
        np.testing.assert_array_equal(np_(layer.kernel_zero), KERAS[f"{name}_zero"])
        float_kernel = np_grouped(flat, block)[3]
    want = np.einsum(f"{in_spec},{k_spec}->{out_spec}", x, float_kernel.reshape(kernel.shape))
    np.testing.assert_allclose(y, want + KERAS[f"{name}_bias"], rtol=1e-5, atol=1e-5)


def test_unimplemented_modes_are_refused():
    layer = layers.EinsumDense("ab,bc->ac", 3)
    layer.build((None, 4))
    with pytest.raises(NotImplementedError, match="EinsumDense 'einsum_dense.*mode 'float8' is not implemented"):
        layer.quantize("float8")
    with pytest.raises(NotImplementedError, match="mode 'gptq/4/128' is not implemented"):
        layers.Embedding(3, 2, dtype="gptq/4/128_from_float32").build()
