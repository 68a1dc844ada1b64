"""``cornu.quantizers`` and quantized dtype policies against NumPy formulas and real Keras 3.15.1 output
(``tests/layers/core/fixtures/make_quantize_fixtures.py``, ``tests/saving/fixtures/keras3/int8.keras``)."""
import json
import pathlib
import zipfile

import numpy as np
import pytest

from cornu import dtype_policies, ops, quantizers
from cornu.dtype_policies import QuantizedDTypePolicy

ROOT = pathlib.Path(__file__).resolve().parents[1]
KERAS = np.load(ROOT / "layers" / "core" / "fixtures" / "quantize" / "layers.npz")


def _keras_int8_config():
    """The ``quantization_config`` and ``dtype`` Keras wrote for a Dense layer after ``quantize("int8")``."""
    with zipfile.ZipFile(ROOT / "saving" / "fixtures" / "keras3" / "int8.keras") as z:
        layers = json.loads(z.read("config.json"))["config"]["layers"]
    dense = [entry for entry in layers if entry["class_name"] == "Dense"][0]["config"]

    def strip(obj):  # Keras's shared-object bookkeeping is not part of the object
        if isinstance(obj, dict):
            return {k: strip(v) for k, v in obj.items() if k != "shared_object_id"}
        return obj

    return strip(dense["quantization_config"]), strip(dense["dtype"])


@pytest.mark.parametrize("to_numpy", [False, True])
def test_abs_max_quantize_matches_the_formula_and_keras(to_numpy):
    kernel = KERAS["dense_kernel_float"]
    q, scale = quantizers.abs_max_quantize(kernel, axis=0, to_numpy=to_numpy)
    q, scale = ops.convert_to_numpy(q), ops.convert_to_numpy(scale)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (1, kernel.shape[1])
    want_scale = np.float32(127) / (np.abs(kernel).max(axis=0, keepdims=True) + np.float32(1e-7))
    np.testing.assert_allclose(scale, want_scale, rtol=1e-6)
    np.testing.assert_array_equal(q, np.clip(np.round(kernel * want_scale), -127, 127).astype(np.int8))
    np.testing.assert_array_equal(q, KERAS["dense_kernel"])  # Keras's Dense.quantize kernel
    np.testing.assert_allclose(scale[0], KERAS["dense_scale"], rtol=1e-6)


@pytest.mark.parametrize("to_numpy", [False, True])
def test_rounding_is_half_to_even_and_clipped(to_numpy):
    x = np.array([[127.0, 2.5, 3.5, -2.5, 0.5, -126.5]], np.float32)  # scale is exactly 1 in float32
    q, scale = quantizers.abs_max_quantize(x, axis=-1, to_numpy=to_numpy)
    assert ops.convert_to_numpy(scale).tolist() == [[1.0]]
    assert ops.convert_to_numpy(q).tolist() == [[127, 2, 4, -2, 0, -126]]
    q, _ = quantizers.abs_max_quantize(x, axis=-1, value_range=(-8, 7), to_numpy=to_numpy)
    assert ops.convert_to_numpy(q).min() >= -8 and ops.convert_to_numpy(q).max() == 7


def test_abs_max_quantizer_axes_config_and_errors():
    x = np.random.default_rng(0).normal(size=(3, 4, 5)).astype("float32")
    quantizer = quantizers.AbsMaxQuantizer()
    _, scale = quantizer(x)
    assert tuple(scale.shape) == (3, 4, 1)  # default: the last axis
    _, scale = quantizers.AbsMaxQuantizer(axis=(0, 2))(x)
    assert tuple(scale.shape) == (1, 4, 1)
    _, scale = quantizer(x, axis=1)
    assert tuple(scale.shape) == (3, 1, 5)
    with pytest.raises(ValueError, match=r"within \[-128, 127\]; received value_range=\(-200, 127\)"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 127))
    with pytest.raises(ValueError, match="pair \\(low, high\\).*received value_range=5"):
        quantizers.AbsMaxQuantizer(value_range=5)
    with pytest.raises(ValueError, match="axis=5"):
        quantizer(x, axis=5)
    keras_config, _ = _keras_int8_config()
    keras_quantizer = keras_config["config"]["activation_quantizer"]
    assert quantizers.serialize(quantizer) == keras_quantizer
    again = quantizers.get(keras_quantizer)
    assert isinstance(again, quantizers.AbsMaxQuantizer) and again.value_range == (-127, 127)
    assert quantizers.serialize(quantizers.AbsMaxQuantizer(axis=0))["config"]["axis"] == [0]
    assert isinstance(quantizers.get("AbsMaxQuantizer", axis=1), quantizers.AbsMaxQuantizer)
    assert quantizers.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier: 'nope'"):
        quantizers.get("nope")
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        quantizers.Quantizer().get_config()


