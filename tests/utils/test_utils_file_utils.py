"""get_file, dataset lookup, hashes and safe extraction (offline: file:// URLs)."""

import hashlib
import io
import os
import pathlib
import tarfile
import zipfile

import pytest

from cornu.utils import archive_utils
from cornu.utils.file_utils import (
    DatasetNotFoundError,
    extract_archive,
    get_file,
    hash_file,
    resolve_dataset_file,
    validate_file,
)

PAYLOAD = b"hello cornu\n" * 100


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An isolated environment: empty HOME, CORNU_HOME, CORNU_DATASETS."""
    home = tmp_path / "home"
    cornu_home = tmp_path / "cornu_home"
    datasets = tmp_path / "shared"
    for p in (home, cornu_home, datasets):
        p.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CORNU_HOME", str(cornu_home))
    monkeypatch.setenv("CORNU_DATASETS", str(datasets))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("CORNU_NO_DOWNLOAD", "1")
    return tmp_path


@pytest.fixture
def served(tmp_path):
    """A file to 'download' through a file:// URL."""
    src = tmp_path / "server" / "data.bin"
    src.parent.mkdir()
    src.write_bytes(PAYLOAD)
    return src


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def md5(data):
    return hashlib.md5(data).hexdigest()


# -- hashes --------------------------------------------------------------


