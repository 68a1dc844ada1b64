"""The ``.keras`` format: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``.

Written exactly as Keras 3 writes it (members stored uncompressed, in that
order; ``metadata.json`` = ``{"keras_version", "date_saved"}``, plus
``cornu_version``, which Keras ignores).  Read without ever extracting by
member name: the two JSON members are read into memory under a size limit,
the weights member is streamed, under a size limit, into a private
temporary folder under a fixed name.  Members are checked for declared
sizes and compression ratio (zip bombs) before reading.
"""
import contextlib
import datetime
import io
import json
import os
import shutil
import tempfile
import zipfile

from cornu.saving import assets, h5_guard
from cornu.saving.errors import (
    MAX_ARCHIVE_MEMBER_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_JSON_BYTES,
    LoadError,
    UnsafeFileError,
)
from cornu.version import __version__ as CORNU_VERSION

KERAS_VERSION = "3.0.0"  # the Keras format version cornu writes (Keras reads it as a Keras 3 file)
CONFIG_NAME = "config.json"
METADATA_NAME = "metadata.json"
WEIGHTS_NAME = "model.weights.h5"


def metadata():
    return {"keras_version": KERAS_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
            "cornu_version": CORNU_VERSION}


def write_archive(target, config, write_weights, write_assets=None):
    """Write a ``.keras`` zip to ``target`` (a path or a binary file object).

    ``write_weights(h5_file)`` fills the open, writable HDF5 weights file;
    ``write_assets(folder)``, if given, writes asset files stored under ``assets/``.
    """
    import h5py  # noqa: PLC0415

    scratch = tempfile.mkdtemp(prefix="cornu-save-")
    try:
        weights_path = os.path.join(scratch, WEIGHTS_NAME)
        with h5py.File(weights_path, "w") as h5:
            write_weights(h5)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(METADATA_NAME, json.dumps(metadata()))
            zf.writestr(CONFIG_NAME, json.dumps(config))
            zf.write(weights_path, WEIGHTS_NAME)
            if write_assets is not None:
                assets_root = os.path.join(scratch, assets.ASSETS_DIR)
                write_assets(assets_root)
                for folder, _, files in sorted(os.walk(assets_root)):
                    for name in sorted(files):
                        full = os.path.join(folder, name)
                        rel = os.path.relpath(full, scratch).replace(os.sep, "/")
                        zf.write(full, rel)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def write_directory(folder, config, write_weights, write_assets=None):
    """The unzipped layout (``zipped=False``): the same three files (and ``assets/``) in a folder."""
    import h5py  # noqa: PLC0415

    with open(os.path.join(folder, METADATA_NAME), "w", encoding="utf-8") as fh:
        json.dump(metadata(), fh)
    with open(os.path.join(folder, CONFIG_NAME), "w", encoding="utf-8") as fh:
        json.dump(config, fh)
    with h5py.File(os.path.join(folder, WEIGHTS_NAME), "w") as h5:
        write_weights(h5)
    if write_assets is not None:
        write_assets(os.path.join(folder, assets.ASSETS_DIR))


def _check_member(info, limit):
    if info.flag_bits & 0x1:
        raise UnsafeFileError(f"Archive member {info.filename!r} is encrypted; refused.")
    if info.file_size > limit:
        raise UnsafeFileError(f"Archive member {info.filename!r} declares {info.file_size} bytes, over the "
                              f"{limit}-byte limit; refused.")
    if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise UnsafeFileError(f"Archive member {info.filename!r} inflates {info.file_size} bytes from "
                              f"{info.compress_size}: a zip bomb; refused.")


def _read_member(zf, info, limit):
    _check_member(info, limit)
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFileError(f"Archive member {info.filename!r} is larger than declared; refused.")
    return data


def _copy_member(zf, info, destination, limit):
    _check_member(info, limit)
    written = 0
    with zf.open(info) as src, open(destination, "wb") as dst:
        while True:
            chunk = src.read(2**20)
            if not chunk:
                break
            written += len(chunk)
            if written > limit:
                raise UnsafeFileError(f"Archive member {info.filename!r} is larger than declared; refused.")
            dst.write(chunk)


