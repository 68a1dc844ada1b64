"""preprocess_input / decode_predictions against NumPy written from Keras's formulas."""
import json

import numpy as np
import pytest

from cornu import ops
from cornu.applications import densenet, imagenet_utils, mobilenet_v2, resnet, resnet_v2, vgg16

MEAN_CAFFE = np.array([103.939, 116.779, 123.68])
MEAN_TORCH = np.array([0.485, 0.456, 0.406])
STD_TORCH = np.array([0.229, 0.224, 0.225])


def _reference(x, mode, data_format):
    x = x.astype("float64")
    if data_format == "channels_first":
        x = np.moveaxis(x, -3, -1)
    if mode == "tf":
        y = x / 127.5 - 1.0
    elif mode == "torch":
        y = (x / 255.0 - MEAN_TORCH) / STD_TORCH
    else:
        y = x[..., ::-1] - MEAN_CAFFE
    if data_format == "channels_first":
        y = np.moveaxis(y, -1, -3)
    return y


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("batched", [True, False])
def test_preprocess_numpy_and_tensor(mode, data_format, batched):
    rng = np.random.default_rng(0)
    shape = (2, 5, 4, 3) if data_format == "channels_last" else (2, 3, 5, 4)
    x = rng.uniform(0, 255, shape).astype("float32")
    if not batched:
        x = x[0]
    expected = _reference(x, mode, data_format)
    got_tensor = imagenet_utils.preprocess_input(ops.convert_to_tensor(x), data_format=data_format, mode=mode)
    np.testing.assert_allclose(ops.convert_to_numpy(got_tensor), expected, rtol=1e-5, atol=1e-4)
    got_np = imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    assert isinstance(got_np, np.ndarray) and got_np.dtype == np.float32
    np.testing.assert_allclose(got_np, expected, rtol=1e-5, atol=1e-4)


def test_preprocess_int_input_is_cast_and_float_modified_in_place():
    x = np.full((1, 2, 2, 3), 255, dtype="uint8")
    y = imagenet_utils.preprocess_input(x, mode="tf")
    assert y.dtype == np.float32 and np.all(y == 1.0) and x.dtype == np.uint8
    xf = np.full((1, 2, 2, 3), 127.5, dtype="float32")
    imagenet_utils.preprocess_input(xf, mode="tf")
    assert np.all(xf == 0.0)  # Keras modifies float arrays in place in tf mode


def test_family_modes():
    x = np.random.default_rng(1).uniform(0, 255, (1, 3, 3, 3)).astype("float32")
    for module, mode in ((vgg16, "caffe"), (resnet, "caffe"), (resnet_v2, "tf"), (mobilenet_v2, "tf"),
                         (densenet, "torch")):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), _reference(x, mode, "channels_last"),
                                   rtol=1e-5, atol=1e-4)


def test_preprocess_errors():
    with pytest.raises(ValueError, match="mode"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="bogus")
    with pytest.raises(ValueError, match="data_format"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="nhwc")


@pytest.fixture
def fake_index(tmp_path, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    calls = []

    def fake_get_file(fname, origin, cache_subdir="datasets", file_hash=None, **kw):
        calls.append((fname, origin, cache_subdir, file_hash))
        return str(path)

    monkeypatch.setattr(imagenet_utils, "get_file", fake_get_file)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    return calls


def test_decode_predictions(fake_index):
    rng = np.random.default_rng(0)
    preds = rng.uniform(size=(2, 1000)).astype("float32")
    out = vgg16.decode_predictions(preds, top=3)
    assert fake_index == [("imagenet_class_index.json", imagenet_utils.CLASS_INDEX_PATH, "models",
                           "c2c37ea517e94d9795004a39431a14cb")]
    assert len(out) == 2
    for row, p in zip(out, preds):
        best = np.argsort(-p)[:3]
        assert [r[0] for r in row] == [f"n{i:08d}" for i in best]
        assert [r[1] for r in row] == [f"class_{i}" for i in best]
        np.testing.assert_array_equal([r[2] for r in row], p[best])
    # tensors work too, and the index is loaded once
    out2 = imagenet_utils.decode_predictions(ops.convert_to_tensor(preds))
    assert len(out2[0]) == 5 and len(fake_index) == 1


def test_decode_predictions_shape_error(fake_index):
    with pytest.raises(ValueError, match="1000"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
