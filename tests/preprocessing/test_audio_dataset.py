"""keras.utils.audio_dataset_from_directory: wav decoding (checked against the PCM definition),
padding/truncation, labels, splits, resampling and argument errors; files written in tmp_path."""
import wave

import numpy as np
import pytest

import cornu
from cornu import utils
from cornu.preprocessing.audio_dataset import read_wav


def _write(path, samples, rate=16000, width=2):
    """Write integer PCM ``samples`` of shape (n,) or (n, channels)."""
    samples = np.asarray(samples)
    if samples.ndim == 1:
        samples = samples[:, None]
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(samples.shape[1])
        f.setsampwidth(width)
        f.setframerate(rate)
        if width == 1:
            raw = samples.astype(np.uint8).tobytes()
        elif width == 2:
            raw = samples.astype("<i2").tobytes()
        elif width == 3:
            v = samples.astype(np.int64).reshape(-1) & 0xFFFFFF
            raw = np.stack([v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF], axis=1).astype(np.uint8).tobytes()
        else:
            raw = samples.astype("<i4").tobytes()
        f.writeframes(raw)


def _tree(tmp_path, lengths=None):
    """Class a: clips 0,1; class b: clip 2; 16-bit mono, with known integer samples."""
    lengths = lengths or {"a/0.wav": 5, "a/1.wav": 3, "b/2.wav": 7}
    data = {}
    for i, (name, n) in enumerate(sorted(lengths.items())):
        ints = (np.arange(n) * 1000 - 3000 + i * 7).astype(np.int16)
        _write(tmp_path / name, ints)
        data[name] = ints.astype("float32")[:, None] / 32768.0
    (tmp_path / "a" / "notes.txt").write_text("not audio")
    return data


def test_batches_are_padded_to_the_longest_clip_and_decoded_like_decode_wav(tmp_path):
    data = _tree(tmp_path)
    ds = utils.audio_dataset_from_directory(tmp_path, shuffle=False, batch_size=2, verbose=False)
    assert ds.class_names == ["a", "b"] and len(ds) == 2
    x, y = ds[0]
    assert x.dtype == np.float32 and x.shape == (2, 5, 1)
    np.testing.assert_allclose(x[0], data["a/0.wav"])
    np.testing.assert_allclose(x[1, :3], data["a/1.wav"])
    np.testing.assert_array_equal(x[1, 3:], 0.0)
    np.testing.assert_array_equal(y, [0, 0])
    x, y = ds[1]
    assert x.shape == (1, 7, 1) and y.dtype == np.int32 and y.tolist() == [1]


def test_output_sequence_length_truncates_and_pads(tmp_path):
    data = _tree(tmp_path)
    ds = utils.audio_dataset_from_directory(tmp_path, shuffle=False, batch_size=3, output_sequence_length=4,
                                            label_mode="categorical", verbose=False)
    x, y = ds[0]
    assert x.shape == (3, 4, 1)
    np.testing.assert_allclose(x[0], data["a/0.wav"][:4])
    np.testing.assert_allclose(x[1, :3], data["a/1.wav"])
    np.testing.assert_array_equal(x[1, 3], 0.0)
    np.testing.assert_array_equal(y, np.eye(2, dtype="float32")[[0, 0, 1]])


def test_ragged_unbatched_binary_and_unlabelled(tmp_path):
    data = _tree(tmp_path)
    ds = utils.audio_dataset_from_directory(tmp_path, shuffle=False, ragged=True, label_mode="binary",
                                            verbose=False)
    clips, y = ds[0]
    assert [c.shape for c in clips] == [(5, 1), (3, 1), (7, 1)]
    np.testing.assert_allclose(clips[2], data["b/2.wav"])
    assert y.dtype == np.float32 and y.tolist() == [[0.0], [0.0], [1.0]]
    single = utils.audio_dataset_from_directory(tmp_path, shuffle=False, batch_size=None, verbose=False)
    x, y = single[1]
    assert x.shape == (3, 1) and int(y) == 0
    only = utils.audio_dataset_from_directory(tmp_path, shuffle=False, labels=None, verbose=False)
    assert isinstance(only[0], np.ndarray) and only[0].shape == (3, 7, 1)


