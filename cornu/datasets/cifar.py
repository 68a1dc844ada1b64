"""Reading the CIFAR-10/100 "python version" batch files without pickle.

Each batch file is a pickled dict (``data``: uint8 array of shape
``(n, 3072)``, label lists, file names). It is read with the restricted
interpreter of ``_safe_pickle``, which rebuilds the NumPy array itself and
refuses anything else a file might ask for.

The batches are taken from an extracted folder when one is found (the Keras
3 layout ``<name>-target/<inner>/`` or the Keras 2 layout ``<inner>/``), or
else read straight out of the ``.tar.gz`` archive, which is downloaded when
no folder has it.
"""

import os
import tarfile

import numpy as np

from cornu.datasets._safe_pickle import load_restricted
from cornu.utils.file_utils import (
    DatasetNotFoundError,
    dataset_search_dirs,
    resolve_dataset_file,
    validate_file,
)

__all__ = ["load_batch"]

_MAX_BATCH_BYTES = 1 << 30


def parse_batch(raw, label_key="labels", what="CIFAR batch"):
    """Parses the bytes of one batch file into ``(data, labels)``.

    ``data`` has shape ``(n, 3, 32, 32)``; ``labels`` is the list stored
    under ``label_key``.
    """
    batch = load_restricted(raw, what=what)
    if not isinstance(batch, dict):
        raise ValueError(f"{what} does not hold a dict.")
    decoded = {}
    for key, value in batch.items():
        decoded[key.decode("utf8") if isinstance(key, bytes) else key] = value
    if "data" not in decoded or label_key not in decoded:
        raise ValueError(
            f"{what} has no 'data' or '{label_key}' entry; found "
            f"{sorted(decoded)}."
        )
    data = decoded["data"]
    if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[1] != 3072:
        raise ValueError(f"{what}: 'data' is not an array of shape (n, 3072).")
    return data.reshape(data.shape[0], 3, 32, 32), decoded[label_key]


def load_batch(fpath, label_key="labels"):
    """Reads one CIFAR batch file (Keras's ``cifar.load_batch``).

    Args:
        fpath: path of the batch file.
        label_key: the key of the labels (``"labels"`` for CIFAR-10,
            ``"fine_labels"`` or ``"coarse_labels"`` for CIFAR-100).

    Returns:
        A tuple ``(data, labels)``: uint8 array ``(n, 3, 32, 32)`` and list.
    """
    with open(fpath, "rb") as f:
        raw = f.read()
    return parse_batch(raw, label_key, what=str(fpath))


class _FolderSource:
    def __init__(self, folder):
        self.folder = folder

    def read(self, names):
        out = {}
        for name in names:
            with open(os.path.join(self.folder, name), "rb") as f:
                out[name] = f.read()
        return out

    def describe(self, name):
        return os.path.join(self.folder, name)


class _ArchiveSource:
    def __init__(self, archive, inner):
        self.archive = archive
        self.inner = inner

    def read(self, names):
        """Reads the named members in one pass over the archive."""
        wanted = {f"{self.inner}/{name}": name for name in names}
        out = {}
        with tarfile.open(self.archive) as tar:
            for member in tar:
                member_name = member.name[2:] if member.name.startswith("./") else member.name
                name = wanted.get(member_name)
                if name is None:
                    continue
                if not member.isfile() or member.size > _MAX_BATCH_BYTES:
                    raise ValueError(f"{self.archive}: member {member.name} is not a batch file.")
                out[name] = tar.extractfile(member).read()
        missing = [n for n in names if n not in out]
        if missing:
            raise ValueError(
                f"{self.archive} lacks the batch files {missing} (expected under "
                f"'{self.inner}/')."
            )
        return out

    def describe(self, name):
        return f"{self.archive}:{self.inner}/{name}"


def locate(names, inner, folder_names, archive_names, origin, file_hash):
    """Finds the batch files: an extracted folder, else the archive.

    Args:
        names: the batch file names needed.
        inner: the folder name inside the archive (``cifar-10-batches-py``).
        folder_names: relative folders that may hold the extracted batches.
        archive_names: file names the archive may have in a dataset folder;
            the first is the name downloaded to.
        origin: URL of the archive.
        file_hash: sha256 of the archive.

    Returns:
        A source object with ``read(names)`` and ``describe(name)``.
    """
    for _, root in dataset_search_dirs():
        for rel in folder_names:
            folder = os.path.join(root, rel)
            if all(os.path.isfile(os.path.join(folder, n)) for n in names):
                return _FolderSource(folder)
        for archive_name in archive_names:
            archive = os.path.join(root, archive_name)
            if os.path.isfile(archive):
                if not validate_file(archive, file_hash):
                    raise ValueError(
                        f"The archive {archive} does not have the expected sha256 "
                        f"hash {file_hash}. It is incomplete, corrupted or a "
                        f"different file; delete it so that a good copy can be "
                        f"fetched from {origin}."
                    )
                return _ArchiveSource(archive, inner)
    try:
        archive = resolve_dataset_file(archive_names[0], origin=origin, file_hash=file_hash)
    except DatasetNotFoundError as e:
        raise DatasetNotFoundError(
            f"{e} An extracted copy is accepted too: a folder "
            f"{' or '.join(repr(f) for f in folder_names)} holding "
            f"{', '.join(names)}."
        ) from None
    return _ArchiveSource(archive, inner)
