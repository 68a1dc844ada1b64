"""Opening HDF5 files that may be hostile.

A file is checked as a whole before anything is read from it.  Refused:
soft links, external links and user-defined links; datasets with external
storage (their bytes live in another file, e.g. ``/etc/passwd``), virtual
datasets, non-numeric dtypes, filters other than the standard compression
ones (an unknown filter makes HDF5 look for a plugin library), and any
dataset or attribute that declares more bytes than the caps in
``cornu.saving.errors`` (a "shape bomb" needs no disk space to declare
petabytes).  Only hard links are followed, each object once.
"""
import io
import json
import os
import re

import numpy as np

from cornu.saving.errors import (
    MAX_ATTRIBUTE_BYTES,
    MAX_DATASET_BYTES,
    MAX_HDF5_OBJECTS,
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    LoadError,
    UnsafeFileError,
)

_ALLOWED_FILTERS = {1, 2, 3, 4, 6, 32000}  # deflate, shuffle, fletcher32, szip, scale-offset, lzf
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _h5py():
    import h5py  # noqa: PLC0415 - a hard dependency, imported when files are touched

    return h5py


def open_h5(source, what="file"):
    """Open ``source`` (a path or a binary file object) read-only and vet it whole.

    Raises:
        LoadError: not an HDF5 file, or corrupt.
        UnsafeFileError: the file uses a refused feature (links, external storage...).
    """
    h5py = _h5py()
    try:
        handle = h5py.File(source, "r", locking=False) if isinstance(source, (str, os.PathLike)) \
            else h5py.File(source, "r")
    except (OSError, ValueError, TypeError) as e:
        raise LoadError(f"Could not open the {what} as HDF5: {e}") from e
    try:
        check_file(handle)
    except BaseException:
        handle.close()
        raise
    return handle


def open_h5_bytes(data, what="file"):
    """``open_h5`` on bytes held in memory."""
    return open_h5(io.BytesIO(data), what)


def check_file(handle):
    """Walk every link of an open file; raise ``UnsafeFileError`` at the first refused feature."""
    h5py = _h5py()
    count = [0]

    def problem(name, link):
        count[0] += 1
        if count[0] > MAX_HDF5_OBJECTS:
            return UnsafeFileError(f"HDF5 file has more than {MAX_HDF5_OBJECTS} objects; refusing it.")
        if isinstance(link, h5py.SoftLink):
            return UnsafeFileError(
                f"HDF5 file contains a soft link {name!r} -> {link.path!r}; model files never use "
                "links, so the file is refused.")
        if isinstance(link, h5py.ExternalLink):
            return UnsafeFileError(
                f"HDF5 file contains an external link {name!r} -> {link.filename!r}:{link.path!r}, "
                "which would read another file on this machine; the file is refused.")
        if not isinstance(link, h5py.HardLink):
            return UnsafeFileError(f"HDF5 file contains a link of unsupported type at {name!r}.")
        obj = handle[name]
        if isinstance(obj, h5py.Dataset):
            check_dataset(obj, name)
        return None

    def visit(name, link):
        # An exception raised inside h5py's C-level visitor is not propagated cleanly, so the
        # first problem is returned (which stops the walk) and raised afterwards.
        try:
            return problem(name, link)
        except (UnsafeFileError, LoadError) as e:
            return e
        except Exception as e:  # noqa: BLE001 - corrupt metadata surfaces as LoadError below
            return LoadError(f"Corrupt HDF5 object {name!r}: {e}")

    try:
        found = handle.visititems_links(visit)
    except (OSError, KeyError, ValueError, RuntimeError, TypeError, SystemError) as e:
        raise LoadError(f"Corrupt HDF5 file: {e}") from e
    if isinstance(found, BaseException):
        raise found


def check_dataset(ds, name=None):
    """Refuse external storage, virtual datasets, odd dtypes and filters, oversized shapes."""
    name = name or ds.name
    if ds.is_virtual:
        raise UnsafeFileError(f"HDF5 dataset {name!r} is a virtual dataset (data from other files); refused.")
    if ds.external:
        raise UnsafeFileError(
            f"HDF5 dataset {name!r} uses external storage ({ds.external[0][0]!r}...): its bytes would "
            "be read from another file on this machine. Refused.")
    dtype = ds.dtype
    if dtype.kind not in "biufc" or dtype.names is not None or dtype.subdtype is not None:
        raise UnsafeFileError(f"HDF5 dataset {name!r} has dtype {dtype}; weights must be numeric arrays.")
    if ds.shape is None:
        raise UnsafeFileError(f"HDF5 dataset {name!r} has no shape (null dataspace).")
    nbytes = dtype.itemsize
    for d in ds.shape:
        nbytes *= int(d)
    if nbytes > MAX_DATASET_BYTES:
        raise UnsafeFileError(
            f"HDF5 dataset {name!r} declares shape {ds.shape} ({nbytes} bytes), over the "
            f"{MAX_DATASET_BYTES}-byte limit; refused before reading.")
    plist = ds.id.get_create_plist()
    for i in range(plist.get_nfilters()):
        code = plist.get_filter(i)[0]
        if code not in _ALLOWED_FILTERS:
            raise UnsafeFileError(f"HDF5 dataset {name!r} uses filter {code}, which cornu does not read.")


