"""Public Keras advisories on model loading, reproduced against cornu: each attack is refused.

One test per advisory (the advisory's attack, adapted to cornu's file
paths), plus the generic guards they motivated.  A marker file stands for
"the attacker's code ran"; it must never appear.
"""
import base64
import json
import marshal
import pickle
import sys
import time
import zipfile

import h5py
import numpy as np
import pytest

import cornu
from cornu import saving
from cornu.saving import LoadError, UnsafeFileError
from cornu.serialization import in_safe_mode

from saving_helpers import archive_config, predict, rewrite_archive, small_sequential

X = np.ones((2, 4), dtype="float32")


@pytest.fixture
def base(tmp_path):
    """A genuine small ``.keras`` file (Input(4) -> Dense(3) -> Dense(2)) and its config."""
    path = tmp_path / "base.keras"
    model = small_sequential()
    model.save(path)
    return path, archive_config(path), model


def _with_layer(config, entry, position=1):
    config = json.loads(json.dumps(config))
    config["config"]["layers"].insert(position, entry)
    return config


def _lambda_entry(function, name="lam", arguments=None):
    return {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": "float32", "function": function,
                       "arguments": arguments or {}}}


def _bytecode(source):
    return base64.b64encode(marshal.dumps(eval(source).__code__)).decode()  # noqa: S307 - test payload


def _marker_lambda(marker):
    return _bytecode(f"lambda x: (__import__('pathlib').Path({str(marker)!r}).write_text('pwned'), x)[1]")


# -- CVE-2024-3660: Lambda bytecode in config.json ---------------------------------------------
def test_cve_2024_3660_lambda_bytecode_is_refused_in_safe_mode(tmp_path, base):
    path, config, _ = base
    marker = tmp_path / "pwned"
    evil = _with_layer(config, _lambda_entry({"class_name": "__lambda__", "config": {
        "code": _marker_lambda(marker), "defaults": None, "closure": None}}))
    rewrite_archive(path, tmp_path / "evil.keras", config=evil)
    with pytest.raises(UnsafeFileError, match="lambda"):
        saving.load_model(tmp_path / "evil.keras")
    assert not marker.exists()


def test_lambda_bytecode_loads_when_safe_mode_is_turned_off(tmp_path, base):
    path, config, model = base
    doubled = _with_layer(config, _lambda_entry({"class_name": "__lambda__", "config": {
        "code": _bytecode("lambda x: x * 2.0"), "defaults": None, "closure": None}}, name="double"), position=3)
    rewrite_archive(path, tmp_path / "double.keras", config=doubled)
    loaded = saving.load_model(tmp_path / "double.keras", safe_mode=False)
    np.testing.assert_allclose(predict(loaded, X), 2.0 * predict(model, X), rtol=1e-6)
    assert in_safe_mode()  # the scope ended with the load


# -- CVE-2025-1550 (GHSA-48g7-3x6r-xfhp): arbitrary module/function in config.json ---------------
@pytest.mark.parametrize("entry", [
    {"module": "os", "class_name": "system", "config": {"command": "touch MARKER"}, "registered_name": None},
    {"module": "builtins", "class_name": "exec", "config": {"source": "open('MARKER','w')"}, "registered_name": None},
    {"module": "subprocess", "class_name": "Popen", "config": {"args": ["touch", "MARKER"]}, "registered_name": "Popen"},
])
def test_cve_2025_1550_module_injection_is_refused(tmp_path, base, monkeypatch, entry):
    path, config, _ = base
    monkeypatch.chdir(tmp_path)
    rewrite_archive(path, tmp_path / "evil.keras", config=_with_layer(config, entry))
    with pytest.raises(ValueError, match="Unknown"):
        saving.load_model(tmp_path / "evil.keras")
    assert not (tmp_path / "MARKER").exists()