class Archive:
    """A ``.keras`` file opened for reading: ``config``, ``metadata`` and ``weights_path``.

    Use as a context manager; the temporary copy of the weights is removed on exit.
    """

    def __init__(self, source):
        self.config = self.metadata = None
        self.weights_path = None
        self.assets_dir = None  # a folder holding the archive's `assets/` files, if it has any
        self._scratch = None
        self._source = source

    def __enter__(self):
        try:
            if isinstance(self._source, (str, os.PathLike)) and os.path.isdir(self._source):
                self._open_directory(os.fspath(self._source))
            else:
                self._open_zip(self._source)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def _open_directory(self, folder):
        config_path = os.path.join(folder, CONFIG_NAME)
        if not os.path.isfile(config_path):
            raise LoadError(f"{folder} is a folder without {CONFIG_NAME}: not an unzipped Keras model. "
                            "(TensorFlow SavedModel folders cannot be loaded by cornu.)")
        self.config = _read_json_file(config_path)
        meta_path = os.path.join(folder, METADATA_NAME)
        self.metadata = _read_json_file(meta_path) if os.path.isfile(meta_path) else {}
        weights = os.path.join(folder, WEIGHTS_NAME)
        self.weights_path = weights if os.path.isfile(weights) else None
        assets_folder = os.path.join(folder, assets.ASSETS_DIR)
        self.assets_dir = assets_folder if os.path.isdir(assets_folder) else None

    def _open_zip(self, source):
        try:
            zf = zipfile.ZipFile(source, "r")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise LoadError(f"Not a valid .keras archive: {e}") from e
        with zf:
            try:
                members = {info.filename: info for info in zf.infolist()}
                if CONFIG_NAME not in members:
                    raise LoadError(f"The archive has no {CONFIG_NAME}: not a .keras model file.")
                self.config = h5_guard.parse_json(_read_member(zf, members[CONFIG_NAME], MAX_JSON_BYTES),
                                                  CONFIG_NAME)
                self.metadata = {}
                if METADATA_NAME in members:
                    self.metadata = h5_guard.parse_json(
                        _read_member(zf, members[METADATA_NAME], MAX_JSON_BYTES), METADATA_NAME)
                if WEIGHTS_NAME in members:
                    self._scratch = tempfile.mkdtemp(prefix="cornu-load-")
                    self.weights_path = os.path.join(self._scratch, WEIGHTS_NAME)
                    _copy_member(zf, members[WEIGHTS_NAME], self.weights_path, MAX_ARCHIVE_MEMBER_BYTES)
                elif any(name.startswith("model.weights") for name in members):
                    raise LoadError("This .keras archive stores sharded weights, which cornu does not read.")
                self._extract_assets(zf, members)
            except (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, OSError) as e:
                raise LoadError(f"Corrupt .keras archive: {e}") from e

    def _extract_assets(self, zf, members):
        """Copy the safe ``assets/...`` members (size-limited in total) into the scratch folder."""
        picked = [(rel, info) for name, info in members.items()
                  if (rel := assets.safe_member_path(name)) is not None]
        if not picked:
            return
        if sum(info.file_size for _, info in picked) > MAX_ARCHIVE_MEMBER_BYTES:
            raise UnsafeFileError("The archive's assets are larger than the size limit; refused.")
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="cornu-load-")
        root = os.path.join(self._scratch, assets.ASSETS_DIR)
        for rel, info in picked:
            destination = os.path.join(root, rel)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            _copy_member(zf, info, destination, MAX_ARCHIVE_MEMBER_BYTES)
        self.assets_dir = root


def _read_json_file(path):
    size = os.path.getsize(path)
    if size > MAX_JSON_BYTES:
        raise UnsafeFileError(f"{path} is larger than {MAX_JSON_BYTES} bytes; refused.")
    with open(path, "rb") as fh:
        return h5_guard.parse_json(fh.read(), os.path.basename(path))


def is_archive(source):
    """True for a zip file (path or file object) or an unzipped-model folder."""
    if isinstance(source, (str, os.PathLike)):
        if os.path.isdir(source):
            return os.path.isfile(os.path.join(source, CONFIG_NAME))
        return os.path.isfile(source) and h5_guard.sniff(os.fspath(source)) == "zip"
    if hasattr(source, "read") and hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            position = source.tell()
            head = source.read(4)
            source.seek(position)
            return head[:2] == b"PK"
    return isinstance(source, (bytes, bytearray)) or isinstance(source, io.BytesIO)


__all__ = ["Archive", "write_archive", "write_directory", "is_archive", "KERAS_VERSION"]
