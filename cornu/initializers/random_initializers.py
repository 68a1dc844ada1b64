"""Random initializers: normal, uniform, truncated normal, variance scaling, orthogonal.

Seeding: ``seed=None`` draws a fresh seed from Python's ``random`` module on
every call (so ``random.seed(n)`` / ``set_random_seed(n)`` makes a whole run
repeatable); an int seed gives identical values on every call; a
``cornu.random.SeedGenerator`` gives a new, repeatable draw on every call.
"""
import math
import numbers

from cornu import backend, ops
from cornu import random as _random
from cornu.initializers.initializer import Initializer
from cornu.serialization import deserialize_keras_object, serialize_keras_object

# Standard deviation of a unit normal truncated to [-2, 2]: dividing by it
# makes a truncated normal draw have the intended standard deviation.
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _shape(shape, name):
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: `shape` must be a tuple of non-negative integers. Received: shape={shape!r}"
        ) from None


def _float_dtype(dtype, name):
    dtype = backend.standardize_dtype(dtype)
    if not backend.is_float_dtype(dtype):
        raise ValueError(
            f"{name} can only produce floating-point tensors. Received: dtype={dtype!r}. "
            "Pass a float dtype such as 'float32'."
        )
    return dtype


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` of a weight shape.

    With both ``input_axes`` and ``output_axes`` given (Keras 3.12+: an
    ``EinsumDense`` kernel), the fans are the products of those axes' sizes.
    Otherwise scalars give ``(1, 1)``; vectors ``(n, n)``; matrices
    ``(rows, cols)``; convolution kernels ``(..., input_depth, depth)``
    multiply both by the receptive field size (the product of the leading
    dimensions).
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in, fan_out = 1, 1
        for axis in input_axes:
            fan_in *= shape[axis]
        for axis in output_axes:
            fan_out *= shape[axis]
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field_size = 1
        for dim in shape[:-2]:
            receptive_field_size *= dim
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


class RandomInitializer(Initializer):
    """Base of the random initializers; holds and resolves the ``seed``.

    Args:
        seed: ``None`` (a fresh seed from Python's ``random`` on each call),
            an int (the same values on each call), a ``SeedGenerator`` (new
            values on each call), or a serialized ``SeedGenerator`` dict.
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        if isinstance(seed, dict):
            seed = deserialize_keras_object(
                seed, module_objects={"SeedGenerator": _random.SeedGenerator}, printable_module_name="seed"
            )
        if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            seed = int(seed)  # NumPy integers too
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, _random.SeedGenerator))):
            raise ValueError(
                f"{type(self).__name__}: `seed` must be None, an int or a "
                f"`cornu.random.SeedGenerator`. Received: seed={seed!r}"
            )
        self.seed = seed

    def _draw_seed(self):
        """The seed for one call: a fresh int when unseeded, else ``self.seed``."""
        return _random.make_default_seed() if self.seed is None else self.seed

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Samples from a normal distribution ``N(mean, stddev**2)``.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: see ``RandomInitializer``.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of normal samples of float ``dtype`` (default ``floatx()``)."""
        return _random.normal(
            _shape(shape, type(self).__name__), mean=self.mean, stddev=self.stddev,
            dtype=_float_dtype(dtype, type(self).__name__), seed=self._draw_seed(),
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal samples; values more than two ``stddev`` from ``mean`` are redrawn.

    Args:
        mean: mean of the (untruncated) distribution.
        stddev: standard deviation of the (untruncated) distribution.
        seed: see ``RandomInitializer``.
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of truncated normal samples of float ``dtype``."""
        return _random.truncated_normal(
            _shape(shape, type(self).__name__), mean=self.mean, stddev=self.stddev,
            dtype=_float_dtype(dtype, type(self).__name__), seed=self._draw_seed(),
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples from the uniform distribution over ``[minval, maxval)``.

    Args:
        minval: lower bound (inclusive).
        maxval: upper bound (exclusive).
        seed: see ``RandomInitializer``.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of uniform samples of float ``dtype``."""
        return _random.uniform(
            _shape(shape, type(self).__name__), minval=self.minval, maxval=self.maxval,
            dtype=_float_dtype(dtype, type(self).__name__), seed=self._draw_seed(),
        )

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class VarianceScaling(RandomInitializer):
    """Samples whose scale adapts to the weight's fan-in and/or fan-out.

    With ``n`` = fan_in (``mode="fan_in"``), fan_out (``"fan_out"``) or their
    mean (``"fan_avg"``), each at least 1:

    - ``"truncated_normal"``: normal truncated at two standard deviations,
      with standard deviation ``sqrt(scale / n)`` after truncation;
    - ``"untruncated_normal"``: normal with standard deviation ``sqrt(scale / n)``;
    - ``"uniform"``: uniform over ``[-limit, limit]``, ``limit = sqrt(3 * scale / n)``.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"``, ``"untruncated_normal"`` or
            ``"uniform"`` (``"normal"`` means ``"truncated_normal"``).
        seed: see ``RandomInitializer``.
        input_axes, output_axes: the kernel axes holding input and output units (both, or
            neither: the fans then follow the shape as described above).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        for arg, axes in (("input_axes", input_axes), ("output_axes", output_axes)):
            if axes is not None and not (isinstance(axes, (list, tuple)) and all(isinstance(a, int) for a in axes)):
                raise ValueError(f"Argument `{arg}` must be None or a list of integers. Received: {arg}={axes!r}")
        self.input_axes = None if input_axes is None else list(input_axes)
        self.output_axes = None if output_axes is None else list(output_axes)
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode!r}. Please use one of {allowed_modes}.")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in allowed:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution!r}. Please use one of {allowed}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        super().__init__(seed=seed)

    def _n(self, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        if self.mode == "fan_in":
            return max(1.0, fan_in)
        if self.mode == "fan_out":
            return max(1.0, fan_out)
        return max(1.0, (fan_in + fan_out) / 2.0)

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor of float ``dtype`` with the variance set by ``scale``/``mode``."""
        name = type(self).__name__
        shape = _shape(shape, name)
        dtype = _float_dtype(dtype, name)
        scale = self.scale / self._n(shape)
        seed = self._draw_seed()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_NORMAL_STDDEV
            return _random.truncated_normal(shape, mean=0.0, stddev=stddev, dtype=dtype, seed=seed)
        if self.distribution == "untruncated_normal":
            return _random.normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=seed)
        limit = math.sqrt(3.0 * scale)
        return _random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **self._axes_config(),
        }

    def _axes_config(self):
        # Keras 3.12+ writes these keys (null by default); written here only when set.
        if self.input_axes is None and self.output_axes is None:
            return {}
        return {"input_axes": self.input_axes, "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A ``VarianceScaling`` whose scale/mode/distribution are fixed by the class."""

    _scale = 1.0
    _mode = "fan_in"
    _distribution = "truncated_normal"

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(scale=self._scale, mode=self._mode, distribution=self._distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": serialize_keras_object(self._init_seed), **self._axes_config()}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: uniform over ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``."""

    _scale, _mode, _distribution = 1.0, "fan_avg", "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``."""

    _scale, _mode, _distribution = 1.0, "fan_avg", "truncated_normal"


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with ``stddev = sqrt(1 / fan_in)``."""

    _scale, _mode, _distribution = 1.0, "fan_in", "truncated_normal"


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: uniform over ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``."""

    _scale, _mode, _distribution = 1.0, "fan_in", "uniform"


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with ``stddev = sqrt(2 / fan_in)``."""

    _scale, _mode, _distribution = 2.0, "fan_in", "truncated_normal"


class HeUniform(_FixedVarianceScaling):
    """He uniform: uniform over ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``."""

    _scale, _mode, _distribution = 2.0, "fan_in", "uniform"


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of normal noise.

    Shapes of rank > 2 are treated as a ``(prod(shape[:-1]), shape[-1])``
    matrix and reshaped back.  With fewer rows than columns the rows are
    orthonormal; otherwise the columns are.

    Args:
        gain: multiplicative factor applied to the orthogonal matrix.
        seed: see ``RandomInitializer``.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        """A ``shape`` tensor (rank >= 2) of float ``dtype`` with orthonormal rows or columns."""
        shape = _shape(shape, "Orthogonal")
        dtype = _float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows = 1
        for dim in shape[:-1]:
            num_rows *= dim
        num_cols = shape[-1]
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        # QR needs float32/float64; half precisions are cast at the end.
        work_dtype = dtype if dtype in ("float32", "float64") else "float32"
        a = _random.normal(flat_shape, dtype=work_dtype, seed=self._draw_seed())
        q, r = ops.qr(a)
        # Make the decomposition unique (and Q uniformly distributed).
        q = ops.multiply(q, ops.sign(ops.diag(r)))
        if num_rows < num_cols:
            q = ops.transpose(q)
        q = ops.multiply(self.gain, ops.reshape(q, shape))
        return ops.cast(q, dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


OrthogonalInitializer = Orthogonal
