"""IMDB, Reuters and CIFAR loaders on small files written in the real formats.

The files are written here (with numpy/pickle: writing is safe); the loaders
must read them back without unpickling and give what Keras's algorithms give.
"""

import hashlib
import io
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np
import pytest

from cornu.datasets import cifar10, cifar100, imdb, reuters
from cornu.datasets._npz import load_npz
from cornu.datasets._safe_pickle import UnsafePickleError, load_restricted
from cornu.utils.file_utils import DatasetNotFoundError

# -- writers ---------------------------------------------------------------


def random_sequences(rng, n, low=1, high=300):
    return [rng.randint(low, high, size=rng.randint(1, 12)).tolist() for _ in range(n)]


def object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def py2_int(v):
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if 0 <= v < 65536:
        return b"M" + struct.pack("<H", v)
    return b"J" + struct.pack("<i", v)


def py2_str(s):
    """A Python 2 str, as cPickle writes it (SHORT_BINSTRING / BINSTRING)."""
    if isinstance(s, str):
        s = s.encode("latin1")
    if len(s) < 256:
        return b"U" + bytes([len(s)]) + s
    return b"T" + struct.pack("<i", len(s)) + s


def py2_array_prefix():
    return (
        b"cnumpy.core.multiarray\n_reconstruct\nq\x01"
        b"cnumpy\nndarray\nq\x02" + py2_int(0) + b"\x85" + py2_str("b") + b"\x87R"
    )


def py2_dtype(name):
    return (
        b"cnumpy\ndtype\n" + py2_str(name) + py2_int(0) + py2_int(1) + b"\x87R"
        b"(" + py2_int(3) + py2_str("|") + b"NNN" + b"J\xff\xff\xff\xff" * 2
        + py2_int(63 if name == "O8" else 0) + b"tb"
    )


def py2_shape(shape):
    return b"(" + b"".join(py2_int(d) for d in shape) + b"t"


def py2_object_array(seqs):
    """A Python 2 style protocol 2 pickle of an object array of int lists."""
    body = b"\x80\x02" + py2_array_prefix() + b"(" + py2_int(1) + py2_shape((len(seqs),))
    body += py2_dtype("O8") + b"\x89" + b"](" 
    for seq in seqs:
        body += b"](" + b"".join(py2_int(v) for v in seq) + b"e"
    return body + b"etb."


def py2_cifar_batch(data, label_key, labels):
    """A CIFAR batch as the real files are: a Python 2 cPickle protocol 2 dict."""
    body = b"\x80\x02}q\x00("
    body += py2_str("data") + py2_array_prefix() + b"(" + py2_int(1) + py2_shape(data.shape)
    body += py2_dtype("u1") + b"\x89" + py2_str(data.tobytes()) + b"tb"
    body += py2_str(label_key) + b"](" + b"".join(py2_int(v) for v in labels) + b"e"
    body += py2_str("batch_label") + py2_str("training batch 1 of 5")
    body += py2_str("filenames") + b"](" + b"".join(py2_str(f"img_{i}.png") for i in range(len(labels))) + b"e"
    return body + b"u."


def npy_bytes(header_shape, payload, descr="|O"):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": descr, "fortran_order": False, "shape": header_shape}
    )
    return buf.getvalue() + payload


def write_npz_members(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name + ".npy", data)
    return path


def npy_of(array):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


