"""STFTSpectrogram and MelSpectrogram against NumPy references written from the DFT, HTK mel and
decibel formulas; kernels, gradients, config, errors and .keras round trips."""
import math
import pathlib
import sys

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from cornu.testing import run_layer_test

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "convolutional"))
import conv_np_reference as R  # noqa: E402

EPS = 1e-7  # backend.epsilon()


def _np(t):
    return np.asarray(backend.convert_to_numpy(t), np.float64)


def window_np(name, n, periodic):
    """Hann / Hamming windows: ``a - (1 - a) cos(2 pi k / M)``, ``M = n`` (periodic) or ``n - 1``."""
    a = {"hann": 0.5, "hamming": 0.54}[name]
    m = n if periodic else n - 1
    return a - (1 - a) * np.cos(2 * np.pi * np.arange(n) / m)


# -- STFTSpectrogram ----------------------------------------------------------------------------
def frames_np(x, frame_length, step, padding):
    """(batch, time, channels) -> (batch, channels, frames, frame_length), TensorFlow 'same' padding."""
    t = x.shape[1]
    if padding == "same":
        total = max((math.ceil(t / step) - 1) * step + frame_length - t, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    count = (x.shape[1] - frame_length) // step + 1
    idx = np.arange(count)[:, None] * step + np.arange(frame_length)[None, :]
    return np.moveaxis(x, -1, 1)[:, :, idx]


def stft_spectrogram_np(x, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann",
                        periodic=False, scaling="density", padding="valid", expand_dims=False):
    """Channels-last reference: rfft of windowed frames, arranged as the layer documents."""
    step = frame_step or frame_length // 2
    n_fft = fft_length or 2 ** math.ceil(math.log2(frame_length))
    if window is None:
        win = np.ones(frame_length)
    else:
        win = window_np(window, frame_length, periodic) if isinstance(window, str) else np.asarray(window, float)
        win = win / {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win)), None: 1.0}[scaling]
    spec = np.fft.rfft(frames_np(x.astype(np.float64), frame_length, step, padding) * win, n=n_fft)
    re, im = spec.real, spec.imag  # (batch, channels, frames, F)
    power = re ** 2 + im ** 2
    out = {
        "real": re, "imag": im, "angle": np.arctan2(im, re), "stft": np.concatenate([re, im], -1),
        "psd": power + np.pad(power[..., 1:-1], ((0, 0), (0, 0), (0, 0), (1, 1))),
        "magnitude": np.sqrt(np.maximum(power, EPS)),
        "log": np.log(np.maximum(np.sqrt(np.maximum(power, EPS)), EPS)),
    }[mode]
    if expand_dims:
        return np.transpose(out, (0, 2, 3, 1))  # (batch, frames, F, channels)
    b, c, f, k = out.shape
    return np.transpose(out, (0, 2, 1, 3)).reshape(b, f, c * k)


STFT_CASES = [
    dict(mode="log", frame_length=8, frame_step=3, fft_length=16),
    dict(mode="magnitude", frame_length=8, frame_step=4, padding="same", expand_dims=True, window="hamming",
         periodic=True, scaling="spectrum"),
    dict(mode="psd", frame_length=6, frame_step=2, fft_length=8, padding="same", scaling=None),
    dict(mode="real", frame_length=8, frame_step=8, window=None, expand_dims=True),
    dict(mode="imag", frame_length=4, frame_step=1, window=[0.1, 0.5, 1.0, 0.3]),
    dict(mode="stft", frame_length=8, frame_step=5, padding="same"),
]


