"""Safe reading of ``.npz`` files, object arrays included.

An ``.npz`` file is a zip of ``.npy`` files. Numeric arrays are read with
NumPy's own reader with pickling disabled. Object arrays (the ragged word
sequences of ``imdb.npz`` and ``reuters.npz``) are stored as a pickle stream
after the ``.npy`` header; they are rebuilt by the restricted interpreter of
``_safe_pickle``, which never imports or runs anything named in the file.
"""

import ast
import math
import struct
import zipfile

import numpy as np

from cornu.datasets._safe_pickle import UnsafePickleError, load_restricted

__all__ = ["load_npz", "read_npy"]

_MAGIC = b"\x93NUMPY"
# Members declaring more than this are refused outright, and members that
# expand more than _MAX_RATIO times above _RATIO_FLOOR are refused as zip
# bombs.
_MAX_MEMBER_BYTES = 16 * 1024**3
_RATIO_FLOOR = 256 * 1024**2
_MAX_RATIO = 200


def _parse_header(buffer, what):
    """Parses a ``.npy`` header; returns (shape, fortran_order, dtype, offset)."""
    if buffer[:6] != _MAGIC:
        raise ValueError(f"{what} is not a .npy array (bad magic bytes)")
    major = buffer[6]
    if major == 1:
        (length,) = struct.unpack_from("<H", buffer, 8)
        start, encoding = 10, "latin1"
    elif major in (2, 3):
        (length,) = struct.unpack_from("<I", buffer, 8)
        start, encoding = 12, "latin1" if major == 2 else "utf8"
    else:
        raise ValueError(f"{what} has an unsupported .npy version {major}")
    header = bytes(buffer[start : start + length]).decode(encoding)
    try:
        meta = ast.literal_eval(header)
    except (SyntaxError, ValueError) as e:
        raise ValueError(f"{what} has a malformed .npy header: {header!r}") from e
    if not isinstance(meta, dict) or set(meta) != {"descr", "fortran_order", "shape"}:
        raise ValueError(f"{what} has a malformed .npy header: {header!r}")
    shape = meta["shape"]
    if not isinstance(shape, tuple) or not all(
        isinstance(d, int) and d >= 0 for d in shape
    ):
        raise ValueError(f"{what} has an invalid shape {shape!r}")
    dtype = np.lib.format.descr_to_dtype(meta["descr"])
    return shape, bool(meta["fortran_order"]), dtype, start + length


def read_npy(buffer, what="array"):
    """Reads one ``.npy`` file from bytes, object arrays included, safely.

    Args:
        buffer: the whole ``.npy`` file as bytes.
        what: a name for error messages.

    Returns:
        The NumPy array.
    """
    shape, fortran, dtype, offset = _parse_header(buffer, what)
    if dtype.hasobject:
        array = load_restricted(memoryview(buffer)[offset:], what=what)
        if not isinstance(array, np.ndarray) or array.dtype != object:
            raise UnsafePickleError(f"{what} does not hold an object array")
        if array.shape != shape:
            raise UnsafePickleError(
                f"{what} holds an array of shape {array.shape}, its header says {shape}"
            )
        return array
    count = math.prod(shape)
    needed = count * dtype.itemsize
    if len(buffer) - offset < needed:
        raise ValueError(f"{what} is truncated: {len(buffer) - offset} bytes of {needed}")
    array = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset)
    return array.reshape(shape, order="F" if fortran else "C").copy()


def load_npz(path, keys=None):
    """Loads the arrays of an ``.npz`` file into a dict, safely.

    Unlike ``np.load(path, allow_pickle=True)``, object arrays are rebuilt
    without unpickling, so a malicious file cannot run code: it is refused
    with ``UnsafePickleError``.

    Args:
        path: the ``.npz`` file.
        keys: names of the arrays to load (all when ``None``).

    Returns:
        A dict mapping array names to NumPy arrays.
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            key = info.filename[: -len(".npy")]
            if keys is not None and key not in keys:
                continue
            if info.file_size > _MAX_MEMBER_BYTES or (
                info.file_size > _RATIO_FLOOR
                and info.file_size > _MAX_RATIO * max(info.compress_size, 1)
            ):
                raise ValueError(
                    f"Refusing to read '{info.filename}' of {path}: it declares "
                    f"{info.file_size} bytes for {info.compress_size} stored "
                    "(a likely decompression bomb)."
                )
            with archive.open(info) as member:
                buffer = member.read()
            arrays[key] = read_npy(buffer, what=f"'{info.filename}' of {path}")
    if keys is not None:
        missing = [k for k in keys if k not in arrays]
        if missing:
            raise KeyError(f"{path} has no array named {', '.join(missing)}")
    return arrays
