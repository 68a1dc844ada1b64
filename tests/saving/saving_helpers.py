"""Shared helpers of the saving tests: fixture files, layer availability, archive surgery."""
import io
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

import cornu

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"

# The cornu layers each real-Keras fixture model needs (tests skip until they exist).
FIXTURE_LAYERS = {
    "mlp": ["Dense", "Dropout", "Activation"],
    "two_inputs": ["Dense", "Concatenate"],
    "shared_nested": ["Dense", "Add"],
    "cnn": ["Conv2D", "MaxPooling2D", "Flatten", "Dense"],
    "batchnorm": ["Dense", "BatchNormalization", "Activation"],
    "embedding_lstm": ["Embedding", "LSTM", "Dense"],
    "gru": ["GRU", "Dense"],
}
FIXTURE_NAMES = list(FIXTURE_LAYERS)


def require_layers(*names):
    """Skip the test until every named layer class exists in ``cornu.layers``."""
    missing = [n for n in names if not hasattr(cornu.layers, n)]
    if missing:
        pytest.skip(f"cornu.layers has no {missing} yet")


def fixture_inputs(flavour, name):
    data = np.load(FIXTURES / flavour / f"{name}.inputs.npz")
    xs = [data[k] for k in sorted(data.files)]
    return xs[0] if len(xs) == 1 else xs


def fixture_expected(flavour, name):
    return np.load(FIXTURES / flavour / f"{name}.expected.npy")


def predict(model, x):
    """Inference outputs as NumPy (a direct call: no per-model compilation, fast on every engine)."""
    if isinstance(x, list):
        x = [cornu.ops.convert_to_tensor(v) for v in x]
    else:
        x = cornu.ops.convert_to_tensor(x)
    out = model(x, training=False)
    if isinstance(out, (list, tuple)):
        return [cornu.ops.convert_to_numpy(o) for o in out]
    if isinstance(out, dict):
        return {k: cornu.ops.convert_to_numpy(v) for k, v in out.items()}
    return cornu.ops.convert_to_numpy(out)


def h5_tree(path_or_file):
    """``{path: shape or None for groups}`` of an HDF5 file (read with h5py directly)."""
    out = {}
    with h5py.File(path_or_file, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, tuple(obj.shape) if isinstance(obj, h5py.Dataset) else None))
    return out


def archive_weights_bytes(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read("model.weights.h5")


def archive_config(path):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("config.json"))


def rewrite_archive(src, dst, config=None, weights=None, extra=None):
    """Copy a ``.keras`` zip, replacing config.json and/or model.weights.h5 bytes, adding members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "config.json" and config is not None:
                data = json.dumps(config).encode()
            if info.filename == "model.weights.h5" and weights is not None:
                data = weights
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)


def h5_bytes(build):
    """Bytes of an HDF5 file filled by ``build(h5file)``."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        build(f)
    return buffer.getvalue()


def Dense(units, **kwargs):  # noqa: N802 - stands in for the layer class
    """A ``Dense`` with a constant initial kernel: the tests set weights themselves, and on JAX a
    random initializer costs a compilation per shape."""
    kwargs.setdefault("kernel_initializer", "zeros")
    return cornu.layers.Dense(units, **kwargs)


def small_sequential(units=3, seed=0):
    """Input(4) -> Dense(units, relu) -> Dense(2), deterministic weights."""
    model = cornu.Sequential([cornu.Input((4,)), Dense(units, activation="relu"), Dense(2)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model