def read_dataset(ds, expected_shape=None, name=None):
    """The dataset as a NumPy array (after ``check_dataset``; shape checked first when given)."""
    check_dataset(ds, name)
    if expected_shape is not None and tuple(ds.shape) != tuple(expected_shape):
        raise ValueError(f"Dataset {name or ds.name!r} has shape {tuple(ds.shape)}; expected "
                         f"{tuple(expected_shape)}.")
    try:
        return np.asarray(ds[()])
    except (OSError, ValueError, RuntimeError) as e:
        raise LoadError(f"Could not read HDF5 dataset {name or ds.name!r}: {e}") from e


def child(group, key):
    """``group[key]`` for a plain child name, or None (hard links only; no path traversal)."""
    h5py = _h5py()
    try:
        link = group.get(key, getlink=True)
    except (KeyError, ValueError, OSError, RuntimeError):
        return None
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        raise UnsafeFileError(f"HDF5 entry {key!r} is not a plain (hard-linked) object; refused.")
    try:
        return group[key]
    except (KeyError, ValueError, OSError, RuntimeError) as e:
        raise LoadError(f"Corrupt HDF5 entry {key!r}: {e}") from e


def get_path(group, path):
    """Follow ``a/b/c`` one hard link at a time; None when any part is missing."""
    node = group
    for part in [p for p in str(path).split("/") if p]:
        if not is_group(node):
            return None
        node = child(node, part)
        if node is None:
            return None
    return node


def is_group(obj):
    return isinstance(obj, _h5py().Group)


def is_dataset(obj):
    return isinstance(obj, _h5py().Dataset)


def _attr_size(obj, name):
    try:
        return obj.attrs.get_id(name).get_storage_size()
    except (KeyError, OSError, RuntimeError, ValueError):
        return 0


def read_attr(obj, name, default=None):
    """An attribute with its size checked first; bytes decoded to ``str`` (arrays to lists)."""
    try:
        present = name in obj.attrs
    except (OSError, RuntimeError, ValueError):
        present = False
    if not present:
        return default
    if _attr_size(obj, name) > MAX_ATTRIBUTE_BYTES:
        raise UnsafeFileError(f"HDF5 attribute {name!r} is larger than {MAX_ATTRIBUTE_BYTES} bytes; refused.")
    try:
        value = obj.attrs[name]
    except (OSError, RuntimeError, ValueError, TypeError) as e:
        raise LoadError(f"Could not read HDF5 attribute {name!r}: {e}") from e
    return _decode(value)


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SOU":
            return [_decode(v) for v in value.reshape(-1).tolist()]
        if value.size == 0:
            return []
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_string_list_attr(obj, name):
    """A list-of-strings attribute, also when Keras split it into ``name0``, ``name1``..."""
    value = read_attr(obj, name)
    if value is None:
        value, i = [], 0
        while True:
            chunk = read_attr(obj, f"{name}{i}")
            if chunk is None:
                break
            value.extend(chunk if isinstance(chunk, list) else [chunk])
            i += 1
            if i > 100_000:
                raise UnsafeFileError(f"Attribute {name!r} is split into too many chunks.")
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        return [str(v) for v in value.reshape(-1).tolist()]
    return [v if isinstance(v, str) else str(v) for v in value]


def read_json_attr(obj, name):
    """A JSON-encoded attribute (``model_config``...), parsed with size and depth limits."""
    text = read_attr(obj, name)
    if text is None:
        return None
    if not isinstance(text, str):
        raise LoadError(f"HDF5 attribute {name!r} should be a JSON string.")
    return parse_json(text, name)


def parse_json(text, what="config"):
    """``json.loads`` with a byte limit, a nesting limit and clean errors."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_JSON_BYTES:
            raise UnsafeFileError(f"{what} is larger than {MAX_JSON_BYTES} bytes; refused.")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise LoadError(f"{what} is not UTF-8 text: {e}") from e
    if len(text) > MAX_JSON_BYTES:
        raise UnsafeFileError(f"{what} is larger than {MAX_JSON_BYTES} bytes; refused.")
    depth = max_nesting(text)
    if depth > MAX_JSON_DEPTH:
        raise UnsafeFileError(f"{what} is nested {depth} levels deep (limit {MAX_JSON_DEPTH}); refused.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as e:
        raise LoadError(f"{what} is not valid JSON: {e}") from e


_JSON_TOKENS = re.compile(r'[\[\]{}"\\]')


def max_nesting(text):
    """The deepest bracket nesting of a JSON text (strings skipped), without parsing it."""
    depth = best = 0
    in_string = False
    escaped_at = -1
    for match in _JSON_TOKENS.finditer(text):
        ch, pos = match.group(), match.start()
        if pos == escaped_at:
            continue
        if in_string:
            if ch == "\\":
                escaped_at = pos + 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def sniff(path_or_bytes):
    """``"zip"``, ``"hdf5"`` or None from a file's first bytes."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        head = bytes(path_or_bytes[:8])
    else:
        with open(path_or_bytes, "rb") as fh:
            head = fh.read(8)
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return "zip"
    if head == HDF5_SIGNATURE:
        return "hdf5"
    return None


__all__ = ["open_h5", "open_h5_bytes", "check_file", "check_dataset", "read_dataset", "get_path",
           "read_attr", "read_string_list_attr", "read_json_attr", "parse_json", "sniff"]