def test_hash_file_and_validate(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(PAYLOAD)
    assert hash_file(path) == sha256(PAYLOAD)
    assert hash_file(str(path), "md5") == md5(PAYLOAD)
    assert hash_file(path, "auto") == md5(PAYLOAD)  # as in Keras
    assert validate_file(path, sha256(PAYLOAD))
    assert validate_file(path, md5(PAYLOAD))
    assert validate_file(path, md5(PAYLOAD), algorithm="md5")
    assert validate_file(path, sha256(PAYLOAD).upper())
    assert not validate_file(path, sha256(b"other"))
    with pytest.raises(ValueError, match="Unknown hash algorithm"):
        validate_file(path, "x", algorithm="sha1")


# -- resolve_dataset_file --------------------------------------------------


def test_resolve_prefers_cornu_datasets(env):
    (env / "shared" / "a.npz").write_bytes(PAYLOAD)
    (env / "home" / ".keras" / "datasets").mkdir(parents=True)
    (env / "home" / ".keras" / "datasets" / "a.npz").write_bytes(b"other")
    path = resolve_dataset_file("a.npz", "https://example.invalid/a.npz", sha256(PAYLOAD))
    assert path == str(env / "shared" / "a.npz")


def test_resolve_subfolder_and_keras_home(env):
    folder = env / "home" / ".keras" / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    (folder / "f.gz").write_bytes(PAYLOAD)
    path = resolve_dataset_file(
        "f.gz", "https://example.invalid/f.gz", cache_subdir=os.path.join("datasets", "fashion-mnist")
    )
    assert path == str(folder / "f.gz")


def test_resolve_hash_mismatch_is_clear(env):
    (env / "shared" / "a.npz").write_bytes(PAYLOAD)
    with pytest.raises(ValueError) as info:
        resolve_dataset_file("a.npz", "https://example.invalid/a.npz", sha256(b"x"))
    message = str(info.value)
    assert "a.npz" in message and "sha256" in message and sha256(b"x") in message


def test_resolve_missing_without_download(env):
    with pytest.raises(DatasetNotFoundError) as info:
        resolve_dataset_file("imdb.npz", "https://example.invalid/imdb.npz", None)
    message = str(info.value)
    assert "imdb.npz" in message
    assert "https://example.invalid/imdb.npz" in message
    assert str(env / "shared") in message
    assert "CORNU_NO_DOWNLOAD" in message
    assert isinstance(info.value, FileNotFoundError)


def test_resolve_downloads_into_cornu_home(env, served, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    path = resolve_dataset_file("d.bin", served.as_uri(), sha256(PAYLOAD))
    assert path == str(env / "cornu_home" / "datasets" / "d.bin")
    assert pathlib.Path(path).read_bytes() == PAYLOAD
    out = capsys.readouterr().out
    assert out.startswith(f"Downloading data from {served.as_uri()}\n")
    assert f"{len(PAYLOAD)}/{len(PAYLOAD)} [====" in out
    # Found in the cache the second time: no download.
    served.unlink()
    assert resolve_dataset_file("d.bin", served.as_uri(), sha256(PAYLOAD)) == path


def test_resolve_download_failure_is_clear(env, tmp_path, monkeypatch):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    missing = (tmp_path / "nowhere.bin").as_uri()
    with pytest.raises(DatasetNotFoundError) as info:
        resolve_dataset_file("nowhere.bin", missing, None)
    assert "nowhere.bin" in str(info.value) and missing in str(info.value)
    assert not list((env / "cornu_home").rglob("*nowhere*"))


def test_download_with_bad_hash_leaves_nothing(env, served, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    with pytest.raises(ValueError, match="corrupted"):
        resolve_dataset_file("d.bin", served.as_uri(), sha256(b"nope"))
    folder = env / "cornu_home" / "datasets"
    assert list(folder.iterdir()) == []


def test_resolve_absolute_path(env, tmp_path):
    target = tmp_path / "mine.npz"
    target.write_bytes(PAYLOAD)
    assert resolve_dataset_file(str(target), "https://example.invalid/x", md5(PAYLOAD)) == str(target)


# -- get_file ----------------------------------------------------------------


def test_get_file_downloads_and_caches(env, served, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    path = get_file("x.bin", origin=served.as_uri(), file_hash=sha256(PAYLOAD))
    assert path == str(env / "cornu_home" / "datasets" / "x.bin")
    assert pathlib.Path(path).read_bytes() == PAYLOAD
    served.unlink()
    assert get_file("x.bin", origin=served.as_uri(), md5_hash=md5(PAYLOAD)) == path


def test_get_file_name_from_origin_and_cache_dir(env, served, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    path = get_file(origin=served.as_uri(), cache_dir=tmp_path / "cache", cache_subdir="sub")
    assert path == str(tmp_path / "cache" / "sub" / "data.bin")


def test_get_file_redownloads_outdated(env, served, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    folder = env / "cornu_home" / "datasets"
    folder.mkdir(parents=True)
    (folder / "x.bin").write_bytes(b"stale")
    path = get_file("x.bin", origin=served.as_uri(), file_hash=sha256(PAYLOAD))
    assert "re-download" in capsys.readouterr().out
    assert pathlib.Path(path).read_bytes() == PAYLOAD


def test_get_file_refuses_download_when_disabled(env, served):
    with pytest.raises(DatasetNotFoundError, match="CORNU_NO_DOWNLOAD"):
        get_file("x.bin", origin=served.as_uri())


def test_get_file_requires_origin():
    with pytest.raises(ValueError, match="origin"):
        get_file("x")


def make_tar(path, files, mode="w:gz"):
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_get_file_extract_keras3_layout(env, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    archive = make_tar(tmp_path / "pack.tar.gz", {"pack/a.txt": b"A", "pack/b/c.txt": b"C"})
    # fname with an extension: downloaded as is, extracted to <stem>_extracted.
    out = get_file("pack.tar.gz", origin=archive.as_uri(), extract=True)
    datasets = env / "cornu_home" / "datasets"
    assert out == str(datasets / "pack_extracted")
    assert (datasets / "pack_extracted" / "pack" / "b" / "c.txt").read_bytes() == b"C"
    assert (datasets / "pack.tar.gz").is_file()
    # fname without an extension: extracted to fname, archive kept as fname_archive.
    out = get_file("pack", origin=archive.as_uri(), extract=True)
    assert out == str(datasets / "pack")
    assert (datasets / "pack" / "pack" / "a.txt").read_bytes() == b"A"
    assert (datasets / "pack_archive").is_file()


def test_get_file_untar_keras2_layout(env, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    archive = make_tar(tmp_path / "src.tar.gz", {"flowers/a.txt": b"A"})
    out = get_file("flowers", origin=archive.as_uri(), untar=True)
    datasets = env / "cornu_home" / "datasets"
    assert out == str(datasets / "flowers")
    assert (datasets / "flowers" / "a.txt").read_bytes() == b"A"
    assert (datasets / "flowers.tar.gz").is_file()


def test_get_file_extract_zip(env, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CORNU_NO_DOWNLOAD")
    archive = tmp_path / "z.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("inner/x.txt", "X")
    out = get_file("z.zip", origin=archive.as_uri(), extract=True)
    assert pathlib.Path(out, "inner", "x.txt").read_text() == "X"


# -- safe extraction ---------------------------------------------------------


def tar_with(tmp_path, *infos):
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as tar:
        for info, data in infos:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def file_info(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def link_info(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


@pytest.mark.parametrize(
    "members, reason",
    [
        ([file_info("../escape.txt")], "outside"),
        ([file_info("/abs/escape.txt")], "absolute"),
        ([link_info("link", "../../outside")], "link"),
        ([link_info("link", "/etc/passwd")], "absolute"),
        ([link_info("hard", "../outside", tarfile.LNKTYPE)], "link"),
        ([link_info("sub/up", ".."), file_info("sub/up/x.txt")], "through a link"),
        ([link_info("dev", "", tarfile.CHRTYPE)], "special file"),
    ],
)
def test_extract_refuses_unsafe_tar(tmp_path, members, reason):
    archive = tar_with(tmp_path, *members)
    target = tmp_path / "out" / "deep"
    with pytest.raises(ValueError, match=reason):
        extract_archive(archive, target)
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "out" / "escape.txt").exists()
    assert not target.exists() or not any(target.iterdir())


def test_extract_accepts_inner_links(tmp_path):
    archive = tar_with(tmp_path, file_info("d/a.txt", b"A"), link_info("d/l", "a.txt"))
    assert extract_archive(archive, tmp_path / "out")
    assert (tmp_path / "out" / "d" / "l").read_bytes() == b"A"


def test_extract_refuses_absurd_sizes(tmp_path, monkeypatch):
    archive = tar_with(tmp_path, file_info("a", b"x" * 100), file_info("b", b"x" * 100))
    monkeypatch.setattr(archive_utils, "MAX_EXTRACT_BYTES", 150)
    with pytest.raises(ValueError, match="expands to more"):
        extract_archive(archive, tmp_path / "out")


def test_extract_refuses_unsafe_zip(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../escape.txt", "x")
    with pytest.raises(ValueError, match="outside"):
        extract_archive(archive, tmp_path / "out")
    assert not (tmp_path / "escape.txt").exists()


def test_extract_refuses_zip_bomb(tmp_path, monkeypatch):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros", b"\0" * 2_000_000)
    monkeypatch.setattr(archive_utils, "_ZIP_RATIO_FLOOR", 1000)
    with pytest.raises(ValueError, match="zip bomb"):
        extract_archive(archive, tmp_path / "out")


def test_extract_archive_format_choices(tmp_path):
    archive = make_tar(tmp_path / "a.tar", {"f": b"1"}, mode="w")
    assert extract_archive(archive, tmp_path / "o1", archive_format="zip") is False
    assert extract_archive(archive, tmp_path / "o2", archive_format=None) is False
    assert extract_archive(archive, tmp_path / "o3", archive_format="tar") is True
    with pytest.raises(ValueError, match="Unknown archive format"):
        extract_archive(archive, tmp_path / "o4", archive_format="rar")