def test_int8_quantization_config_serializes_as_keras():
    keras_config, _ = _keras_int8_config()
    config = quantizers.Int8QuantizationConfig()
    assert config.mode == "int8"
    assert quantizers.serialize(config) == keras_config
    again = quantizers.deserialize(keras_config)
    assert isinstance(again, quantizers.Int8QuantizationConfig)
    assert isinstance(again.activation_quantizer, quantizers.AbsMaxQuantizer) and again.weight_quantizer is None
    assert quantizers.Int8QuantizationConfig(activation_quantizer=None).activation_quantizer is None
    with pytest.raises(ValueError, match="must produce int8 values; received a quantizer with output_dtype='int4'"):
        quantizers.Int8QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(output_dtype="int4"))
    assert quantizers.Int4QuantizationConfig().get_config()["block_size"] == 128
    with pytest.raises(ValueError, match="block_size"):
        quantizers.Int4QuantizationConfig(block_size=0)


def test_quantized_dtype_policy_as_keras_writes_it():
    _, keras_dtype = _keras_int8_config()
    policy = dtype_policies.get(keras_dtype)
    assert isinstance(policy, QuantizedDTypePolicy)
    assert (policy.name, policy.quantization_mode, policy.compute_dtype, policy.variable_dtype) == \
        ("int8_from_float32", "int8", "float32", "float32")
    assert policy.get_config() == keras_dtype["config"]
    mixed = dtype_policies.get("int8_from_mixed_bfloat16")
    assert (mixed.source_name, mixed.compute_dtype, mixed.variable_dtype) == ("mixed_bfloat16", "bfloat16", "float32")
    assert dtype_policies.get({"class_name": "DTypePolicy", "config": {"name": "int8_from_float32"}}) == policy
    assert dtype_policies.DTypePolicy("float32").quantization_mode is None
    assert policy != dtype_policies.DTypePolicy("float32")
    with pytest.raises(ValueError, match="mode='int8' does not work well with compute dtype 'float16'"):
        QuantizedDTypePolicy("int8", "float16")
    with pytest.raises(ValueError, match="`mode` must be one of .*received mode='int3'"):
        QuantizedDTypePolicy("int3", "float32")


def test_quantize_and_dequantize_matches_float8_rounding():
    x = np.array([1.0, -300.0, 0.3, 1000.0], "float32")
    got = ops.convert_to_numpy(quantizers.quantize_and_dequantize(x, 2.0, "float8_e4m3fn", "float32"))
    np.testing.assert_array_equal(got, [1.0, -288.0, 0.3125, 896.0])  # real Keras 3.15.1's output
    ml_dtypes = pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(0)
    values = (rng.normal(size=4000) * np.exp(rng.uniform(-14, 10, 4000))).astype("float32")
    for dtype in ("float8_e4m3fn", "float8_e5m2"):
        limit = float(ml_dtypes.finfo(dtype).max)
        want = (np.clip(values / 0.5, -limit, limit).astype(getattr(ml_dtypes, dtype)).astype("float32") * 0.5)
        got = ops.convert_to_numpy(quantizers.quantize_and_dequantize(values, 0.5, dtype, "float32"))
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="quantized_dtype='int8'"):
        quantizers.quantize_and_dequantize(x, 1.0, "int8", "float32")


def test_compute_float8_scale():
    amax = np.array([10.0, 0.0, np.inf, 3.0], "float32")
    scale = np.array([2.0, 2.0, 4.0, 1.0], "float32")
    got = ops.convert_to_numpy(quantizers.compute_float8_scale(amax, scale, 448.0, margin=1))
    usable = np.isfinite(amax) & (amax > 0)  # else the previous scale is kept
    want = np.where(usable, 1.0 / (448.0 / np.where(usable, amax, 1) / 2), scale)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    one = ops.convert_to_numpy(quantizers.compute_float8_scale(np.float32(10.0), np.float32(2.0), 448.0))
    np.testing.assert_allclose(one, 0.02232143, rtol=1e-6)  # real Keras 3.15.1's output
