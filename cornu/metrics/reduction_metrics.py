"""Reduction metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper``."""
from cornu import ops
from cornu import serialization
from cornu.metrics.metric import Metric
from cornu.metrics.metrics_utils import (
    apply_mask,
    divide_no_nan,
    get_mask,
    reduce_to_samplewise_values,
)


class Sum(Metric):
    """The (weighted) sum of the given values.

    ``update_state([1, 3, 5, 7])`` gives 16; with ``sample_weight=[1, 1, 0, 0]``
    it gives 4.  One variable, ``total``.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        """Add ``sum(values * sample_weight)`` to the total."""
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign(self.total.value + ops.sum(values))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the given values.

    ``update_state([1, 3, 5, 7])`` gives 4; with ``sample_weight=[1, 1, 0, 0]``
    it gives 2.  Two variables, ``total`` and ``count``; the result is
    ``total / count`` (0 while ``count`` is 0).

    Values of rank > 1 are averaged per sample first (over all axes after the
    first, or after the rank of ``sample_weight``), so each sample counts once
    with its weight.

    Args:
        name: name of the metric instance.
        dtype: dtype of the result.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        """Accumulate the weighted per-sample values and their weights."""
        if isinstance(sample_weight, (int, float)) and not isinstance(sample_weight, bool) \
                and len(ops.shape(values)) == 0:
            # One scalar with one number as its weight (the loss tracker's case, once per step).
            values = ops.cast(values, self.dtype)
            self.total.assign(self.total.value + values * sample_weight)
            self.count.assign(self.count.value + sample_weight)
            return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype
        )
        self.total.assign(self.total.value + ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.cast(ops.sum(sample_weight), self.dtype)
        else:
            num_samples = values.shape[0] if len(values.shape) >= 1 else 1  # a Python int
        self.count.assign(self.count.value + num_samples)

    def result(self):
        return divide_no_nan(self.total.value, ops.cast(self.count.value, self.dtype))


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    ``fn`` returns one value per sample (or per element); ``result()`` is the
    (weighted) mean over everything seen since the last reset.  A Keras mask
    attached to ``y_pred`` is folded into the sample weights.

    Args:
        fn: the function to wrap, ``fn(y_true, y_pred, **kwargs)``.
        name: name of the metric instance.
        dtype: dtype of the result.
        **kwargs: keyword arguments passed on to ``fn``.

    Example::

        def squared_error(y_true, y_pred):
            return (y_true - y_pred) ** 2

        m = MeanMetricWrapper(fn=squared_error)
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Evaluate ``fn`` on the batch and accumulate its weighted mean."""
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, self.dtype)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        config["fn"] = serialization.serialize_keras_object(self._fn)
        config.update(serialization.serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = _deserialize_fn(config["fn"])
        return cls(**config)


def _deserialize_fn(fn):
    if callable(fn):
        return fn
    module_objects = {}
    module_objects.update(serialization.builtin_objects("keras.losses"))
    module_objects.update(serialization.builtin_objects("keras.metrics"))
    return serialization.deserialize_keras_object(
        fn, module_objects=module_objects, printable_module_name="metric function"
    )