@pytest.mark.parametrize("kwargs", STFT_CASES, ids=[c["mode"] for c in STFT_CASES])
def test_stft_spectrogram_matches_numpy(kwargs):
    x = np.random.default_rng(0).standard_normal((2, 30, 3)).astype("float32")
    expected = stft_spectrogram_np(x, **kwargs)
    layer = layers.STFTSpectrogram(**kwargs)
    np.testing.assert_allclose(_np(layer(x)), expected, rtol=1e-4, atol=1e-4)
    assert tuple(layer.compute_output_shape(x.shape)) == expected.shape
    # channels_first: same numbers, channel axis first and frequencies before time.
    cf = layers.STFTSpectrogram(**kwargs, data_format="channels_first")
    out_cf = _np(cf(np.moveaxis(x, -1, 1)))
    want_cf = np.transpose(expected, (0, 3, 1, 2)) if kwargs.get("expand_dims") else np.moveaxis(expected, -1, 1)
    np.testing.assert_allclose(out_cf, want_cf, rtol=1e-4, atol=1e-4)
    assert tuple(cf.compute_output_shape((2, 3, 30))) == want_cf.shape


def test_stft_angle_away_from_the_real_axis():
    # The angle of bins whose imaginary part is rounding noise (DC, Nyquist) is +-pi at random.
    x = np.random.default_rng(1).standard_normal((2, 24, 1)).astype("float32")
    out = _np(layers.STFTSpectrogram(mode="angle", frame_length=8, frame_step=4)(x))
    want = stft_spectrogram_np(x, mode="angle", frame_length=8, frame_step=4)
    np.testing.assert_allclose(out[..., 1:-1], want[..., 1:-1], rtol=1e-4, atol=1e-4)


def test_stft_kernels_names_and_values():
    layer = layers.STFTSpectrogram(frame_length=6, fft_length=8, window="hann")
    layer.build((None, 20, 1))
    assert [w.name.split("/")[-1] for w in layer.weights] == ["real_kernel", "imag_kernel"]
    assert all(tuple(w.shape) == (6, 1, 5) for w in layer.weights)
    win = window_np("hann", 6, False)
    win = win / np.sqrt(np.sum(win ** 2))
    phase = 2 * np.pi * np.arange(6)[:, None] * np.arange(5)[None, :] / 8
    np.testing.assert_allclose(_np(layer.real_kernel)[:, 0], np.cos(phase) * win[:, None], atol=1e-6)
    np.testing.assert_allclose(_np(layer.imag_kernel)[:, 0], -np.sin(phase) * win[:, None], atol=1e-6)
    assert [w.name.split("/")[-1] for w in _built(layers.STFTSpectrogram(mode="real")).weights] == ["real_kernel"]
    assert [w.name.split("/")[-1] for w in _built(layers.STFTSpectrogram(mode="imag")).weights] == ["imag_kernel"]
    frozen = _built(layers.STFTSpectrogram(trainable=False))
    assert len(frozen.trainable_weights) == 0 and len(frozen.non_trainable_weights) == 2


def _built(layer):
    layer.build((None, 300, 1))
    return layer


