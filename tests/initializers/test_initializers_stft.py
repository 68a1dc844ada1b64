"""STFT kernels against the DFT written in NumPy."""
import numpy as np
import pytest

from cornu import backend, initializers

pytest.importorskip("scipy")


def to_np(x):
    return np.asarray(backend.convert_to_numpy(x), dtype=np.float64)


def dft_kernel(frame_length, num_bins, side, window, scaling):
    n = (num_bins - 1) * 2
    t = np.arange(frame_length)[:, None]
    f = np.arange(num_bins)[None, :]
    z = np.exp(-2j * np.pi * t * f / n)  # DFT basis e^{-2 pi i t f / n}
    k = z.real if side == "real" else z.imag
    if window is not None:
        denom = {"density": np.sqrt(np.sum(window**2)), "spectrum": np.sum(np.abs(window)), None: 1.0}[scaling]
        k = k * window[:, None] / denom
    return k[:, None, :]


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("scaling", ["density", "spectrum", None])
@pytest.mark.parametrize("periodic", [False, True])
def test_hann_window_kernel(side, scaling, periodic):
    frame_length, num_bins = 8, 5
    out = initializers.STFT(side=side, window="hann", scaling=scaling, periodic=periodic)((frame_length, 1, num_bins))
    # NumPy's Hann window is the symmetric one; the periodic one is one sample longer, truncated.
    window = np.hanning(frame_length + 1)[:-1] if periodic else np.hanning(frame_length)
    np.testing.assert_allclose(to_np(out), dft_kernel(frame_length, num_bins, side, window, scaling), atol=1e-6)


def test_array_window_and_no_window():
    window = np.linspace(0.1, 1.0, 6)
    out = initializers.STFT("imag", window=window, scaling="spectrum")((6, 1, 4))
    np.testing.assert_allclose(to_np(out), dft_kernel(6, 4, "imag", window, "spectrum"), atol=1e-6)
    out = initializers.STFT("real", window=None)((6, 1, 4))
    np.testing.assert_allclose(to_np(out), dft_kernel(6, 4, "real", None, None), atol=1e-6)


def test_validation():
    with pytest.raises(ValueError, match="side"):
        initializers.STFT(side="both")
    with pytest.raises(ValueError, match="scaling"):
        initializers.STFT(scaling="energy")
    with pytest.raises(ValueError):
        initializers.STFT(window="not-a-window")
    with pytest.raises(ValueError, match="frame length"):
        initializers.STFT(window=np.ones(3))((6, 1, 4))


def test_config_round_trip_and_aliases():
    init = initializers.STFT("imag", "hamming", None, True)
    restored = initializers.deserialize(initializers.serialize(init))
    assert type(restored) is initializers.STFT and restored.get_config() == init.get_config()
    assert initializers.stft is initializers.STFT is initializers.STFTInitializer
    assert type(initializers.get("stft")) is initializers.STFT
    assert type(initializers.get("STFTInitializer")) is initializers.STFT