class Evil:
    """Would run a shell command under pickle.load."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# -- Keras's algorithms, written out independently ---------------------------


def expected_imdb(x_train, y_train, x_test, y_test, num_words=None, skip_top=0,
                  maxlen=None, seed=113, start_char=1, oov_char=2, index_from=3):
    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    train = [(list(x_train[i]), y_train[i]) for i in order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    test = [(list(x_test[i]), y_test[i]) for i in order]

    def shift(seq):
        head = [] if start_char is None else [start_char]
        return head + [w + index_from for w in seq]

    train = [(shift(s), y) for s, y in train]
    test = [(shift(s), y) for s, y in test]
    if maxlen:
        train = [(s, y) for s, y in train if len(s) < maxlen]
        test = [(s, y) for s, y in test if len(s) < maxlen]
    bound = num_words or max(max(s) for s, _ in train + test)

    def limit(seq):
        if oov_char is None:
            return [w for w in seq if skip_top <= w < bound]
        return [w if skip_top <= w < bound else oov_char for w in seq]

    return (
        ([limit(s) for s, _ in train], [y for _, y in train]),
        ([limit(s) for s, _ in test], [y for _, y in test]),
    )


def expected_reuters(x, y, num_words=None, skip_top=0, maxlen=None, test_split=0.2,
                     seed=113, start_char=1, oov_char=2, index_from=3):
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    pairs = []
    for i in order:
        head = [] if start_char is None else [start_char]
        pairs.append((head + [w + index_from for w in x[i]], y[i]))
    if maxlen:
        pairs = [(s, lab) for s, lab in pairs if len(s) < maxlen]
    bound = num_words or max(max(s) for s, _ in pairs)
    seqs = []
    for s, _ in pairs:
        if oov_char is None:
            seqs.append([w for w in s if skip_top <= w < bound])
        else:
            seqs.append([w if skip_top <= w < bound else oov_char for w in s])
    labels = [lab for _, lab in pairs]
    cut = int(len(seqs) * (1 - test_split))
    return (seqs[:cut], labels[:cut]), (seqs[cut:], labels[cut:])


def assert_sequences(actual, expected):
    assert isinstance(actual, np.ndarray) and actual.dtype == object and actual.ndim == 1
    assert [list(s) for s in actual] == expected
    assert all(type(w) is int for s in actual for w in s)


# -- IMDB ------------------------------------------------------------------


@pytest.fixture
def imdb_file(isolated_datasets, monkeypatch):
    rng = np.random.RandomState(0)
    raw = {
        "x_train": random_sequences(rng, 40),
        "y_train": rng.randint(0, 2, 40),
        "x_test": random_sequences(rng, 30),
        "y_test": rng.randint(0, 2, 30),
    }
    path = isolated_datasets / "imdb.npz"
    np.savez(
        path,
        x_train=object_array(raw["x_train"]),
        y_train=raw["y_train"],
        x_test=object_array(raw["x_test"]),
        y_test=raw["y_test"],
    )
    monkeypatch.setattr(imdb, "FILE_HASH", hashlib.sha256(path.read_bytes()).hexdigest())
    return raw


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 100, "skip_top": 5},
        {"maxlen": 8, "seed": 7},
        {"oov_char": None, "num_words": 50},
        {"start_char": None, "index_from": 0},
        {"start_char": None, "index_from": 2, "skip_top": 10, "num_words": 200},
    ],
)
def test_imdb_matches_keras_algorithm(imdb_file, kwargs):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(**kwargs)
    (ex_train, ey_train), (ex_test, ey_test) = expected_imdb(
        imdb_file["x_train"], imdb_file["y_train"], imdb_file["x_test"], imdb_file["y_test"], **kwargs
    )
    assert_sequences(x_train, ex_train)
    assert_sequences(x_test, ex_test)
    np.testing.assert_array_equal(y_train, ey_train)
    np.testing.assert_array_equal(y_test, ey_test)
    assert y_train.dtype == imdb_file["y_train"].dtype


def test_imdb_literal_quirks(isolated_datasets, monkeypatch):
    # Without num_words the largest index itself becomes out-of-vocabulary.
    path = isolated_datasets / "imdb.npz"
    np.savez(path, x_train=object_array([[1, 2]]), y_train=np.array([1]),
             x_test=object_array([[6]]), y_test=np.array([0]))
    monkeypatch.setattr(imdb, "FILE_HASH", None)
    (x_train, _), (x_test, _) = imdb.load_data()
    assert list(x_train[0]) == [1, 4, 5] and list(x_test[0]) == [1, 2]
    (x_train, _), (x_test, _) = imdb.load_data(skip_top=2)
    assert list(x_train[0]) == [2, 4, 5] and list(x_test[0]) == [2, 2]


def test_imdb_equal_lengths_stay_one_dimensional(isolated_datasets, monkeypatch):
    path = isolated_datasets / "imdb.npz"
    np.savez(path, x_train=object_array([[1, 2], [3, 4]]), y_train=np.array([1, 0]),
             x_test=object_array([[5, 6]]), y_test=np.array([0]))
    monkeypatch.setattr(imdb, "FILE_HASH", None)
    (x_train, _), _ = imdb.load_data()
    assert x_train.shape == (2,)


def test_imdb_maxlen_too_small(imdb_file):
    with pytest.raises(ValueError, match="Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_imdb_legacy_nb_words(imdb_file):
    with pytest.warns(DeprecationWarning, match="nb_words"):
        (x_train, _), _ = imdb.load_data(nb_words=50)
    assert max(max(s) for s in x_train) < 50


def test_imdb_missing_file(isolated_datasets):
    with pytest.raises(DatasetNotFoundError, match="imdb.npz.*imdb.npz"):
        imdb.load_data()


def test_imdb_word_index(datasets_dir, monkeypatch):
    monkeypatch.setenv("CORNU_DATASETS", str(datasets_dir))
    index = imdb.get_word_index()
    assert len(index) == 88584 and index["the"] == 1


def test_imdb_python2_pickle(isolated_datasets, monkeypatch):
    seqs = [[1, 300, 70000], [5], [2, 3, 4, 65535, 65536]]
    path = write_npz_members(
        isolated_datasets / "imdb.npz",
        {
            "x_train": npy_bytes((3,), py2_object_array(seqs)),
            "y_train": npy_of(np.array([1, 0, 1])),
            "x_test": npy_bytes((1,), py2_object_array([[9, 8]])),
            "y_test": npy_of(np.array([0])),
        },
    )
    arrays = load_npz(path)
    assert [list(s) for s in arrays["x_train"]] == seqs
    monkeypatch.setattr(imdb, "FILE_HASH", None)
    (x_train, _), _ = imdb.load_data(index_from=0, start_char=None, num_words=10**6)
    assert sorted(map(list, x_train)) == sorted(seqs)


# -- Reuters ---------------------------------------------------------------


@pytest.fixture
def reuters_file(isolated_datasets, monkeypatch):
    rng = np.random.RandomState(1)
    raw = {"x": random_sequences(rng, 57, high=500), "y": rng.randint(0, 46, 57)}
    path = isolated_datasets / "reuters.npz"
    np.savez(path, x=object_array(raw["x"]), y=raw["y"])
    monkeypatch.setattr(reuters, "FILE_HASH", hashlib.sha256(path.read_bytes()).hexdigest())
    return raw


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 120, "skip_top": 3, "test_split": 0.3},
        {"maxlen": 7, "seed": 1},
        {"oov_char": None, "num_words": 100},
        {"start_char": None, "index_from": 0, "test_split": 0.0},
    ],
)
def test_reuters_matches_keras_algorithm(reuters_file, kwargs):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(**kwargs)
    (ex_train, ey_train), (ex_test, ey_test) = expected_reuters(reuters_file["x"], reuters_file["y"], **kwargs)
    assert_sequences(x_train, ex_train)
    assert_sequences(x_test, ex_test)
    np.testing.assert_array_equal(y_train, ey_train)
    np.testing.assert_array_equal(y_test, ey_test)


def test_reuters_label_names():
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:4] == ("cocoa", "grain", "veg-oil", "earn")
    assert names[-1] == "lead" and names[19] == "money-fx"


def test_reuters_word_index_missing(isolated_datasets):
    with pytest.raises(DatasetNotFoundError, match="reuters_word_index.json"):
        reuters.get_word_index()


# -- malicious and malformed pickles ---------------------------------------


def test_malicious_npz_is_refused_and_not_run(isolated_datasets, tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(np.array([Evil(marker)], dtype=object), protocol=2)
    write_npz_members(
        isolated_datasets / "imdb.npz",
        {
            "x_train": npy_bytes((1,), payload),
            "y_train": npy_of(np.array([1])),
            "x_test": npy_of(np.array([1])),
            "y_test": npy_of(np.array([1])),
        },
    )
    monkeypatch.setattr(imdb, "FILE_HASH", None)
    with pytest.raises(UnsafePickleError) as info:
        imdb.load_data()
    message = str(info.value)
    assert "system" in message and "x_train.npy" in message
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_malicious_pickle_every_protocol(tmp_path, protocol):
    marker = tmp_path / "pwned"
    with pytest.raises(UnsafePickleError):
        load_restricted(pickle.dumps(Evil(marker), protocol=protocol))
    assert not marker.exists()


def test_stack_global_eval_refused():
    # builtins.eval through STACK_GLOBAL (protocol 4 form).
    stream = (
        b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x0f__import__('os')\x85R."
    )
    with pytest.raises(UnsafePickleError, match="builtins.eval"):
        load_restricted(stream)


@pytest.mark.parametrize(
    "stream, match",
    [
        (b"\x80\x02cnumpy\nndarray\nK\x00\x85R.", "not allowed"),  # calling ndarray
        (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.", "rot13"),
        (b"\x80\x02(i__builtin__\nobject\n.", "INST"),
        (b"\x80\x02]q\x00K\x01b.", "BUILD"),
        (b"\x80\x02X\x10\x00\x00\x00abc.", "truncated"),
        (b"\x80\x02K\x01", "truncated"),
        (b"\x80\x02P0\n.", "PERSID"),
    ],
)
def test_malformed_or_forbidden_streams(stream, match):
    with pytest.raises(UnsafePickleError, match=match):
        load_restricted(stream)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_plain_data_and_arrays_round_trip(protocol):
    value = {
        b"data": np.arange(24, dtype=">i4").reshape(2, 3, 4),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "strs": np.array(["ab", "c"]),
        "objs": object_array([[1, 2], [3]]),
        "misc": [None, True, False, 1.5, -7, 2**70, "é", (1, 2), (), b"raw"],
        "scalar": np.float32(2.5),
    }
    if protocol >= 5:  # sets and bytearrays have their own opcodes from here
        value["misc"] += [{3}, frozenset({4}), bytearray(b"z")]
    out = load_restricted(pickle.dumps(value, protocol=protocol))
    np.testing.assert_array_equal(out[b"data"], value[b"data"])
    assert out[b"data"].dtype == np.dtype(">i4")
    np.testing.assert_array_equal(out["fortran"], value["fortran"])
    np.testing.assert_array_equal(out["strs"], value["strs"])
    assert [list(x) for x in out["objs"]] == [[1, 2], [3]]
    assert out["misc"] == value["misc"]
    assert out["scalar"] == np.float32(2.5) and out["scalar"].dtype == np.float32


def test_structured_dtype_refused():
    arr = np.zeros(2, dtype=[("a", "i4"), ("b", "f4")])
    with pytest.raises(UnsafePickleError, match="dtype"):
        load_restricted(pickle.dumps(arr, protocol=2))


# -- CIFAR -----------------------------------------------------------------


def cifar_batches(rng, sizes, label_key, n_classes):
    batches = []
    for n in sizes:
        data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
        labels = rng.randint(0, n_classes, size=n).tolist()
        batches.append((data, labels))
    return batches


def write_tar(path, inner, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(f"{inner}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return path


def python3_batch(data, label_key, labels):
    return pickle.dumps({b"batch_label": b"x", b"data": data, label_key.encode(): labels}, protocol=2)


@pytest.fixture
def cifar10_parts():
    rng = np.random.RandomState(3)
    return cifar_batches(rng, [4, 3, 5, 2, 4, 6], "labels", 10)


def cifar10_files(parts, writer):
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    return {name: writer(data, "labels", labels) for name, (data, labels) in zip(names, parts)}


def expected_cifar10(parts, channels_last=True):
    x_train = np.concatenate([d for d, _ in parts[:5]]).reshape(-1, 3, 32, 32)
    y_train = np.concatenate([lab for _, lab in parts[:5]]).astype(np.uint8).reshape(-1, 1)
    x_test = parts[5][0].reshape(-1, 3, 32, 32)
    y_test = np.array(parts[5][1], dtype=np.uint8).reshape(-1, 1)
    if channels_last:
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def assert_same(actual, expected):
    for a_split, e_split in zip(actual, expected):
        for a, e in zip(a_split, e_split):
            assert a.shape == e.shape and a.dtype == e.dtype
            np.testing.assert_array_equal(a, e)


@pytest.mark.parametrize("writer", [py2_cifar_batch, python3_batch])
def test_cifar10_from_archive(isolated_datasets, monkeypatch, cifar10_parts, writer):
    archive = write_tar(
        isolated_datasets / "cifar-10-python.tar.gz", "cifar-10-batches-py", cifar10_files(cifar10_parts, writer)
    )
    monkeypatch.setattr(cifar10, "FILE_HASH", hashlib.sha256(archive.read_bytes()).hexdigest())
    assert_same(cifar10.load_data(), expected_cifar10(cifar10_parts))


def test_cifar10_archive_hash_checked(isolated_datasets, cifar10_parts):
    write_tar(isolated_datasets / "cifar-10-python.tar.gz", "cifar-10-batches-py",
              cifar10_files(cifar10_parts, python3_batch))
    with pytest.raises(ValueError, match="sha256"):
        cifar10.load_data()


@pytest.mark.parametrize("layout", ["cifar-10-batches-py-target/cifar-10-batches-py", "cifar-10-batches-py"])
def test_cifar10_extracted_folder_channels_first(isolated_datasets, monkeypatch, cifar10_parts, layout):
    folder = isolated_datasets / layout
    folder.mkdir(parents=True)
    for name, payload in cifar10_files(cifar10_parts, py2_cifar_batch).items():
        (folder / name).write_bytes(payload)
    monkeypatch.setenv("CORNU_IMAGE_DATA_FORMAT", "channels_first")
    assert_same(cifar10.load_data(), expected_cifar10(cifar10_parts, channels_last=False))


def test_cifar10_missing(isolated_datasets):
    with pytest.raises(DatasetNotFoundError, match="cifar-10-python.tar.gz.*cs.toronto.edu"):
        cifar10.load_data()


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(isolated_datasets, monkeypatch, label_mode):
    rng = np.random.RandomState(4)
    files, expected = {}, {}
    for name, n in (("train", 7), ("test", 3)):
        data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
        fine = rng.randint(0, 100, size=n).tolist()
        coarse = rng.randint(0, 20, size=n).tolist()
        files[name] = pickle.dumps(
            {b"data": data, b"fine_labels": fine, b"coarse_labels": coarse, b"filenames": [b"f"] * n},
            protocol=2,
        )
        labels = fine if label_mode == "fine" else coarse
        expected[name] = (
            data.reshape(n, 3, 32, 32).transpose(0, 2, 3, 1),
            np.array(labels).reshape(n, 1),
        )
    archive = write_tar(isolated_datasets / "cifar-100-python.tar.gz", "cifar-100-python", files)
    monkeypatch.setattr(cifar100, "FILE_HASH", hashlib.sha256(archive.read_bytes()).hexdigest())
    assert_same(cifar100.load_data(label_mode), (expected["train"], expected["test"]))
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium")


def test_cifar_malicious_batch_refused(isolated_datasets, tmp_path, cifar10_parts):
    marker = tmp_path / "pwned"
    folder = isolated_datasets / "cifar-10-batches-py"
    folder.mkdir()
    for name, payload in cifar10_files(cifar10_parts, python3_batch).items():
        (folder / name).write_bytes(payload)
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"data": Evil(marker)}, protocol=2))
    with pytest.raises(UnsafePickleError, match="data_batch_3.*system"):
        cifar10.load_data()
    assert not marker.exists()