def test_stft_gradients_match_numpy():
    r = np.random.default_rng(2)
    x = r.standard_normal((2, 20, 2)).astype("float32")
    kw = dict(mode="stft", frame_length=6, frame_step=3, fft_length=8, padding="same")
    layer = layers.STFTSpectrogram(**kw)
    layer.build(x.shape)
    expected = stft_spectrogram_np(x, **kw)  # (batch, frames, channels * 2F)
    g = r.standard_normal(expected.shape)
    out, gx, (g_real, g_imag) = R.layer_vjp(layer, x, g)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    frames = frames_np(x.astype(np.float64), 6, 3, "same")  # (batch, channels, frames, 6)
    gr = g.reshape(g.shape[0], g.shape[1], 2, 2, 5)  # (batch, frames, channels, re/im, F)
    # The output is linear in each kernel: d out[b, t, c, f] / d K[k, f] = frames[b, c, t, k].
    np.testing.assert_allclose(g_real[:, 0], np.einsum("bctk,btcf->kf", frames, gr[:, :, :, 0]), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(g_imag[:, 0], np.einsum("bctk,btcf->kf", frames, gr[:, :, :, 1]), rtol=1e-4,
                               atol=1e-4)
    # ... and in x: scatter each frame's gradient back onto the (padded) signal.
    k_re, k_im = _np(layer.real_kernel)[:, 0], _np(layer.imag_kernel)[:, 0]
    g_frames = np.einsum("btcf,kf->bctk", gr[:, :, :, 0], k_re) + np.einsum("btcf,kf->bctk", gr[:, :, :, 1], k_im)
    total = max((math.ceil(20 / 3) - 1) * 3 + 6 - 20, 0)
    g_pad = np.zeros((2, 2, 20 + total))
    for t in range(g_frames.shape[2]):
        g_pad[:, :, t * 3:t * 3 + 6] += g_frames[:, :, t]
    np.testing.assert_allclose(gx, np.moveaxis(g_pad[:, :, total // 2:total // 2 + 20], 1, -1), rtol=1e-4,
                               atol=1e-4)


def test_stft_harness():
    run_layer_test(layers.STFTSpectrogram, dict(mode="magnitude", frame_length=8, frame_step=4),
                   input_shape=(2, 24, 2), expected_output_shape=(2, 5, 10), expected_num_trainable_weights=2,
                   expected_num_non_trainable_weights=0,
                   expected_weights=[("real_kernel", (8, 1, 5)), ("imag_kernel", (8, 1, 5))], rtol=1e-4, atol=1e-4)


def test_stft_config():
    layer = layers.STFTSpectrogram()
    config = layer.get_config()
    want = dict(mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                scaling="density", padding="valid", data_format="channels_last", expand_dims=False)
    assert {k: config[k] for k in want} == want
    assert (layer._frame_step, layer._fft_length) == (128, 256)
    assert layers.STFTSpectrogram(frame_length=100)._fft_length == 128
    custom = layers.STFTSpectrogram(frame_length=3, frame_step=1, window=np.array([0.2, 1.0, 0.2]))
    again = layers.STFTSpectrogram.from_config(custom.get_config())
    np.testing.assert_allclose(np.asarray(again.window), [0.2, 1.0, 0.2])
    with pytest.warns(UserWarning, match="power of two"):
        layers.STFTSpectrogram(frame_length=8, fft_length=12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(frame_length=8, frame_step=9), r"STFTSpectrogram.*frame_step.*9"),
    (dict(frame_length=8, frame_step=0), r"STFTSpectrogram.*frame_step"),
    (dict(frame_length=8, fft_length=4), r"STFTSpectrogram.*fft_length.*4"),
    (dict(mode="power"), r"STFTSpectrogram.*mode.*'power'"),
    (dict(scaling="l2"), r"STFTSpectrogram.*scaling.*'l2'"),
    (dict(padding="causal"), r"STFTSpectrogram.*padding.*'causal'"),
    (dict(window="no-such-window"), r"STFTSpectrogram.*window.*no-such-window"),
    (dict(frame_length=4, window=[1.0, 2.0]), r"STFTSpectrogram.*window.*\(4,\).*\(2,\)"),
    (dict(frame_length=0), r"STFTSpectrogram.*frame_length.*0"),
])
def test_stft_invalid_arguments(kwargs, match):
    pytest.importorskip("scipy")
    with pytest.raises(ValueError, match=match):
        layers.STFTSpectrogram(**kwargs)


def test_stft_rejects_integer_inputs():
    with pytest.raises(TypeError, match="STFTSpectrogram.*float.*int32"):
        layers.STFTSpectrogram(frame_length=4, frame_step=2)(np.zeros((1, 8, 1), "int32"))


def test_stft_fit_trains_kernels_and_keras_round_trip(tmp_path):
    r = np.random.default_rng(3)
    xs, ys = r.standard_normal((8, 40, 1)).astype("float32"), r.standard_normal((8, 1)).astype("float32")

    def build(trainable):
        inputs = cornu.Input((40, 1))
        x = layers.STFTSpectrogram(mode="log", frame_length=8, frame_step=4, padding="same", expand_dims=True,
                                   trainable=trainable)(inputs)
        x = layers.AdaptiveAveragePooling2D((2, 2))(x)
        model = cornu.Model(inputs, layers.Dense(1)(layers.Flatten()(x)))
        model.compile(optimizer="sgd", loss="mse")
        return model

    for trainable in (True, False):
        model = build(trainable)
        before = [_np(w) for w in model.layers[1].weights]
        model.fit(xs, ys, epochs=1, batch_size=4, verbose=0)
        changed = any(not np.allclose(b, _np(w)) for b, w in zip(before, model.layers[1].weights))
        assert changed is trainable
    path = str(tmp_path / "stft.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.layers[1]) is layers.STFTSpectrogram and loaded.layers[1].trainable is False
    np.testing.assert_allclose(_np(loaded(xs)), _np(model(xs)), rtol=1e-5, atol=1e-5)


# -- MelSpectrogram -----------------------------------------------------------------------------
def mel_filterbank_np(num_mel, num_bins, rate, low, high):
    """HTK triangles (mel = 1127 ln(1 + f / 700)), peak 1, no weight on the DC bin."""
    mel = lambda f: 1127.0 * np.log(1.0 + np.asarray(f, float) / 700.0)  # noqa: E731
    freqs = mel(np.linspace(0, rate / 2, num_bins))
    edges = np.linspace(mel(low), mel(high), num_mel + 2)
    out = np.zeros((num_bins, num_mel))
    for j in range(num_mel):
        lo, mid, hi = edges[j:j + 3]
        for k in range(1, num_bins):
            out[k, j] = max(0.0, min((freqs[k] - lo) / (mid - lo), (hi - freqs[k]) / (hi - mid)))
    return out


def mel_spectrogram_np(x, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                       sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True,
                       top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0):
    seq = sequence_length or fft_length
    x = np.asarray(x, np.float64)
    pad = fft_length // 2
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode="reflect")
    count = 1 + (xp.shape[-1] - fft_length) // sequence_stride
    idx = np.arange(count)[:, None] * sequence_stride + np.arange(fft_length)[None, :]
    win = np.ones(seq) if window is None else window_np(window, seq, periodic=True)
    left = (fft_length - seq) // 2
    win = np.pad(win, (left, fft_length - seq - left))  # centred in the frame
    spec = np.abs(np.fft.rfft(xp[..., idx] * win, n=fft_length)) ** mag_exp  # (..., frames, F)
    mel = spec @ mel_filterbank_np(num_mel_bins, fft_length // 2 + 1, sampling_rate, min_freq,
                                   max_freq or sampling_rate // 2)
    if power_to_db:
        mel = 10 * np.log10(np.maximum(mel, min_power)) - 10 * np.log10(max(abs(ref_power), min_power))
        mel = np.maximum(mel, mel.max() - top_db)
    return np.swapaxes(mel, -1, -2)


MEL_CASES = [
    dict(fft_length=64, sequence_stride=16, sampling_rate=8000, num_mel_bins=20),
    dict(fft_length=128, sequence_stride=50, sequence_length=100, window="hamming", num_mel_bins=16,
         min_freq=100.0, max_freq=6000.0, power_to_db=False, mag_exp=1.0),
    dict(fft_length=64, sequence_stride=32, window=None, num_mel_bins=10, top_db=20.0, ref_power=2.0,
         min_power=1e-3, sampling_rate=4000),
]


@pytest.mark.parametrize("kwargs", MEL_CASES)
def test_mel_spectrogram_matches_numpy(kwargs):
    x = np.random.default_rng(4).standard_normal((2, 500)).astype("float32")
    layer = layers.MelSpectrogram(**kwargs)
    tol = dict(rtol=1e-4, atol=1e-3)
    expected = mel_spectrogram_np(x, **kwargs)
    np.testing.assert_allclose(_np(layer(x)), expected, **tol)
    assert tuple(layer.compute_output_shape(x.shape)) == expected.shape
    np.testing.assert_allclose(_np(layer(x[1])), mel_spectrogram_np(x[1], **kwargs), **tol)  # unbatched


def test_mel_top_db_floors_below_the_batch_maximum():
    x = np.random.default_rng(5).standard_normal((2, 256)).astype("float32")
    x[1] *= 1e-3  # 60 dB quieter: floored by the first signal's maximum
    out = _np(layers.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=8, top_db=30.0)(x))
    assert np.isclose(out.min(), out.max() - 30.0, atol=1e-3)
    assert np.allclose(out[1], out.max() - 30.0, atol=1e-3)


def test_mel_filterbank_and_config():
    layer = layers.MelSpectrogram()
    np.testing.assert_allclose(_np(layer.linear_to_mel_weight_matrix(20, 129, 8000, 125.0, 3800.0)),
                               mel_filterbank_np(20, 129, 8000, 125.0, 3800.0), atol=1e-5)
    config = layer.get_config()
    want = dict(fft_length=2048, sequence_stride=512, sequence_length=2048, window="hann", sampling_rate=16000,
                num_mel_bins=128, min_freq=20.0, max_freq=8000, power_to_db=True, top_db=80.0, mag_exp=2.0,
                min_power=1e-10, ref_power=1.0)
    assert {k: config[k] for k in want} == want
    assert layers.MelSpectrogram.from_config(config).get_config() == config
    assert layer.compute_output_shape((None, 16000)) == (None, 128, 32)
    assert layer.compute_output_shape((None, None)) == (None, 128, None)


def test_mel_harness():
    run_layer_test(layers.MelSpectrogram, dict(fft_length=32, sequence_stride=16, num_mel_bins=8),
                   input_shape=(2, 100), expected_output_shape=(2, 8, 7), expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0, run_training_check=False, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(fft_length=64, sequence_length=128), r"MelSpectrogram.*sequence_length=128.*fft_length=64"),
    (dict(window="blackman"), r"MelSpectrogram.*window.*'blackman'"),
    (dict(num_mel_bins=0), r"MelSpectrogram.*num_mel_bins.*0"),
    (dict(sequence_stride=-2), r"MelSpectrogram.*sequence_stride.*-2"),
    (dict(min_freq=9000.0), r"MelSpectrogram.*min_freq=9000"),
])
def test_mel_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.MelSpectrogram(**kwargs)


