"""``STFTSpectrogram``: short-time Fourier spectrograms computed as a strided 1D convolution.

The DFT of each windowed frame is a dot product with cosine and sine rows, so
the whole transform is a ``Conv1D`` with ``fft_length // 2 + 1`` filters of
``frame_length`` taps moved by ``frame_step``. The kernels are ordinary
weights (``real_kernel``, ``imag_kernel``) initialized by
``initializers.STFT`` and may be fine-tuned when the layer is trainable.
"""
import math
import warnings

import numpy as np

from cornu import backend, initializers, ops, serialization
from cornu.backend.common.conv_utils import conv_output_length
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class STFTSpectrogram(Layer):
    """Spectrogram of each channel of a batch of 1D signals.

    Inputs are ``(batch, time, channels)`` (``channels_last``) or
    ``(batch, channels, time)`` (``channels_first``); every channel is
    transformed independently with the same kernels. Frame ``t`` covers samples
    ``t * frame_step`` to ``t * frame_step + frame_length`` (``padding="same"``
    first pads the signal as TensorFlow convolutions do, giving
    ``ceil(time / frame_step)`` frames). Each frame is multiplied by the window,
    divided by the window's L2 norm (``scaling="density"``) or L1 norm
    (``"spectrum"``), and transformed into ``F = fft_length // 2 + 1`` bins
    (the frame zero-padded to ``fft_length``).

    Output per ``mode`` (``re``, ``im`` the real and imaginary parts):
    ``"real"``/``"imag"``: the part itself; ``"angle"``: ``arctan2(im, re)``;
    ``"stft"``: real parts then imaginary parts (``2 F`` values per channel);
    ``"psd"``: ``re**2 + im**2`` with every bin but the first and last doubled;
    ``"magnitude"``: ``sqrt(max(re**2 + im**2, eps))``; ``"log"``: the log of
    the magnitude (floored at ``eps``).

    Output shape: ``(batch, frames, channels * F)`` (``channels_last``) or
    ``(batch, channels * F, frames)`` (``channels_first``); with
    ``expand_dims=True`` the frequency axis is kept apart:
    ``(batch, frames, F, channels)`` or ``(batch, channels, frames, F)``.

    Args:
        mode: one of ``"log"`` (default), ``"magnitude"``, ``"psd"``,
            ``"real"``, ``"imag"``, ``"angle"``, ``"stft"``.
        frame_length: samples per frame (default 256).
        frame_step: samples between frame starts, ``1 <= frame_step <=
            frame_length`` (default ``frame_length // 2``).
        fft_length: DFT size, ``>= frame_length`` (default: the smallest power
            of two ``>= frame_length``).
        window: a ``scipy.signal.get_window`` name (``"hann"``, ``"hamming"``,
            ...), ``frame_length`` window values, or ``None`` (no window).
        periodic: use the periodic form of a named window (default symmetric).
        scaling: ``"density"`` (default), ``"spectrum"`` or ``None``.
        padding: ``"valid"`` (default) or ``"same"``.
        expand_dims: keep frequencies on their own axis (default False).
        data_format: ``"channels_last"`` or ``"channels_first"`` (default: the config's).
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann",
                 periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        where = f"STFTSpectrogram layer '{self.name}'"
        if not _is_int(frame_length) or frame_length < 1:
            raise ValueError(f"{where}: `frame_length` must be a positive int; received "
                             f"frame_length={frame_length!r}.")
        if frame_step is not None and (not _is_int(frame_step) or not 1 <= frame_step <= frame_length):
            raise ValueError(f"{where}: `frame_step` must be None or an int between 1 and frame_length="
                             f"{frame_length}; received frame_step={frame_step!r}.")
        if fft_length is not None and (not _is_int(fft_length) or fft_length < frame_length):
            raise ValueError(f"{where}: `fft_length` must be None or an int >= frame_length={frame_length}; "
                             f"received fft_length={fft_length!r}.")
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"{where}: `fft_length` is best a power of two; received fft_length={fft_length}.",
                          stacklevel=2)
        if mode not in _MODES:
            raise ValueError(f"{where}: `mode` must be one of {list(_MODES)}; received mode={mode!r}.")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"{where}: `scaling` must be None, 'density' or 'spectrum'; received "
                             f"scaling={scaling!r}.")
        if padding not in ("valid", "same"):
            raise ValueError(f"{where}: `padding` must be 'valid' or 'same'; received padding={padding!r}.")
        if not isinstance(expand_dims, bool):
            raise ValueError(f"{where}: `expand_dims` must be a bool; received expand_dims={expand_dims!r}.")
        if isinstance(window, str):
            try:
                from scipy import signal
            except ImportError:  # pragma: no cover - scipy is an optional dependency
                signal = None
            if signal is not None:
                try:
                    signal.get_window(window, 1)
                except ValueError as err:
                    raise ValueError(f"{where}: `window` must name a scipy.signal window ('hann', 'hamming', "
                                     f"...); received window={window!r} ({err}).") from None
        elif window is not None:
            values = np.asarray(backend.convert_to_numpy(window) if backend.is_tensor(window) else window)
            if values.shape != (frame_length,):
                raise ValueError(f"{where}: an array `window` must have shape (frame_length,) = "
                                 f"({frame_length},); received a window of shape {values.shape}.")
        self.mode = mode
        self.frame_length = int(frame_length)
        self.frame_step = frame_step
        self._frame_step = int(frame_step or self.frame_length // 2)
        if self._frame_step < 1:
            raise ValueError(f"{where}: the default frame_step = frame_length // 2 is 0 for frame_length=1; "
                             f"pass frame_step=1.")
        self.fft_length = fft_length
        self._fft_length = int(fft_length or 2 ** int(math.ceil(math.log2(frame_length))))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        try:
            self.data_format = backend.standardize_data_format(data_format)
        except ValueError:
            raise ValueError(f"{where}: `data_format` must be 'channels_last' or 'channels_first'; received "
                             f"data_format={data_format!r}.") from None
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape,
                initializer=initializers.STFT("real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape,
                initializer=initializers.STFT("imag", self.window, self.scaling, self.periodic))
        self.built = True

    def _transform(self, signals, kernel, batch, channels):
        """(batch * channels, time, 1) signals -> (batch, channels, frames, F) coefficients."""
        out = ops.conv(signals, ops.cast(kernel, signals.dtype), strides=self._frame_step, padding=self.padding,
                       data_format="channels_last")  # (batch * channels, frames, F)
        _, frames, bins = ops.shape(out)
        return ops.reshape(out, (batch, channels, frames, bins))

    def _arrange(self, x):
        """(batch, channels, frames, F) -> the layer's output layout."""
        batch, channels, frames, bins = ops.shape(x)
        if self.data_format == "channels_last":
            if self.expand_dims:
                return ops.transpose(x, (0, 2, 3, 1))  # (batch, frames, F, channels)
            x = ops.transpose(x, (0, 2, 1, 3))  # (batch, frames, channels, F)
            return ops.reshape(x, (batch, frames, channels * bins))
        if self.expand_dims:
            return x  # (batch, channels, frames, F)
        x = ops.transpose(x, (0, 1, 3, 2))  # (batch, channels, F, frames)
        return ops.reshape(x, (batch, channels * bins, frames))

    def call(self, inputs):
        dtype = backend.standardize_dtype(inputs.dtype)
        if dtype not in ("float16", "bfloat16", "float32", "float64"):
            raise TypeError(f"STFTSpectrogram layer '{self.name}': the inputs must be float signals (float16, "
                            f"bfloat16, float32 or float64); received inputs of dtype {dtype}.")
        if self.data_format == "channels_last":
            inputs = ops.transpose(inputs, (0, 2, 1))  # (batch, channels, time)
        batch, channels, time = ops.shape(inputs)  # concrete inside call, also when tracing
        signals = ops.reshape(inputs, (batch * channels, time, 1))
        real = imag = None
        if self.mode != "imag":
            real = self._transform(signals, self.real_kernel, batch, channels)
        if self.mode != "real":
            imag = self._transform(signals, self.imag_kernel, batch, channels)
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=-1))  # (batch, channels, frames, 2F)
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":
            # One-sided density: every bin but DC and Nyquist stands for two.
            inner = ops.pad(power[..., 1:-1], ((0, 0), (0, 0), (0, 0), (1, 1)))
            return self._arrange(ops.add(power, inner))
        eps = backend.epsilon()
        magnitude = ops.sqrt(ops.maximum(power, eps))
        if self.mode == "magnitude":
            return self._arrange(magnitude)
        return self._arrange(ops.log(ops.maximum(magnitude, eps)))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"STFTSpectrogram layer '{self.name}': expected inputs of rank 3 (batch, time, "
                             f"channels); received input shape {input_shape}.")
        if self.data_format == "channels_last":
            time, channels = input_shape[1], input_shape[2]
        else:
            channels, time = input_shape[1], input_shape[2]
        frames = conv_output_length(time, self.frame_length, self._frame_step, self.padding)
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (input_shape[0], frames, bins, channels)
            return (input_shape[0], channels, frames, bins)
        total = None if channels is None else channels * bins
        if self.data_format == "channels_last":
            return (input_shape[0], frames, total)
        return (input_shape[0], total, frames)

    def get_config(self):
        config = super().get_config()
        window = self.window
        if backend.is_tensor(window):
            window = backend.convert_to_numpy(window)
        config.update({
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": serialization.serialize_keras_object(window) if isinstance(window, np.ndarray) else window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("window"), dict):
            config["window"] = serialization.deserialize_keras_object(config["window"])
        return super().from_config(config)
