"""Safe extraction of tar and zip archives.

Every member is checked before anything is written: a member that would land
outside the target folder, a link pointing outside it, a special file or an
absurd total size (or a zip member with an absurd compression ratio) makes the
whole extraction fail with a ValueError. ``cornu.utils.file_utils`` re-exports
the public names for ``get_file``'s callers.
"""

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile

__all__ = ["extract_archive"]

# Limits on what an archive may extract (guards against decompression bombs
# and archives crafted to fill the disk).
MAX_EXTRACT_BYTES = 64 * 1024**3
MAX_EXTRACT_MEMBERS = 2_000_000
# A zip member that expands more than this factor, above a floor size, is
# refused as a likely zip bomb.
MAX_ZIP_RATIO = 1000
_ZIP_RATIO_FLOOR = 64 * 1024**2


def _inside(base, path):
    """Whether ``path`` (absolute, normalised) lies in ``base`` (or is it)."""
    try:
        return os.path.commonpath([base, path]) == base
    except ValueError:
        return False


def _unsafe(archive_path, member, reason):
    return ValueError(
        f"Refusing to extract {member!r} from archive {archive_path}: {reason}."
    )


def _check_member_name(archive_path, name, base):
    """Validates a member name; returns its normalised destination path."""
    if not name or "\x00" in name:
        raise _unsafe(archive_path, name, "the member name is empty or invalid")
    if os.path.isabs(name) or name.startswith(("/", "\\")) or (
        len(name) > 1 and name[1] == ":"
    ):
        raise _unsafe(archive_path, name, "the member has an absolute path")
    dest = os.path.normpath(os.path.join(base, name))
    if not _inside(base, dest):
        raise _unsafe(archive_path, name, f"it would be written outside {base}")
    return dest


def _check_tar_members(archive_path, tar, base):
    """Validates every tar member before anything is extracted."""
    members = tar.getmembers()
    if len(members) > MAX_EXTRACT_MEMBERS:
        raise _unsafe(archive_path, "*", f"it has more than {MAX_EXTRACT_MEMBERS} members")
    total = 0
    links = set()
    for member in members:
        dest = _check_member_name(archive_path, member.name, base)
        if member.issym():
            if os.path.isabs(member.linkname):
                raise _unsafe(archive_path, member.name, "it is a link to an absolute path")
            target = os.path.normpath(os.path.join(os.path.dirname(dest), member.linkname))
            if not _inside(base, target):
                raise _unsafe(archive_path, member.name, "it is a link pointing outside the target folder")
            links.add(dest)
        elif member.islnk():
            if os.path.isabs(member.linkname):
                raise _unsafe(archive_path, member.name, "it is a link to an absolute path")
            target = os.path.normpath(os.path.join(base, member.linkname))
            if not _inside(base, target):
                raise _unsafe(archive_path, member.name, "it is a link pointing outside the target folder")
            links.add(dest)
        elif not (member.isfile() or member.isdir()):
            raise _unsafe(archive_path, member.name, "it is a device, pipe or other special file")
        total += max(member.size, 0)
        if total > MAX_EXTRACT_BYTES:
            raise _unsafe(archive_path, member.name, f"the archive expands to more than {MAX_EXTRACT_BYTES} bytes")
    # A member written *through* a link of the same archive could escape even
    # when every name looks fine on its own: refuse that outright.
    if links:
        for member in members:
            dest = os.path.normpath(os.path.join(base, member.name))
            parent = os.path.dirname(dest)
            while _inside(base, parent) and parent != base:
                if parent in links:
                    raise _unsafe(archive_path, member.name, "its path goes through a link of the archive")
                parent = os.path.dirname(parent)
    return members


def _check_zip_members(archive_path, archive, base):
    """Validates every zip member before anything is extracted."""
    infos = archive.infolist()
    if len(infos) > MAX_EXTRACT_MEMBERS:
        raise _unsafe(archive_path, "*", f"it has more than {MAX_EXTRACT_MEMBERS} members")
    total = 0
    for info in infos:
        _check_member_name(archive_path, info.filename, base)
        mode = info.external_attr >> 16
        if mode and stat.S_ISLNK(mode):
            raise _unsafe(archive_path, info.filename, "it is a symbolic link")
        if (
            info.file_size > _ZIP_RATIO_FLOOR
            and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            raise _unsafe(archive_path, info.filename, "its compression ratio is absurd (a likely zip bomb)")
        total += info.file_size
        if total > MAX_EXTRACT_BYTES:
            raise _unsafe(archive_path, info.filename, f"the archive expands to more than {MAX_EXTRACT_BYTES} bytes")
    return infos


def _extract_tar(file_path, path):
    base = os.path.abspath(path)
    with tarfile.open(file_path) as tar:
        members = _check_tar_members(file_path, tar, base)
        kwargs = {}
        if hasattr(tarfile, "data_filter"):
            # Second line of defence (Python >= 3.11.4): the stdlib's own
            # checks, which also drop unsafe permission bits.
            kwargs["filter"] = "data"
        tar.extractall(base, members=members, **kwargs)


def _extract_zip(file_path, path):
    base = os.path.abspath(path)
    with zipfile.ZipFile(file_path) as archive:
        infos = _check_zip_members(file_path, archive, base)
        archive.extractall(base, members=infos)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (plain, gz, bz2, xz) or zip archive safely.

    Every member is checked before anything is written: a member that would
    land outside ``path``, a link pointing outside it, a special file or an
    absurd total size makes the whole extraction fail with a ValueError.

    Args:
        file_path: the archive.
        path: the folder to extract into.
        archive_format: ``"auto"`` (try tar then zip), ``"tar"``, ``"zip"``,
            a list of those, or ``None`` (extract nothing).

    Returns:
        ``True`` when the archive matched a format and was extracted,
        ``False`` otherwise.
    """
    # Imported here: file_utils imports this module at its top.
    from cornu.utils.file_utils import path_to_string

    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path = path_to_string(file_path)
    path = path_to_string(path)
    for kind in archive_format:
        if kind == "tar":
            matches, extract = tarfile.is_tarfile(file_path), _extract_tar
        elif kind == "zip":
            matches, extract = zipfile.is_zipfile(file_path), _extract_zip
        else:
            raise ValueError(
                f"Unknown archive format {kind!r}. Expected 'tar', 'zip' or "
                "'auto'."
            )
        if matches:
            os.makedirs(path, exist_ok=True)
            extract(file_path, path)
            return True
    return False


def _extract_into_new_folder(file_path, folder, archive_format):
    """Extracts into a fresh staging folder, then renames it to ``folder``."""
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix="." + os.path.basename(folder) + ".", dir=parent)
    try:
        if not extract_archive(file_path, staging, archive_format):
            return False
        if os.path.isdir(folder):
            shutil.rmtree(folder)
        os.replace(staging, folder)
        return True
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging, ignore_errors=True)
