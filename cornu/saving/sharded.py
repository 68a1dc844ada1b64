"""Sharded weights: Keras 3's ``save_weights("x.weights.json", max_shard_size=...)`` layout.

Facts checked against files written by Keras 3.15: the index ``x.weights.json``
is ``{"metadata": {"total_size": <bytes, a float>}, "weight_map": {...}}``
(indented 4); the shards sit beside it, named ``<base>_00000.weights.h5``,
``<base>_00001.weights.h5``... (``base``: the index's stem without
``.weights``), each an HDF5 file with the ``.weights.h5`` tree (groups
``<path>/vars`` with their ``name`` attribute, datasets ``0``, ``1``...) for
part of the variables.  ``weight_map`` maps each ``/<path>/vars`` group
holding datasets to its shard file name, or to a list of names once it holds
two datasets or more.  Arrays are written in the model's walk order; a shard
is closed when the next array would take it past ``max_shard_size`` (in GB,
sizes counted as ``elements * bits / 8``); one array larger than that is an
error.

Reading merges the shards named by the index into one in-memory HDF5 tree
(each shard vetted by ``h5_guard`` first) that the ordinary weights loader
reads.  Shard names must be plain file names in the index's folder: a path,
``..``, an absolute name or a link leading out of the folder is refused.
"""
import contextlib
import json
import math
import os
import shutil
import tempfile
import uuid
import warnings

import numpy as np

from cornu.saving import h5_guard
from cornu.saving.errors import LoadError, UnsafeFileError

MAX_SHARDS = 100_000


def _h5py():
    import h5py  # noqa: PLC0415

    return h5py


def shard_base(index_path):
    """``x`` for ``x.weights.json`` (Keras: the stem with ``.weights`` removed)."""
    stem = os.path.splitext(os.path.basename(os.fspath(index_path)))[0]
    return stem.replace(".weights", "")


def _size_bytes(array):
    bits = 1 if array.dtype == np.bool_ else array.dtype.itemsize * 8
    return math.prod(array.shape) * bits / 8


# -- writing --------------------------------------------------------------------------------
class _ShardedGroup:
    """One ``<path>/vars`` group as ``write_weights`` sees it; its datasets go to the current shard."""

    def __init__(self, writer, path):
        self.writer, self.path = writer, path
        # As Keras: the group (with its attributes) is made in the shard current when the object is
        # reached; a shard receiving its later datasets gets a bare group.
        self.attrs = writer.ensure_group(path).attrs

    def create_dataset(self, name, data):
        self.writer.add(self, str(name), np.asarray(data))

    def _locate(self, key):
        for h5 in self.writer.files:
            if self.path in h5 and str(key) in h5[self.path]:
                return h5[self.path][str(key)]
        raise KeyError(key)

    def __getitem__(self, key):
        return self._locate(key)

    def keys(self):
        return [k for h5 in self.writer.files if self.path in h5 for k in h5[self.path].keys()]

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return str(key) in self.keys()


class ShardWriter:
    """The ``h5`` object ``write_weights`` fills, writing shards into ``folder`` as Keras does."""

    def __init__(self, folder, base, max_shard_size):
        self.folder, self.base = folder, base
        self.max_bytes = float(max_shard_size) * 1024**3
        self.files, self.names = [], []
        self.current_size = 0.0
        self.total_size = 0.0
        self.weight_map = {}
        self._new_shard()

    def _new_shard(self):
        name = f"{self.base}_{len(self.files):05}.weights.h5"
        self.files.append(_h5py().File(os.path.join(self.folder, name), "w"))
        self.names.append(name)

    def create_group(self, path):
        return _ShardedGroup(self, path)

    def ensure_group(self, path):
        h5 = self.files[-1]
        return h5[path] if path in h5 else h5.create_group(path)

    def add(self, group, key, array):
        size = _size_bytes(array)
        self.total_size += size
        if size > self.max_bytes:
            raise ValueError(f"The size of {key} ({group.path}) is {size:.0f} bytes, which exceeds the maximum "
                             f"shard size {self.max_bytes:.0f} bytes. Increase `max_shard_size` to fit it.")
        self.current_size += size
        if self.current_size > self.max_bytes:
            self._new_shard()
            self.current_size = size
        self.ensure_group(group.path).create_dataset(key, data=array)
        entry, name = "/" + group.path, self.names[-1]
        if entry not in self.weight_map:
            self.weight_map[entry] = name
        else:
            if not isinstance(self.weight_map[entry], list):
                self.weight_map[entry] = [self.weight_map[entry]]
            if name not in self.weight_map[entry]:
                self.weight_map[entry].append(name)

    def close(self):
        """Close the shard files; the index (a dict) to write."""
        for h5 in self.files:
            h5.close()
        return {"metadata": {"total_size": self.total_size}, "weight_map": self.weight_map}


def sharded_index_path(filepath):
    """The index path Keras uses: ``.weights.h5`` names become ``.json`` with a warning (as in Keras)."""
    filepath = os.fspath(filepath)
    if filepath.endswith("weights.json"):
        return filepath
    if filepath.endswith("weights.h5"):
        new = os.path.splitext(filepath)[0] + ".json"
        warnings.warn(f"Saving sharded weights requires `*.json` as the extension. The original path: "
                      f"{filepath} will be renamed to {new}.", stacklevel=3)
        return new
    raise ValueError(f"The filename must end in `.weights.json` when `max_shard_size` is specified. "
                     f"Received: filepath={filepath}")


