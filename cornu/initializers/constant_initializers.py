"""Deterministic initializers: ``Zeros``, ``Ones``, ``Constant``, ``Identity``."""
import numpy as np

from cornu import backend, ops
from cornu.initializers.initializer import Initializer
from cornu.serialization import deserialize_keras_object, serialize_keras_object


def _shape(shape, name):
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: `shape` must be a tuple of non-negative integers. Received: shape={shape!r}"
        ) from None


class Zeros(Initializer):
    """Fills the tensor with 0.

    Example::

        values = Zeros()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of zeros of ``dtype`` (default ``floatx()``)."""
        return ops.zeros(_shape(shape, "Zeros"), dtype=backend.standardize_dtype(dtype))


class Ones(Initializer):
    """Fills the tensor with 1.

    Example::

        values = Ones()(shape=(2, 2))
    """

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of ones of ``dtype`` (default ``floatx()``)."""
        return ops.ones(_shape(shape, "Ones"), dtype=backend.standardize_dtype(dtype))


class Constant(Initializer):
    """Fills the tensor with ``value``.

    Args:
        value: a Python scalar (or an array that broadcasts to the requested
            shape, as Keras 2 allowed).  It must be convertible to the dtype
            requested at call time.
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor filled with ``value``, of ``dtype`` (default ``floatx()``)."""
        dtype = backend.standardize_dtype(dtype)
        shape = _shape(shape, "Constant")
        value = self.value
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        value = ops.convert_to_tensor(value, dtype=dtype)
        return ops.multiply(value, ops.ones(shape, dtype=dtype))

    def get_config(self):
        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(deserialize_keras_object(config.get("value", 0.0)))


class Identity(Initializer):
    """The (possibly rectangular) identity matrix times ``gain``; 2-D shapes only.

    Args:
        gain: multiplicative factor applied to the identity matrix.
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        """``gain * eye(*shape)`` of ``dtype`` (default ``floatx()``)."""
        shape = _shape(shape, "Identity")
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = backend.standardize_dtype(dtype)
        return ops.multiply(ops.cast(self.gain, dtype), ops.eye(shape[0], shape[1], dtype=dtype))

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity


def _get_window(window, length, periodic):
    try:
        from scipy import signal
    except ImportError:  # pragma: no cover - scipy is an optional dependency
        raise ImportError(
            "STFT: named windows need SciPy (`pip install scipy`); alternatively pass the window "
            "values as an array."
        ) from None
    return signal.get_window(window, length, fftbins=periodic)


class STFT(Initializer):
    """Conv kernels computing a short-time Fourier transform (real or imaginary part).

    For a kernel of shape ``(frame_length, input_channels, fft_length // 2 + 1)``
    entry ``[t, :, f]`` is ``cos(2 pi t f / fft_length)`` (``side="real"``) or
    ``-sin(2 pi t f / fft_length)`` (``side="imag"``), multiplied by the window
    value at ``t`` and divided by the window's L2 norm (``scaling="density"``)
    or L1 norm (``scaling="spectrum"``).

    Args:
        side: ``"real"`` or ``"imag"``.
        window: a window name understood by ``scipy.signal.get_window``
            (``"hann"``, ``"hamming"`` ...), an array of ``frame_length``
            values, or ``None`` for no window.
        scaling: ``"density"``, ``"spectrum"`` or ``None``.
        periodic: use the periodic (DFT-even) form of a named window.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: `side` must be 'real' or 'imag'. Received: side={side!r}")
        if isinstance(window, str):
            _get_window(window, 1, periodic)  # fails early on an unknown window name
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                f"STFT: `scaling` must be None, 'density' or 'spectrum'. Received: scaling={scaling!r}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        """The ``(frame_length, input_channels, fft_length // 2 + 1)`` STFT kernel."""
        dtype = backend.standardize_dtype(dtype)
        frame_length, _, num_bins = _shape(shape, "STFT")
        fft_length = (num_bins - 1) * 2
        t = np.arange(frame_length, dtype=np.float64).reshape(frame_length, 1, 1)
        f = np.arange(num_bins, dtype=np.float64).reshape(1, 1, num_bins)
        phase = 2.0 * np.pi * t * f / fft_length
        kernel = np.cos(phase) if self.side == "real" else -np.sin(phase)
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                win = _get_window(win, frame_length, self.periodic)
            win = np.asarray(backend.convert_to_numpy(win) if backend.is_tensor(win) else win, dtype=np.float64)
            if win.ndim != 1 or win.shape[0] != frame_length:
                raise ValueError(
                    f"STFT: the window must have shape ({frame_length},) (the frame length). "
                    f"Received: window shape={win.shape}"
                )
            scale = 1.0
            if self.scaling == "density":
                scale = np.sqrt(np.sum(win**2))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
            kernel = kernel * win.reshape(frame_length, 1, 1) / scale
        return ops.convert_to_tensor(kernel, dtype=dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}


STFTInitializer = STFT
