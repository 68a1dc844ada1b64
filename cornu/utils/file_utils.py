"""Files from the network: cached download, hash checks, safe extraction.

``get_file`` is the Keras API: download a URL once into a cache folder
(``$CORNU_HOME``, else ``~/.keras``), check its hash, optionally extract it.
``resolve_dataset_file`` is what the dataset loaders use: it first looks for
the file in ``$CORNU_DATASETS`` (a folder laid out like
``~/.keras/datasets``), then in the cache folders, and only then downloads.

Downloads are atomic: the data goes to a temporary file in the target folder,
its hash is checked, and only then is it renamed into place, so the cache
never holds a partial or corrupted file. Archive extraction (in
``cornu.utils.archive_utils``, re-exported here) refuses members that would
land outside the target folder, links pointing outside it, special files and
absurd sizes.

Environment variables:
    CORNU_DATASETS: folder searched first for dataset files.
    CORNU_HOME: cache root (default ``~/.keras``); files are downloaded to
        ``$CORNU_HOME/datasets``.
    CORNU_NO_DOWNLOAD: when true (``1``, ``true``, ``yes``, ``on``), never
        download; a missing file is an error naming where to get it.
"""

import hashlib
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings

from cornu.utils.archive_utils import (  # noqa: F401 (re-exported)
    MAX_EXTRACT_BYTES,
    MAX_EXTRACT_MEMBERS,
    MAX_ZIP_RATIO,
    _extract_into_new_folder,
    extract_archive,
)
from cornu.utils.progbar import Progbar

__all__ = [
    "get_file",
    "resolve_dataset_file",
    "dataset_search_dirs",
    "hash_file",
    "validate_file",
    "extract_archive",
    "cache_root",
    "downloads_disabled",
    "path_to_string",
    "DatasetNotFoundError",
]

_TRUE_STRINGS = ("1", "true", "yes", "on")


class DatasetNotFoundError(FileNotFoundError):
    """A dataset file is neither on disk nor could it be downloaded."""


def path_to_string(path):
    """Returns ``os.fspath(path)`` for path-like objects, else ``path``."""
    if isinstance(path, os.PathLike):
        return os.fspath(path)
    return path


def downloads_disabled():
    """Whether ``CORNU_NO_DOWNLOAD`` forbids downloading."""
    return os.environ.get("CORNU_NO_DOWNLOAD", "").strip().lower() in _TRUE_STRINGS


def cache_root():
    """The cache root: ``$CORNU_HOME`` when set, else ``~/.keras``."""
    home = os.environ.get("CORNU_HOME")
    if home:
        return os.path.expanduser(home)
    return os.path.join(os.path.expanduser("~"), ".keras")


# -- hashes ------------------------------------------------------------------


def _resolve_hasher(algorithm, file_hash=None):
    """Returns a fresh hashlib object for ``algorithm``.

    ``"auto"`` means sha256 for a 64-character ``file_hash`` and md5
    otherwise (as in Keras).
    """
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(
        f"Unknown hash algorithm {algorithm!r}. Expected 'sha256', 'md5' or "
        "'auto'."
    )


def _algorithm_name(algorithm, file_hash):
    return _resolve_hasher(algorithm, file_hash).name


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Computes the hash of a file.

    Args:
        fpath: path of the file.
        algorithm: ``"sha256"``, ``"md5"``, ``"auto"`` (md5, as in Keras) or a
            ``hashlib`` hash object to update.
        chunk_size: bytes read at a time.

    Returns:
        The hex digest, a string.
    """
    if isinstance(algorithm, str):
        hasher = _resolve_hasher(algorithm)
    else:
        hasher = algorithm
    with open(path_to_string(fpath), "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Checks a file against an expected sha256 or md5 hash.

    Args:
        fpath: path of the file.
        file_hash: the expected hex digest.
        algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (sha256 for a
            64-character hash, md5 otherwise).
        chunk_size: bytes read at a time.

    Returns:
        ``True`` when the file's hash matches.
    """
    hasher = _resolve_hasher(algorithm, file_hash)
    return hash_file(fpath, hasher, chunk_size) == str(file_hash).lower()


def _check_hash(fpath, file_hash, algorithm, origin=None):
    """Raises a clear ValueError when ``fpath`` does not match ``file_hash``."""
    hasher = _resolve_hasher(algorithm, file_hash)
    actual = hash_file(fpath, hasher)
    if actual != str(file_hash).lower():
        where = f" (from {origin})" if origin else ""
        raise ValueError(
            f"The file {fpath}{where} does not have the expected "
            f"{hasher.name} hash: expected {file_hash}, found {actual}. It is "
            "incomplete, corrupted or a different version; delete it so that "
            "a good copy can be fetched."
        )


# -- downloading -------------------------------------------------------------


