"""``Normalization``: standardize features with a mean and variance given or learned by ``adapt``."""
import itertools
import math

import numpy as np

from cornu import backend, ops
from cornu.layers.layer import Layer


def _extract_batch(batch):
    """The inputs of a batch: ``x`` out of ``(x, y)`` or ``(x, y, sample_weight)``."""
    return batch[0] if isinstance(batch, tuple) else batch


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance: ``(x - mean) / sqrt(var)``.

    The mean and variance are either given (``mean``/``variance``) or
    computed from data with ``adapt()`` before training.  The denominator is
    ``max(sqrt(var), epsilon)``.

    Args:
        axis: int, tuple of ints or ``None``: the axes keeping separate
            statistics per index (default ``-1``, the features axis); ``None``
            uses one scalar mean and variance.
        mean, variance: values broadcast to the kept axes (give both or neither).
        invert: apply the inverse transform ``mean + x * sqrt(var)``.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int) and not isinstance(axis, bool):
            axis = (axis,)
        elif isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool)
                                                      for a in axis):
            axis = tuple(axis)
        else:
            raise ValueError(
                f"Layer '{self.name}' (Normalization) expects `axis` to be an int, a tuple of ints "
                f"or None; received axis={axis!r}."
            )
        self.axis = axis
        if (mean is not None) != (variance is not None):
            raise ValueError(
                f"Layer '{self.name}' (Normalization): when setting values directly, both `mean` and "
                f"`variance` must be set. Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f"Layer '{self.name}' (Normalization): `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"Layer '{self.name}' (Normalization): the rank of `mean` must be at most the "
                    f"number of axes ({len(self.axis)}). Received: mean shape {np.shape(mean)} for "
                    f"axis {self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self._fixed = None

    def build(self, input_shape):
        if input_shape is None:
            return
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Layer '{self.name}' (Normalization): all `axis` values must be in the range "
                f"[-ndim, ndim). Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = tuple(input_shape)
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"Layer '{self.name}' (Normalization): all `axis` values to be kept must have a "
                    f"known size. Received axis={self.axis}, inputs.shape={tuple(input_shape)}, "
                    f"with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            # Kept (and never updated) for compatibility with Keras weight files.
            self.count = self.add_weight(name="count", shape=(), dtype="int", initializer="zeros",
                                         trainable=False)
        else:
            self._fixed = (self._broadcast_value(self.input_mean), self._broadcast_value(self.input_variance))
        self.built = True

    def _broadcast_value(self, value):
        """A given mean/variance aligned right-to-left with the kept axes, broadcast to them."""
        value = np.asarray(value, dtype="float64")
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        value = np.broadcast_to(np.reshape(value, expanded), self._broadcast_shape)
        return value.astype(self.compute_dtype)

    def adapt(self, data):
        """Compute the mean and variance of ``data`` and store them in the layer.

        Args:
            data: a NumPy array or tensor (one batch holding all the data), or
                an iterable of batches (a list of arrays, a generator, a data
                loader yielding ``x`` or ``(x, y)`` tuples).  Batches are
                combined exactly: the mean and the (biased) variance over all
                samples.
        """
        iterable = False
        if isinstance(data, np.ndarray) or backend.is_tensor(data):
            input_shape = tuple(data.shape)
        elif hasattr(data, "__iter__"):
            iterable = True
            data_iter = iter(data)
            first = next(data_iter, None)
            if first is None:
                raise ValueError(
                    f"Layer '{self.name}' (Normalization): adapt() received an empty iterable (no "
                    "batches). Pass a non-empty iterable of arrays, e.g. layer.adapt([x])."
                )
            first = _extract_batch(first)
            if not hasattr(first, "shape"):
                raise TypeError(
                    f"Layer '{self.name}' (Normalization): adapt() expects an iterable yielding arrays "
                    f"or tensors with a `.shape`; got an element of type {type(first).__name__}."
                )
            input_shape = tuple(first.shape)
            data = itertools.chain([first], data_iter)
        else:
            raise TypeError(
                f"Layer '{self.name}' (Normalization): unsupported data type {type(data).__name__} for "
                "adapt(); pass a NumPy array, a tensor or an iterable of batches."
            )
        if self.input_mean is not None:
            raise ValueError(
                f"Layer '{self.name}' (Normalization) was given `mean` and `variance`; it cannot adapt."
            )
        if not self.built:
            self.build(input_shape)
        self._check_adapt_shape(input_shape)
        if not iterable:
            if isinstance(data, np.ndarray):
                total_mean = np.mean(data, axis=self._reduce_axis)
                total_var = np.var(data, axis=self._reduce_axis)
            else:
                total_mean = ops.mean(data, axis=self._reduce_axis)
                total_var = ops.var(data, axis=self._reduce_axis)
        else:
            total_mean = ops.zeros(self._mean_and_var_shape, dtype=self.compute_dtype)
            total_var = ops.zeros(self._mean_and_var_shape, dtype=self.compute_dtype)
            total_count = 0
            for batch in data:
                batch = ops.convert_to_tensor(_extract_batch(batch), dtype=self.compute_dtype)
                self._check_adapt_shape(tuple(batch.shape))
                batch_mean = ops.mean(batch, axis=self._reduce_axis)
                batch_var = ops.var(batch, axis=self._reduce_axis)
                count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
                total_count += count
                batch_weight = float(count) / total_count
                existing_weight = 1.0 - batch_weight
                new_mean = total_mean * existing_weight + batch_mean * batch_weight
                # Combine variances around the new mean (lack-of-fit decomposition).
                total_var = (total_var + (total_mean - new_mean) ** 2) * existing_weight + \
                    (batch_var + (batch_mean - new_mean) ** 2) * batch_weight
                total_mean = new_mean
        self.adapt_mean.assign(ops.cast(total_mean, self.adapt_mean.dtype))
        self.adapt_variance.assign(ops.cast(total_var, self.adapt_variance.dtype))

    def _check_adapt_shape(self, shape):
        for d in self._keep_axis:
            if len(shape) != len(self._build_input_shape) or shape[d] != self._build_input_shape[d]:
                raise ValueError(
                    f"Layer '{self.name}' (Normalization) was built with input_shape="
                    f"{self._build_input_shape}, but adapt() received data of an incompatible shape "
                    f"{shape}."
                )

    def _statistics(self):
        if self._fixed is not None:
            return ops.convert_to_tensor(self._fixed[0]), ops.convert_to_tensor(self._fixed[1])
        mean = ops.reshape(ops.cast(self.adapt_mean.value, self.compute_dtype), self._broadcast_shape)
        variance = ops.reshape(ops.cast(self.adapt_variance.value, self.compute_dtype),
                               self._broadcast_shape)
        return mean, variance

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        denominator = ops.maximum(ops.sqrt(variance), backend.epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, denominator))
        return ops.divide(ops.subtract(inputs, mean), denominator)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config

    def get_build_config(self):
        if self._build_input_shape is not None:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        if config and config.get("input_shape") is not None and not self.built:
            self.build(tuple(config["input_shape"]))
