"""Fuzzing ``load_model`` with malformed files: every failure is a clean exception.

Valid ``.keras`` and ``.h5`` files are truncated, have bytes overwritten, or
(for archives) have their ``config.json`` mutated; loading must either work
or raise ``ValueError`` (``LoadError``), ``OSError`` or ``KeyError`` - never
anything else, never hang.  ``EXAMPLES`` bounds the run.
"""
import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cornu import saving

from saving_helpers import small_sequential

EXAMPLES = 50  # per test; four tests -> 200 malformed files per engine
CLEAN = (ValueError, OSError, KeyError)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    model = small_sequential()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(folder / "m.keras")
    model.save(folder / "m.h5")
    return folder, (folder / "m.keras").read_bytes(), (folder / "m.h5").read_bytes()


def _attempt(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    try:
        saving.load_model(path)
    except CLEAN:
        return
    finally:
        path.unlink()


_edits = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)),
                  min_size=1, max_size=6)


def _apply(data, cut, edits):
    data = bytearray(data[: max(1, int(len(data) * cut))])
    for where, patch in edits:
        at = int(where * len(data))
        data[at:at + len(patch)] = patch
    return bytes(data)


@FUZZ
@given(cut=st.floats(0.0, 1.0), edits=_edits)
def test_fuzz_corrupted_keras_archives(samples, cut, edits):
    folder, keras_bytes, _ = samples
    _attempt(folder, "f.keras", _apply(keras_bytes, cut, edits))


@FUZZ
@given(cut=st.floats(0.0, 1.0), edits=_edits)
def test_fuzz_corrupted_legacy_h5(samples, cut, edits):
    folder, _, h5_bytes = samples
    _attempt(folder, "f.h5", _apply(h5_bytes, cut, edits))


@FUZZ
@given(cut=st.floats(0.5, 1.0), edits=_edits)
def test_fuzz_corrupted_weights_inside_a_valid_archive(samples, cut, edits):
    folder, keras_bytes, _ = samples
    with zipfile.ZipFile(io.BytesIO(keras_bytes)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["model.weights.h5"] = _apply(members["model.weights.h5"], cut, edits)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    _attempt(folder, "w.keras", buffer.getvalue())


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.floats(-2, 2, allow_nan=False) |
    st.sampled_from(["", "relu", "Dense", "keras.layers", "__keras_tensor__", "__lambda__", "valid"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["class_name", "config", "module", "name", "units", "layers", "inbound_nodes"]),
        children, max_size=3),
    max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_config_json(samples, data):
    folder, keras_bytes, _ = samples
    with zipfile.ZipFile(io.BytesIO(keras_bytes)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    config = json.loads(members["config.json"])
    paths = [p for p in _paths(config) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        node = config
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = data.draw(_json_values)
        paths = [p for p in _paths(config) if p]
    members["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, value in members.items():
            zf.writestr(name, value)
    _attempt(folder, "c.keras", buffer.getvalue())