def _download(origin, target, file_hash=None, hash_algorithm="auto"):
    """Downloads ``origin`` to ``target`` atomically, showing a Progbar.

    The data is written to a temporary file beside ``target``; its hash is
    checked (when given) before it is renamed to ``target``.
    """
    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    print(f"Downloading data from {origin}", flush=True)
    fd, tmp_path = tempfile.mkstemp(
        prefix="." + os.path.basename(target) + ".", suffix=".part", dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(origin, timeout=60)
            except urllib.error.HTTPError as e:
                raise OSError(f"URL fetch failure on {origin}: {e.code} -- {e.msg}") from e
            except urllib.error.URLError as e:
                raise OSError(
                    f"URL fetch failure on {origin}: {e.errno} -- {e.reason}"
                ) from e
            with response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.strip().isdigit() else None
                bar = Progbar(total)
                done = 0
                while True:
                    chunk = response.read(1 << 20)
                    if not chunk:
                        break
                    out.write(chunk)
                    done += len(chunk)
                    if total is None or done < total:
                        bar.update(done)
                bar.update(done if total is None else total, finalize=True)
        if file_hash is not None:
            hasher = _resolve_hasher(hash_algorithm, file_hash)
            actual = hash_file(tmp_path, hasher)
            if actual != str(file_hash).lower():
                raise ValueError(
                    f"Incomplete or corrupted file detected when downloading "
                    f"{origin}: its {hasher.name} hash is {actual}, expected "
                    f"{file_hash}."
                )
        os.replace(tmp_path, target)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise
    return target


# -- dataset lookup ----------------------------------------------------------


def _dataset_relative_name(fname, cache_subdir):
    """The file's path relative to a ``datasets`` folder.

    ``cache_subdir="datasets"`` gives ``fname``;
    ``cache_subdir="datasets/fashion-mnist"`` gives ``fashion-mnist/fname``.
    """
    parts = [p for p in str(cache_subdir).replace("\\", "/").split("/") if p and p != "."]
    if parts and parts[0] == "datasets":
        parts = parts[1:]
    return os.path.join(*parts, fname) if parts else fname


def dataset_search_dirs():
    """The folders searched for dataset files, in order, as (label, path).

    ``$CORNU_DATASETS``, then ``$CORNU_HOME/datasets`` (when set), then
    ``$KERAS_HOME/datasets`` (when set), then ``~/.keras/datasets``.
    """
    dirs = []
    env = os.environ.get("CORNU_DATASETS")
    if env:
        dirs.append(("CORNU_DATASETS", os.path.expanduser(env)))
    home = os.environ.get("CORNU_HOME")
    if home:
        dirs.append(("CORNU_HOME", os.path.join(os.path.expanduser(home), "datasets")))
    keras_home = os.environ.get("KERAS_HOME")
    if keras_home:
        dirs.append(("KERAS_HOME", os.path.join(os.path.expanduser(keras_home), "datasets")))
    dirs.append(("~/.keras", os.path.join(os.path.expanduser("~"), ".keras", "datasets")))
    unique, seen = [], set()
    for label, path in dirs:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append((label, path))
    return unique


def resolve_dataset_file(
    fname, origin, file_hash=None, cache_subdir="datasets", hash_algorithm="auto"
):
    """Finds a dataset file on disk, downloading it only when absent.

    Looks for ``fname`` (under the sub-folder ``cache_subdir`` names, e.g.
    ``fashion-mnist/`` for ``"datasets/fashion-mnist"``) in each folder of
    ``dataset_search_dirs()``; the first match is used after checking its
    hash (when ``file_hash`` is given). When no folder has it, the file is
    downloaded from ``origin`` into ``$CORNU_HOME/datasets`` (or
    ``~/.keras/datasets``), unless ``CORNU_NO_DOWNLOAD`` is set.

    Args:
        fname: the file name (Keras's cache name, e.g. ``"mnist.npz"``). An
            absolute path is used as the only place to look (and to
            download to), as Keras 2 did.
        origin: URL to download it from.
        file_hash: expected sha256 or md5 hex digest, or ``None``.
        cache_subdir: Keras's cache sub-folder, ``"datasets"`` or a folder
            below it; an absolute path is used as the only folder.
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"``.

    Returns:
        The path of the local file, a string.

    Raises:
        DatasetNotFoundError: the file is absent and downloading is disabled
            or failed. The message names the file, the folders searched and
            the URL to fetch it from.
        ValueError: a file was found, or downloaded, with the wrong hash.
    """
    fname = path_to_string(fname)
    cache_subdir = path_to_string(cache_subdir)
    if os.path.isabs(os.path.expanduser(fname)):
        target = os.path.expanduser(fname)
        candidates = [(os.path.dirname(target), target)]
    elif cache_subdir and os.path.isabs(cache_subdir):
        candidates = [(cache_subdir, os.path.join(cache_subdir, fname))]
        target = candidates[0][1]
    else:
        rel = _dataset_relative_name(fname, cache_subdir or "datasets")
        candidates = [
            (os.path.join(root, os.path.dirname(rel)), os.path.join(root, rel))
            for _, root in dataset_search_dirs()
        ]
        target = os.path.join(cache_root(), "datasets", rel)

    for _, candidate in candidates:
        if os.path.isfile(candidate):
            if file_hash is not None:
                _check_hash(candidate, file_hash, hash_algorithm, origin)
            return candidate

    searched = ", ".join(os.path.normpath(folder) for folder, _ in candidates)
    advice = (
        f"Download it from {origin} and put it in one of those folders (or "
        f"point CORNU_DATASETS at a folder holding it)."
    )
    if downloads_disabled():
        raise DatasetNotFoundError(
            f"Dataset file '{fname}' was not found; searched: {searched}. "
            f"Downloading is disabled (CORNU_NO_DOWNLOAD is set). {advice}"
        )
    try:
        return _download(origin, target, file_hash, hash_algorithm)
    except ValueError:
        raise
    except Exception as e:  # network errors of every kind
        raise DatasetNotFoundError(
            f"Dataset file '{fname}' was not found (searched: {searched}) and "
            f"downloading it failed: {e}. {advice}"
        ) from e


# -- get_file ----------------------------------------------------------------


def _writable_base(cache_dir):
    base = os.path.expanduser(cache_dir)
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if os.access(base, os.W_OK):
        return base
    tmp = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    return os.path.join(tmp, ".keras")


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads a file from a URL unless it is already in the cache.

    The file lands in ``cache_dir/cache_subdir/fname`` (by default
    ``$CORNU_HOME/datasets`` or ``~/.keras/datasets``). A file already there
    is reused when its hash matches ``file_hash`` (or when no hash is given);
    otherwise it is downloaded again. Downloads are atomic and hash-checked.

    Extraction follows Keras 3 for ``extract=True``: an ``fname`` with an
    extension (``"data.zip"``) is downloaded under that name and extracted
    to ``data_extracted/``; an ``fname`` without one (``"data"``) is
    extracted to ``data/`` with the archive kept as ``data_archive``; the
    extraction folder is returned. The legacy ``untar=True`` follows Keras 2:
    the archive is saved as ``fname + ".tar.gz"``, extracted into the cache
    sub-folder, and ``cache_subdir/fname`` is returned.

    Args:
        fname: local file name; ``None`` takes the last part of ``origin``.
        origin: the URL of the file.
        untar: legacy: the file is a tar archive to extract (Keras 2 layout).
        md5_hash: legacy: md5 hash of the file (use ``file_hash``).
        file_hash: expected sha256 or md5 hash of the file.
        cache_subdir: sub-folder of the cache (an absolute path is used as
            is).
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"``.
        extract: whether to extract the archive (tar or zip).
        archive_format: ``"auto"``, ``"tar"``, ``"zip"`` or ``None``.
        cache_dir: cache root; ``None`` means ``$CORNU_HOME`` or ``~/.keras``.
        force_download: download even when the file is cached.

    Returns:
        The path of the file, or of the extraction folder.
    """
    if origin is None:
        raise ValueError(
            'Please specify the "origin" argument (URL of the file to download).'
        )
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    base = _writable_base(path_to_string(cache_dir) if cache_dir is not None else cache_root())
    datadir = os.path.join(base, path_to_string(cache_subdir))
    os.makedirs(datadir, exist_ok=True)

    provided_fname = path_to_string(fname)
    fname = provided_fname
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: "
                f"'{origin}'. Please specify the `fname` argument."
            )

    extraction_dir = None
    if untar:
        result = os.path.join(datadir, fname)
        download_target = result + ".tar.gz"
    elif extract:
        if provided_fname and "." in fname:
            download_target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, fname[: fname.find(".")] + "_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            download_target = os.path.join(datadir, fname + "_archive")
        result = extraction_dir
    else:
        download_target = result = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(download_target)
    if not download and file_hash is not None:
        if not validate_file(download_target, file_hash, algorithm=hash_algorithm):
            print(
                "A local file was found, but it seems to be incomplete or "
                f"outdated because the {_algorithm_name(hash_algorithm, file_hash)} "
                f"file hash does not match the original value of {file_hash} "
                "so we will re-download the data.",
                flush=True,
            )
            download = True

    if download:
        if downloads_disabled():
            raise DatasetNotFoundError(
                f"File '{fname}' is needed at {download_target} but downloading "
                f"is disabled (CORNU_NO_DOWNLOAD is set). Download it from "
                f"{origin} and place it there."
            )
        _download(origin, download_target, file_hash, hash_algorithm)

    if untar:
        if download or not os.path.exists(result):
            extract_archive(download_target, datadir, "tar")
        return result
    if extract:
        if download or not os.path.exists(extraction_dir):
            if not _extract_into_new_folder(download_target, extraction_dir, archive_format):
                warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return result