def test_module_paths_in_files_are_never_imported(tmp_path, base, monkeypatch):
    path, config, _ = base
    (tmp_path / "cornu_evil_mod.py").write_text("import pathlib; pathlib.Path('IMPORTED').write_text('x')\n"
                                                "class Evil: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    entry = {"module": "cornu_evil_mod", "class_name": "Evil", "config": {}, "registered_name": None}
    rewrite_archive(path, tmp_path / "evil.keras", config=_with_layer(config, entry))
    with pytest.raises(ValueError):
        saving.load_model(tmp_path / "evil.keras")
    assert "cornu_evil_mod" not in sys.modules and not (tmp_path / "IMPORTED").exists()


def test_function_reference_to_os_system_in_an_argument_is_refused(tmp_path, base):
    path, config, _ = base
    config = json.loads(json.dumps(config))
    config["config"]["layers"][1]["config"]["activation"] = {
        "module": "os", "class_name": "function", "config": "system", "registered_name": "system"}
    rewrite_archive(path, tmp_path / "evil.keras", config=config)
    with pytest.raises(ValueError):
        saving.load_model(tmp_path / "evil.keras")


# -- CVE-2025-8747 (GHSA-c9rc-mg46-23w3): a Keras utility (get_file) called from config.json -------
def test_cve_2025_8747_get_file_through_a_lambda_is_refused(tmp_path, base):
    path, config, _ = base
    target = tmp_path / "downloaded"
    entry = _lambda_entry({"module": "keras.utils", "class_name": "function", "config": "get_file",
                           "registered_name": "get_file"},
                          arguments={"fname": str(target), "origin": "file:///etc/hostname"})
    rewrite_archive(path, tmp_path / "evil.keras", config=_with_layer(config, entry))
    with pytest.raises(UnsafeFileError, match="get_file"):
        saving.load_model(tmp_path / "evil.keras")
    assert not target.exists()


# -- CVE-2025-9906 (GHSA-36fq-jgmw-4r9c): config.json turns safe mode off, then loads a lambda ----
def _functional_config(extra_layers, output_name):
    inp = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None, "name": "x",
           "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "x"}, "inbound_nodes": []}
    return {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
            "config": {"name": "evil", "trainable": True, "layers": [inp] + extra_layers,
                       "input_layers": [["x", 0, 0]], "output_layers": [[output_name, 0, 0]]}}


def test_cve_2025_9906_enable_unsafe_deserialization_from_config_is_refused(tmp_path, base):
    path, _, _ = base
    marker = tmp_path / "pwned"
    switch = dict(_lambda_entry({"module": "keras.config", "class_name": "function",
                                 "config": "enable_unsafe_deserialization",
                                 "registered_name": "enable_unsafe_deserialization"}, name="switch"),
                  name="switch", inbound_nodes=[{"args": [], "kwargs": {"inputs": "anything"}}])
    payload = dict(_lambda_entry({"class_name": "__lambda__", "config": {
        "code": _marker_lambda(marker), "defaults": None, "closure": None}}, name="payload"),
        name="payload", inbound_nodes=[{"args": [{"class_name": "__keras_tensor__", "config": {
            "shape": [None, 4], "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}])
    rewrite_archive(path, tmp_path / "evil.keras", config=_functional_config([switch, payload], "payload"))
    with pytest.raises(UnsafeFileError):
        saving.load_model(tmp_path / "evil.keras")
    assert in_safe_mode() and not cornu.serialization.safe_mode._GLOBAL_UNSAFE[0]
    assert not marker.exists()


def test_cve_2025_9906_load_model_chained_with_safe_mode_false_is_refused(tmp_path, base):
    """io-no's chain: a Lambda whose function is ``load_model``, fed a path, with safe_mode=False."""
    path, _, _ = base
    chain = dict(_lambda_entry({"module": "keras.models", "class_name": "function", "config": "load_model",
                                "registered_name": "function"}, name="chain", arguments={"safe_mode": False}),
                 name="chain", inbound_nodes=[{"args": [], "kwargs": {"inputs": str(path)}}])
    rewrite_archive(path, tmp_path / "evil.keras", config=_functional_config([chain], "chain"))
    with pytest.raises(UnsafeFileError):
        saving.load_model(tmp_path / "evil.keras")


def test_registered_functions_are_never_called_on_constants_from_the_file(tmp_path, base):
    calls = []

    @saving.register_keras_serializable(package="SecurityTests")
    def record(x):
        calls.append(x)
        return x

    path, _, _ = base
    entry = dict(_lambda_entry({"module": "test", "class_name": "function", "config": "SecurityTests>record",
                                "registered_name": "SecurityTests>record"}, name="rec"),
                 name="rec", inbound_nodes=[{"args": ["/etc/passwd"], "kwargs": {}}])
    rewrite_archive(path, tmp_path / "evil.keras", config=_functional_config([entry], "rec"))
    with pytest.raises(UnsafeFileError, match="no tensor"):
        saving.load_model(tmp_path / "evil.keras")
    assert calls == []


# -- CVE-2025-9905 (GHSA-36rr-ww3j-vrjv): safe_mode ignored for legacy .h5 Lambda bytecode ---------
def _legacy_lambda_file(path, code):
    config = {"class_name": "Sequential", "config": {"name": "seq", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "in"}},
        {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                            "function": [code, None, None], "function_type": "lambda",
                                            "module": "__main__", "output_shape": None,
                                            "output_shape_type": "raw", "arguments": {}}}]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [b"lambda"]
        group.create_group("lambda").attrs["weight_names"] = []


def test_cve_2025_9905_legacy_h5_lambda_is_refused_in_safe_mode(tmp_path):
    marker = tmp_path / "pwned"
    _legacy_lambda_file(tmp_path / "evil.h5", _marker_lambda(marker))
    with pytest.raises(UnsafeFileError, match="lambda"):
        saving.load_model(tmp_path / "evil.h5")
    assert not marker.exists()
    _legacy_lambda_file(tmp_path / "ok.h5", _bytecode("lambda x: x + 1.0"))
    loaded = saving.load_model(tmp_path / "ok.h5", safe_mode=False)
    np.testing.assert_allclose(predict(loaded, X), X + 1.0)


# -- CVE-2025-12058 (GHSA-qg93-c7p6-gg7f): StringLookup vocabulary read from a file path ----------
def test_cve_2025_12058_vocabulary_file_path_is_refused(tmp_path, base):
    path, config, _ = base
    secret = tmp_path / "secret.txt"
    secret.write_text("token-1\ntoken-2\n")
    entry = {"module": "keras.layers", "class_name": "StringLookup", "registered_name": None,
             "config": {"name": "lookup", "vocabulary": str(secret), "max_tokens": None}}
    rewrite_archive(path, tmp_path / "evil.keras", config=_with_layer(config, entry))
    with pytest.raises(UnsafeFileError, match="file path"):
        saving.load_model(tmp_path / "evil.keras")


# -- CVE-2026-1669 (GHSA-3m4q-jmj6-r34q): HDF5 external storage / external links read local files ---
def _copy_h5(src_bytes, dst, replace=None):
    """Copy an HDF5 file, letting ``replace(f, path, dataset)`` rewrite chosen datasets."""
    import io

    with h5py.File(io.BytesIO(src_bytes), "r") as src, h5py.File(dst, "w") as out:
        def visit(name, obj):
            if isinstance(obj, h5py.Group):
                group = out.require_group(name)
                for k, v in obj.attrs.items():
                    group.attrs[k] = v
            elif replace is None or not replace(out, name, obj):
                out.create_dataset(name, data=obj[()])
        src.visititems(visit)
        for k, v in src.attrs.items():
            out.attrs[k] = v


def _weights_bytes(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read("model.weights.h5")


def test_cve_2026_1669_external_storage_in_archive_weights_is_refused(tmp_path, base):
    path, _, _ = base
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"SECRETSECRETSECRET")

    def external(out, name, ds):
        if name == "layers/dense/vars/1":
            out.create_dataset(name, shape=ds.shape, dtype=ds.dtype, external=[(str(secret), 0, 12)])
            return True
        return False

    _copy_h5(_weights_bytes(path), tmp_path / "evil.h5", external)
    rewrite_archive(path, tmp_path / "evil.keras", weights=(tmp_path / "evil.h5").read_bytes())
    with pytest.raises(UnsafeFileError, match="external storage"):
        saving.load_model(tmp_path / "evil.keras")
    model = small_sequential()
    with pytest.raises(UnsafeFileError, match="external storage"):
        model.load_weights(tmp_path / "evil.h5")


@pytest.mark.parametrize("link", ["external", "soft"])
def test_cve_2026_1669_hdf5_links_are_refused(tmp_path, base, link):
    path, _, model = base
    (tmp_path / "real.h5").write_bytes(_weights_bytes(path))

    def linked(out, name, ds):
        if name == "layers/dense/vars/0":
            out[name] = h5py.ExternalLink(str(tmp_path / "real.h5"), name) if link == "external" \
                else h5py.SoftLink("/layers/dense_1/vars/0")
            return True
        return False

    _copy_h5(_weights_bytes(path), tmp_path / "linked.weights.h5", linked)
    with pytest.raises(UnsafeFileError, match="link"):
        small_sequential(seed=4).load_weights(tmp_path / "linked.weights.h5")


def test_cve_2026_1669_external_storage_in_legacy_h5_is_refused(tmp_path, base):
    _, _, model = base
    model.save(tmp_path / "m.h5")
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"\x00" * 64)
    first = model.layers[0].name

    def external(out, name, ds):
        if name == f"model_weights/{first}/{first}/bias":
            out.create_dataset(name, shape=ds.shape, dtype=ds.dtype, external=[(str(secret), 0, 12)])
            return True
        return False

    _copy_h5((tmp_path / "m.h5").read_bytes(), tmp_path / "evil.h5", external)
    with pytest.raises(UnsafeFileError, match="external storage"):
        saving.load_model(tmp_path / "evil.h5")


# -- CVE-2026-0897: a dataset declaring an absurd shape ("shape bomb") -----------------------------
def test_cve_2026_0897_shape_bomb_is_refused_before_reading(tmp_path, base):
    path, _, _ = base

    def bomb(out, name, ds):
        if name == "layers/dense/vars/0":
            out.create_dataset(name, shape=(50_000, 50_000, 1_000), dtype="float32", chunks=(1, 64, 64),
                               compression="gzip")
            return True
        return False

    _copy_h5(_weights_bytes(path), tmp_path / "bomb.h5", bomb)
    assert (tmp_path / "bomb.h5").stat().st_size < 200_000  # 10 PB declared, a few KB on disk
    rewrite_archive(path, tmp_path / "bomb.keras", weights=(tmp_path / "bomb.h5").read_bytes())
    start = time.monotonic()
    with pytest.raises(UnsafeFileError, match="shape"):
        saving.load_model(tmp_path / "bomb.keras")
    assert time.monotonic() - start < 10


# -- CVE-2026-1462 (TFSMLayer) and CVE-2025-49655 (TorchModuleWrapper): layers that load code ------
class _Payload:
    def __reduce__(self):
        return (open, ("PICKLE_RAN", "w"))


@pytest.mark.parametrize("entry", [
    {"module": "keras.layers", "class_name": "TFSMLayer", "registered_name": None,
     "config": {"name": "tfsm", "filepath": "/tmp/attacker_savedmodel", "call_endpoint": "serve"}},
    {"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": None,
     "config": {"name": "wrap", "module": base64.b64encode(pickle.dumps(_Payload())).decode()}},
], ids=["cve_2026_1462_tfsmlayer", "cve_2025_49655_torch_module_wrapper"])
def test_layers_that_load_external_code_are_refused_in_safe_mode(tmp_path, base, monkeypatch, entry):
    path, config, _ = base
    monkeypatch.chdir(tmp_path)
    rewrite_archive(path, tmp_path / "evil.keras", config=_with_layer(config, entry))
    with pytest.raises(UnsafeFileError, match="safe mode"):
        saving.load_model(tmp_path / "evil.keras")
    with pytest.raises(ValueError):  # even without safe mode nothing is unpickled: cornu has no such layer
        saving.load_model(tmp_path / "evil.keras", safe_mode=False)
    assert not (tmp_path / "PICKLE_RAN").exists()


# -- CVE-2026-12479: path traversal through names; zip slip ---------------------------------------
def test_cve_2026_12479_names_and_members_never_become_paths(tmp_path, base):
    path, config, _ = base
    sandbox = tmp_path / "a" / "b"
    sandbox.mkdir(parents=True)
    config = json.loads(json.dumps(config))
    config["config"]["layers"][1]["config"]["name"] = "../../../escaped_layer"
    rewrite_archive(path, sandbox / "evil.keras", config=config,
                    extra={"../../zipslip.txt": b"x", "/tmp/cornu_abs_zipslip.txt": b"x",
                           "assets/../../assets_escape.txt": b"x"})
    before = sorted(p.name for p in tmp_path.rglob("*"))
    try:
        saving.load_model(sandbox / "evil.keras")
    except ValueError:
        pass
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "zipslip.txt").exists()


# -- generic guards -----------------------------------------------------------------------------
def test_zip_members_are_size_checked_before_reading(tmp_path, base, monkeypatch):
    path, config, _ = base
    monkeypatch.setattr(saving.archive, "MAX_JSON_BYTES", 100)
    with pytest.raises(UnsafeFileError, match="limit"):
        saving.load_model(path)
    monkeypatch.undo()
    padded = dict(config, padding=" " * 3_000_000)
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "bomb.keras", "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            data = json.dumps(padded).encode() if info.filename == "config.json" else zin.read(info.filename)
            out.writestr(info.filename, data)
    monkeypatch.setattr(saving.archive, "MAX_COMPRESSION_RATIO", 50)
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        saving.load_model(tmp_path / "bomb.keras")


def test_deeply_nested_config_is_refused(tmp_path, base):
    path, _, _ = base
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "deep.keras", "w") as out:
        for info in zin.infolist():
            data = ("[" * 100_000 + "]" * 100_000).encode() if info.filename == "config.json" \
                else zin.read(info.filename)
            out.writestr(info.filename, data)
    with pytest.raises(UnsafeFileError, match="nested"):
        saving.load_model(tmp_path / "deep.keras")


def test_model_from_json_and_yaml_are_guarded_too():
    evil = {"module": "keras.src.models.functional", "class_name": "Sequential", "config": {
        "name": "s", "layers": [_lambda_entry({"class_name": "__lambda__", "config": {
            "code": _bytecode("lambda x: x"), "defaults": None, "closure": None}})]}}
    with pytest.raises(UnsafeFileError):
        saving.model_from_json(json.dumps(evil))
    with pytest.raises(ValueError):
        saving.model_from_yaml("!!python/object/apply:os.system ['touch YAML_RAN']\n")


def test_corrupt_files_raise_load_error(tmp_path, base):
    path, _, _ = base
    data = path.read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError):
        saving.load_model(tmp_path / "cut.keras")
    (tmp_path / "junk.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(LoadError):
        saving.load_model(tmp_path / "junk.h5")
    (tmp_path / "text.keras").write_text("not a model")
    with pytest.raises(LoadError):
        saving.load_model(tmp_path / "text.keras")
