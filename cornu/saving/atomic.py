"""Writing files so that a failure never leaves a half-written file behind.

Everything is written to a temporary name in the destination's folder and
moved over the destination with ``os.replace`` (atomic on POSIX and
Windows) only once complete; on any error the temporary file is removed and
the previous file, if any, is untouched.
"""
import contextlib
import os
import shutil
import sys
import tempfile


def confirm_overwrite(filepath, overwrite):
    """True when writing ``filepath`` may proceed.

    With ``overwrite=False`` and an existing file, ask on an interactive
    terminal (as Keras does) and refuse with ``FileExistsError`` otherwise.
    """
    if overwrite or not os.path.exists(filepath):
        return True
    if sys.stdin is not None and sys.stdin.isatty():
        answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n] ").strip().lower()
        return answer in ("y", "yes")
    raise FileExistsError(f"{filepath} already exists and `overwrite=False` was passed.")


@contextlib.contextmanager
def atomic_path(filepath, suffix=".tmp"):
    """Yield a temporary path beside ``filepath``; on success move it over ``filepath``."""
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def atomic_directory(dirpath):
    """Yield a temporary folder beside ``dirpath``; on success it replaces ``dirpath``."""
    dirpath = os.path.abspath(os.fspath(dirpath))
    parent = os.path.dirname(dirpath)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(dirpath)}.", dir=parent)
    try:
        yield tmp
        backup = None
        if os.path.exists(dirpath):
            backup = tempfile.mkdtemp(prefix=f".{os.path.basename(dirpath)}.old.", dir=parent)
            os.rmdir(backup)
            os.replace(dirpath, backup)
        os.replace(tmp, dirpath)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True) if os.path.isdir(backup) else os.remove(backup)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


__all__ = ["atomic_path", "atomic_directory", "confirm_overwrite"]