def test_sample_widths_and_channels_follow_the_pcm_definition(tmp_path):
    stereo = np.stack([np.arange(6) * 100, -np.arange(6) * 50], axis=1)
    _write(tmp_path / "s16.wav", stereo)
    x, rate = read_wav(tmp_path / "s16.wav")
    assert rate == 16000 and x.shape == (6, 2)
    np.testing.assert_allclose(x, stereo / 32768.0)
    u8 = np.array([0, 64, 128, 255])
    _write(tmp_path / "u8.wav", u8, width=1)
    np.testing.assert_allclose(read_wav(tmp_path / "u8.wav")[0][:, 0], (u8 - 128) / 128.0)
    i24 = np.array([-(1 << 23), -5, 0, 5, (1 << 23) - 1])
    _write(tmp_path / "i24.wav", i24, width=3)
    np.testing.assert_allclose(read_wav(tmp_path / "i24.wav")[0][:, 0], i24 / float(1 << 23))
    i32 = np.array([-(1 << 31), 12345678, (1 << 31) - 1])
    _write(tmp_path / "i32.wav", i32, width=4)
    np.testing.assert_allclose(read_wav(tmp_path / "i32.wav")[0][:, 0], i32 / float(1 << 31), rtol=1e-6)
    (tmp_path / "bad.wav").write_bytes(b"not a wav file at all")
    with pytest.raises(ValueError, match="bad.wav"):
        read_wav(tmp_path / "bad.wav")


def test_sampling_rate_resamples_a_band_limited_signal(tmp_path):
    rate, seconds, freq = 8000, 0.25, 40.0  # 10 whole cycles: periodic and band-limited
    t = np.arange(int(rate * seconds)) / rate
    _write(tmp_path / "c" / "sine.wav", np.round(np.sin(2 * np.pi * freq * t) * 20000), rate=rate)
    ds = utils.audio_dataset_from_directory(tmp_path, shuffle=False, sampling_rate=2000, verbose=False)
    x, _ = ds[0]
    t_out = np.arange(int(2000 * seconds)) / 2000
    assert x.shape == (1, len(t_out), 1)
    np.testing.assert_allclose(x[0, :, 0], np.sin(2 * np.pi * freq * t_out) * 20000 / 32768.0, atol=1e-3)


def test_validation_split_and_shuffle(tmp_path):
    for i in range(10):
        _write(tmp_path / ("a" if i < 5 else "b") / f"{i}.wav", np.full(4, i * 100))
    train, val = utils.audio_dataset_from_directory(tmp_path, validation_split=0.2, subset="both", seed=3,
                                                    batch_size=4, verbose=False)
    assert len(train.file_paths) == 8 and len(val.file_paths) == 2
    assert not set(train.file_paths) & set(val.file_paths)
    seen = np.concatenate([train[i][0][:, 0, 0] for i in range(len(train))])
    assert sorted(np.round(seen * 32768 / 100).astype(int).tolist()) == sorted(
        int(p.rsplit("/", 1)[-1][:-4]) for p in train.file_paths)
    for x, y in (train[i] for i in range(len(train))):
        ids = np.round(x[:, 0, 0] * 32768 / 100).astype(int)
        np.testing.assert_array_equal(y, (ids >= 5).astype("int32"))


def test_bad_arguments_raise_clear_errors(tmp_path):
    _tree(tmp_path)
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        utils.audio_dataset_from_directory(tmp_path, ragged=True, output_sequence_length=3)
    with pytest.raises(ValueError, match="integer value. Received: sampling_rate=1.5"):
        utils.audio_dataset_from_directory(tmp_path, sampling_rate=1.5)
    with pytest.raises(ValueError, match="higher than 0"):
        utils.audio_dataset_from_directory(tmp_path, sampling_rate=0)
    with pytest.raises(ValueError, match="label_mode"):
        utils.audio_dataset_from_directory(tmp_path, label_mode="sparse")
    with pytest.raises(ValueError, match="labels"):
        utils.audio_dataset_from_directory(tmp_path, labels="folders")
    with pytest.raises(ValueError, match="output_sequence_length"):
        utils.audio_dataset_from_directory(tmp_path, output_sequence_length=0)
    (tmp_path / "c").mkdir()
    _write(tmp_path / "c" / "x.wav", np.zeros(3))
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        utils.audio_dataset_from_directory(tmp_path, label_mode="binary", verbose=False)
    empty = tmp_path / "empty"
    (empty / "k").mkdir(parents=True)
    with pytest.raises(ValueError, match="No audio files found"):
        utils.audio_dataset_from_directory(empty, verbose=False)


def test_fit_trains_on_the_dataset(tmp_path):
    rng = np.random.default_rng(0)
    for i in range(8):
        _write(tmp_path / ("lo" if i % 2 else "hi") / f"{i}.wav", rng.integers(-3000, 3000, 16) * (1 + 5 * (i % 2)))
    ds = utils.audio_dataset_from_directory(tmp_path, output_sequence_length=16, batch_size=4, seed=1,
                                            verbose=False)
    model = cornu.Sequential([cornu.Input((16, 1)), cornu.layers.Flatten(), cornu.layers.Dense(2)])
    model.compile(optimizer="adam", loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()
