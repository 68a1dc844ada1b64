"""``MelSpectrogram``: audio signals to (log-)mel spectrograms.

The signal goes through ``ops.stft`` (centred, reflect-padded frames), its
magnitude is raised to ``mag_exp``, projected onto triangular mel filters and,
optionally, converted to decibels. The layer has no weights.
"""
import numpy as np

from cornu import backend, ops, serialization
from cornu.layers.layer import Layer

# HTK mel scale: mel(f) = 1127 ln(1 + f / 700)  (= 2595 log10(1 + f / 700)).
_MEL_BREAK_HZ = 700.0
_MEL_Q = 1127.0


def hertz_to_mel(hertz):
    """Frequencies in Hz to the HTK mel scale."""
    return _MEL_Q * np.log1p(np.asarray(hertz, np.float64) / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sampling_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype="float32"):
    """A ``(num_spectrogram_bins, num_mel_bins)`` NumPy matrix of triangular mel filters.

    Spectrogram bin ``k`` is the frequency ``k * sampling_rate / 2 / (num_spectrogram_bins - 1)``;
    ``num_mel_bins + 2`` points equally spaced in mel between the two edges give
    each filter its lower edge, peak (weight 1) and upper edge, the filter being
    linear in mel between them. The DC bin gets no weight (the HTK convention).
    """
    nyquist = sampling_rate / 2.0
    freqs_mel = hertz_to_mel(np.linspace(0.0, nyquist, num_spectrogram_bins)[1:])[:, None]  # (bins - 1, 1)
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[None, :-2], edges[None, 1:-1], edges[None, 2:]  # (1, num_mel_bins) each
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = (freqs_mel - lower) / (center - lower)
        falling = (upper - freqs_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights = np.concatenate([np.zeros((1, num_mel_bins)), weights], axis=0)  # the DC row
    return weights.astype(dtype)


def _positive_int(where, value, arg):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{where}: `{arg}` must be a positive int; received {arg}={value!r}.")
    return int(value)


def _window_config(window):
    """A JSON-friendly ``window``: names and None as they are, arrays as ``__numpy__`` objects."""
    if window is None or isinstance(window, str):
        return window
    return serialization.serialize_keras_object(np.asarray(backend.convert_to_numpy(window)
                                                           if backend.is_tensor(window) else window))


class MelSpectrogram(Layer):
    """Mel spectrograms of 1D (one signal) or 2D (a batch of signals) float audio.

    Steps: ``S = |stft(x)| ** mag_exp`` with frames of ``fft_length`` samples
    every ``sequence_stride`` samples (the signal reflect-padded by
    ``fft_length // 2`` on both sides, ``1 + samples // sequence_stride``
    frames, a ``window`` of ``sequence_length`` samples centred in each frame);
    ``M = S @ W`` with ``W`` the HTK triangular mel filterbank from ``min_freq``
    to ``max_freq`` (peaks of 1, see ``linear_to_mel_weight_matrix``); with
    ``power_to_db``: ``D = 10 log10(max(M, min_power)) - 10 log10(max(|ref_power|,
    min_power))`` floored at ``max(D) - top_db``, the maximum taken over the
    whole input (every signal of the batch). Output: ``(..., num_mel_bins,
    frames)``.

    Args:
        fft_length: samples per frame and DFT size (default 2048).
        sequence_stride: samples between frames (default 512).
        sequence_length: window length, ``<= fft_length`` (default ``fft_length``).
        window: ``"hann"`` (default), ``"hamming"``, a tensor of
            ``sequence_length`` values, or ``None``.
        sampling_rate: samples per second of the signal (default 16000).
        num_mel_bins: number of mel filters (default 128).
        min_freq: lower edge of the lowest filter in Hz (default 20.0).
        max_freq: upper edge of the highest filter in Hz (default
            ``int(sampling_rate / 2)``).
        power_to_db: convert to decibels (default True).
        top_db: dynamic range kept below the maximum, in dB (default 80.0;
            ``None``: no floor).
        mag_exp: exponent of the magnitude (1 magnitude, 2 power; default 2.0).
        min_power: floor of the power and of ``ref_power`` before the log (default 1e-10).
        ref_power: reference power of 0 dB (default 1.0).
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                 sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True,
                 top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0, **kwargs):
        super().__init__(**kwargs)
        where = f"MelSpectrogram layer '{self.name}'"
        self.fft_length = _positive_int(where, fft_length, "fft_length")
        self.sequence_stride = _positive_int(where, sequence_stride, "sequence_stride")
        self.sequence_length = _positive_int(where, sequence_length or fft_length, "sequence_length")
        if self.sequence_length > self.fft_length:
            raise ValueError(f"{where}: `fft_length` must be >= `sequence_length`; received "
                             f"sequence_length={self.sequence_length}, fft_length={self.fft_length}.")
        if isinstance(window, str) and window not in ("hann", "hamming"):
            raise ValueError(f"{where}: `window` must be 'hann', 'hamming', None or a tensor of "
                             f"sequence_length values; received window={window!r}.")
        if not isinstance(sampling_rate, (int, float, np.integer, np.floating)) or isinstance(sampling_rate, bool) \
                or sampling_rate <= 0:
            raise ValueError(f"{where}: `sampling_rate` must be a positive number; received "
                             f"sampling_rate={sampling_rate!r}.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = _positive_int(where, num_mel_bins, "num_mel_bins")
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        if not 0 <= self.min_freq < self.max_freq:
            raise ValueError(f"{where}: expected 0 <= min_freq < max_freq; received min_freq={min_freq!r}, "
                             f"max_freq={self.max_freq!r}.")
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self._mel_matrix = linear_to_mel_weight_matrix(
            self.num_mel_bins, self.fft_length // 2 + 1, self.sampling_rate, self.min_freq, self.max_freq,
            dtype="float64")
        self.built = True

    def call(self, inputs):
        rank = len(inputs.shape)
        if rank not in (1, 2):
            raise ValueError(f"MelSpectrogram layer '{self.name}': expected a 1D signal (samples,) or a 2D batch "
                             f"(batch, samples); received input shape {tuple(inputs.shape)}.")
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        x = ops.cast(inputs, dtype)
        real, imag = ops.stft(x, self.sequence_length, self.sequence_stride, self.fft_length,
                              window=self.window, center=True)  # (..., frames, F) each
        spec = ops.power(ops.sqrt(ops.add(ops.square(real), ops.square(imag))), self.mag_exp)
        matrix = ops.convert_to_tensor(self._mel_matrix.astype(dtype))  # (F, mels)
        mel = ops.tensordot(spec, matrix, axes=1)  # (..., frames, mels)
        if self.power_to_db:
            mel = self._to_db(mel, dtype)
        return ops.cast(ops.swapaxes(mel, -1, -2), self.compute_dtype)  # (..., mels, frames)

    def _to_db(self, power, dtype):
        db = ops.multiply(10.0, ops.log10(ops.maximum(power, self.min_power)))
        ref = max(abs(float(self.ref_power)), float(self.min_power))
        db = ops.subtract(db, np.asarray(10.0 * np.log10(ref), dtype))
        if self.top_db is not None:
            db = ops.maximum(db, ops.subtract(ops.max(db), self.top_db))
        return db

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        samples = input_shape[-1]
        frames = None if samples is None else 1 + samples // self.sequence_stride
        return input_shape[:-1] + (self.num_mel_bins, frames)

    def linear_to_mel_weight_matrix(self, num_mel_bins=20, num_spectrogram_bins=129, sampling_rate=8000,
                                    lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype="float32"):
        """The mel filterbank as a tensor (see the module function of the same name)."""
        return ops.convert_to_tensor(linear_to_mel_weight_matrix(
            num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz, upper_edge_hertz, dtype))

    def get_config(self):
        config = super().get_config()
        config.update({
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": _window_config(self.window),
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("window"), dict):
            config["window"] = serialization.deserialize_keras_object(config["window"])
        return super().from_config(config)