def test_mel_rejects_rank_3():
    with pytest.raises(ValueError, match="MelSpectrogram.*input shape"):
        layers.MelSpectrogram(fft_length=32, sequence_stride=16)(np.zeros((1, 2, 64), "float32"))


def test_mel_in_a_model_fit_and_keras_round_trip(tmp_path):
    r = np.random.default_rng(6)
    xs, ys = r.standard_normal((8, 200)).astype("float32"), r.standard_normal((8, 1)).astype("float32")
    model = cornu.Sequential([cornu.Input((200,)),
                              layers.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=6,
                                                    sampling_rate=8000),
                              layers.AdaptiveMaxPooling1D(3), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert np.all(np.isfinite(model.fit(xs / 100, ys, epochs=1, batch_size=4, verbose=0).history["loss"]))
    path = str(tmp_path / "mel.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert type(loaded.layers[0]) is layers.MelSpectrogram
    np.testing.assert_allclose(_np(loaded(xs)), _np(model(xs)), rtol=1e-5, atol=1e-4)


def test_real_keras_file_loads():
    # Written by Keras 3.15 (tests/saving/fixtures/make_audio_pooling_fixtures.py).
    fixtures = pathlib.Path(__file__).resolve().parents[2] / "saving" / "fixtures" / "keras3"
    model = cornu.saving.load_model(fixtures / "audio_pooling.keras")
    stft = next(layer for layer in model.layers if isinstance(layer, layers.STFTSpectrogram))
    fresh = _built(layers.STFTSpectrogram(frame_length=8, frame_step=4))
    assert not np.allclose(_np(stft.real_kernel), _np(fresh.real_kernel))  # the file's kernels were read
    inputs = np.load(fixtures / "audio_pooling.inputs.npz")
    out = _np(model.predict([inputs["x0"], inputs["x1"]], verbose=0))
    np.testing.assert_allclose(out, np.load(fixtures / "audio_pooling.expected.npy"), rtol=1e-4, atol=1e-4)