def save_sharded(index_path, fill, max_shard_size):
    """Write shards and index for ``fill(h5)`` (``write_weights``), replacing any previous save.

    Everything is written into a temporary folder beside the index first.  Then
    the old index is moved aside, the shards are moved in and the new index
    last, so a reader never sees an index pointing at the wrong shards; old
    shards the new index does not use are removed.  Should moving fail midway,
    the previous index is left beside it as ``.<name>.<hex>.old``.
    """
    if max_shard_size is None or not float(max_shard_size) > 0:
        raise ValueError(f"`max_shard_size` must be a positive number of GB; received {max_shard_size!r}.")
    index_path = os.path.abspath(os.fspath(index_path))
    folder = os.path.dirname(index_path)
    os.makedirs(folder, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(index_path)}.", dir=folder)
    backup = None
    try:
        writer = ShardWriter(tmp, shard_base(index_path), max_shard_size)
        try:
            fill(writer)
        finally:
            index = writer.close()
        with open(os.path.join(tmp, os.path.basename(index_path)), "w") as f:
            f.write(json.dumps(index, indent=4))
        old_names = set(_indexed_shards(index_path)) if os.path.exists(index_path) else set()
        if os.path.exists(index_path):
            backup = os.path.join(folder, f".{os.path.basename(index_path)}.{uuid.uuid4().hex}.old")
            os.replace(index_path, backup)
        for name in writer.names:
            os.replace(os.path.join(tmp, name), os.path.join(folder, name))
        os.replace(os.path.join(tmp, os.path.basename(index_path)), index_path)
        for name in old_names - set(writer.names):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))
        if backup is not None:
            os.remove(backup)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -- reading --------------------------------------------------------------------------------
def read_index(index_path):
    """The parsed, validated index: ``(weight_map, shard names in first-use order)``."""
    with open(index_path, "rb") as f:
        data = f.read(h5_guard.MAX_JSON_BYTES + 1)
    index = h5_guard.parse_json(data, "sharded weights index")
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise LoadError(f"{index_path} is not a sharded weights index (no 'weight_map' object).")
    names = []
    for key, value in weight_map.items():
        files = value if isinstance(value, list) else [value]
        if not files or not all(isinstance(name, str) for name in files):
            raise LoadError(f"Sharded weights index: entry {key!r} must name shard files; got {value!r}.")
        for name in files:
            if name not in names:
                names.append(name)
    if len(names) > MAX_SHARDS:
        raise UnsafeFileError(f"Sharded weights index names {len(names)} shards (limit {MAX_SHARDS}); refused.")
    return weight_map, names


def _indexed_shards(index_path):
    try:
        return read_index(index_path)[1]
    except (OSError, ValueError):
        return []


def shard_path(folder, name):
    """The path of shard ``name``: a plain file name inside ``folder`` (links may not leave it)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name \
            or os.path.isabs(name) or os.path.basename(name) != name or (len(name) > 1 and name[1] == ":"):
        raise UnsafeFileError(f"The sharded weights index names the shard {name!r}, which is not a plain file "
                              "name in the index's folder; refused.")
    path = os.path.join(folder, name)
    real, real_folder = os.path.realpath(path), os.path.realpath(folder)
    if os.path.dirname(real) != real_folder:
        raise UnsafeFileError(f"Shard {name!r} is a link leading out of the index's folder ({real}); refused.")
    if not os.path.isfile(real):
        raise LoadError(f"Shard {name!r} listed in the sharded weights index is missing from {folder}.")
    return path


def _merge(source, dest, where):
    for key in source.keys():
        obj = h5_guard.child(source, key)
        if h5_guard.is_group(obj):
            target = dest[key] if key in dest else dest.create_group(key)
            for attr in obj.attrs:
                if attr not in target.attrs:
                    target.attrs[attr] = h5_guard.read_attr(obj, attr)
            _merge(obj, target, where)
        elif h5_guard.is_dataset(obj):
            if key in dest:
                raise LoadError(f"Dataset {obj.name!r} appears in two shards ({where} and another); refused.")
            dest.copy(obj, dest, name=key)


@contextlib.contextmanager
def open_sharded(index_path):
    """Yield one read-only view (an in-memory HDF5 file) of every shard the index names."""
    index_path = os.fspath(index_path)
    folder = os.path.dirname(os.path.abspath(index_path))
    _, names = read_index(index_path)
    paths = [shard_path(folder, name) for name in names]
    merged = _h5py().File(f"cornu-shards-{uuid.uuid4().hex}", "w", driver="core", backing_store=False)
    try:
        for name, path in zip(names, paths):
            with h5_guard.open_h5(path, f"weights shard {name!r}") as shard:
                _merge(shard, merged, name)
        yield merged
    finally:
        merged.close()


def is_sharded_index(filepath):
    """True for a path whose name is a Keras sharded index (``*.weights.json``/``*.json`` with a map)."""
    filepath = os.fspath(filepath)
    if not filepath.endswith(".json") or not os.path.isfile(filepath):
        return False
    return filepath.endswith("weights.json") or bool(_indexed_shards(filepath))


__all__ = ["save_sharded", "open_sharded", "read_index", "shard_path", "shard_base", "sharded_index_path",
           "is_sharded_index", "ShardWriter"]
