"""The ``Loss`` base class, its reductions, and ``LossFunctionWrapper``.

A loss object turns ``(y_true, y_pred[, sample_weight])`` into one number (or
a tensor of per-sample values when ``reduction`` is ``"none"``):

1. both inputs are converted to the loss's compute dtype (``floatx`` unless a
   ``dtype`` is given);
2. ``call(y_true, y_pred)`` gives the unreduced losses (usually one value
   per sample);
3. a mask, if any, is folded into the sample weights (``apply_mask``);
4. the weights are brought to the rank of the losses and multiplied in;
5. the weighted losses are reduced.

Reductions (Keras 3's set and arithmetic):

* ``"sum_over_batch_size"`` (default) and ``"mean"``: ``sum(w * loss) / n``,
  ``n`` being the number of loss *elements* -- not the sum of the weights.
* ``"mean_with_sample_weight"``: ``sum(w * loss) / sum(w)`` when weights are
  given, otherwise like ``"mean"``.
* ``"sum"``: ``sum(w * loss)``.
* ``"none"`` or ``None``: ``w * loss``, unreduced.

A division by zero in these gives ``0`` instead of NaN. A loss that is
already a scalar (or empty) is returned as it is, whatever the reduction.
"""
import math
import numbers

from cornu import backend
from cornu import ops
from cornu.serialization import registry as _registry
from cornu.serialization import serialize as _serialize
from cornu.utils import naming
from cornu.utils import tree

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)

_MEAN_LIKE = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction):
    """Return ``reduction`` if it is one of ``REDUCTIONS``, else raise ``ValueError``.

    Keras 2's ``"auto"`` (found in old configs) is read as ``"sum_over_batch_size"``.
    """
    if reduction == "auto":
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{list(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def _resolve_dtype(dtype):
    """The compute dtype for a ``dtype`` argument: a name, a policy, a policy config, or ``None``."""
    if dtype is None:
        return backend.floatx()
    compute = getattr(dtype, "compute_dtype", None)
    if compute is not None:
        return backend.standardize_dtype(compute)
    if isinstance(dtype, dict):
        dtype = dtype.get("config", dtype).get("name")
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return backend.standardize_dtype(dtype[len("mixed_"):])
    return backend.standardize_dtype(dtype)


def _dtype_config(dtype):
    """A JSON-able form of a user-given ``dtype`` argument."""
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and hasattr(dtype, "compute_dtype"):
        return name
    if isinstance(dtype, (str, dict)):
        return dtype
    return backend.standardize_dtype(dtype)


def _rank(x):
    return len(ops.shape(x))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ``x1`` and ``x2`` the same rank when they differ by a trailing axis of size 1.

    When one tensor has one more axis than the other and that last axis has
    size 1, it is squeezed away -- except when the other tensor is rank 1 and
    ``expand_rank_1`` is true, in which case the rank-1 tensor gets a trailing
    axis instead. Any other rank difference is left alone.
    """
    r1, r2 = _rank(x1), _rank(x2)
    if r1 == r2 + 1 and ops.shape(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    elif r2 == r1 + 1 and ops.shape(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def _align_weights(values, weights):
    """Bring ``weights`` to the rank of ``values`` for an elementwise product.

    First Keras's trailing-axis squeeze/expand; then, where ``weights`` still
    has fewer axes and matches the leading axes of ``values`` (per-sample
    weights on a per-timestep loss, say), it is broadcast along the others.
    """
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    rv, rw = _rank(values), _rank(weights)
    if 0 < rw < rv and tuple(ops.shape(weights)) == tuple(ops.shape(values))[:rw]:
        # Keras 3 would broadcast these against the *trailing* axes (and fail);
        # spread them over the remaining axes instead, so that
        # "mean_with_sample_weight" divides by the weight of every element.
        weights = ops.reshape(weights, tuple(ops.shape(weights)) + (1,) * (rv - rw))
        weights = ops.broadcast_to(weights, ops.shape(values))
    return values, weights


def _num_elements(x):
    """The number of elements of ``x``: a Python int when the shape is static, else a tensor."""
    shape = ops.shape(x)
    if all(d is not None for d in shape):
        return math.prod(shape)
    return ops.size(x)


def _divide_no_nan(numerator, denominator):
    """``numerator / denominator``, and ``0`` where the denominator is ``0``."""
    if isinstance(denominator, numbers.Number):
        return numerator / denominator if denominator else numerator * 0.0
    return ops.divide_no_nan(numerator, denominator)


def apply_mask(sample_weight, mask, dtype=None, reduction="sum_over_batch_size"):
    """Fold a 0/1 ``mask`` into ``sample_weight`` (either may be ``None``).

    For the ``"sum_over_batch_size"`` and ``"mean"`` reductions, unmasked
    entries get the weight ``total / valid`` (``total`` the number of mask
    entries, ``valid`` the sum of the mask; ``0`` when none are valid), so
    the later division by the element count averages over the *valid*
    entries only. For the other reductions the mask itself is the weight.

    Args:
        sample_weight: per-sample or per-element weights, or ``None``.
        mask: a tensor of booleans or 0/1 values, or ``None``.
        dtype: dtype of the result (``floatx`` by default).
        reduction: the reduction the weights will be used with.

    Returns:
        The combined weights (``sample_weight`` unchanged when ``mask`` is None).
    """
    if mask is None:
        return sample_weight
    dtype = backend.standardize_dtype(dtype) if dtype is not None else backend.floatx()
    mask = ops.convert_to_tensor(mask)
    bool_mask = mask if ops.dtype(mask) == "bool" else ops.not_equal(mask, 0)
    if reduction in ("sum_over_batch_size", "mean"):
        total = _num_elements(bool_mask)
        if not isinstance(total, numbers.Number):
            total = ops.cast(total, dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        scale = _divide_no_nan(total, valid)
        weights = ops.where(bool_mask, scale, 0.0)
    else:
        weights = ops.cast(mask, dtype)
    if sample_weight is None:
        return weights
    sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    weights, sample_weight = _align_weights(weights, sample_weight)
    return ops.multiply(sample_weight, weights)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted ``values`` (see the module docstring)."""
    shape = tuple(ops.shape(values))
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.cast(ops.sum(sample_weight), ops.dtype(total))
    else:
        divisor = _num_elements(values)
        if not isinstance(divisor, numbers.Number):
            divisor = ops.cast(divisor, ops.dtype(total))
    return _divide_no_nan(total, divisor)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Apply ``mask`` and ``sample_weight`` to per-sample ``values``, then reduce them.

    Args:
        values: the unreduced losses.
        sample_weight: weights broadcastable to ``values`` after rank alignment
            (per-sample ``(batch,)`` or per-element), or ``None``.
        mask: an optional 0/1 (or boolean) tensor marking the valid entries.
        reduction: one of ``REDUCTIONS``.
        dtype: compute dtype (``floatx`` by default).

    Returns:
        The reduced loss.
    """
    reduction = standardize_reduction(reduction)
    dtype = backend.standardize_dtype(dtype) if dtype is not None else backend.floatx()
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction=reduction)
    if sample_weight is not None:
        values, sample_weight = _align_weights(values, sample_weight)
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def _is_plain_number_list(x):
    """True for (nested) lists/tuples holding only Python numbers: one array, not a structure."""
    if isinstance(x, (list, tuple)):
        return all(_is_plain_number_list(v) for v in x)
    return isinstance(x, (numbers.Number, bool))


def _convert_structure(x, dtype):
    """Convert every leaf of ``x`` to a tensor of ``dtype``; lists of numbers count as one leaf."""
    if isinstance(x, dict):
        return {k: _convert_structure(v, dtype) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and not _is_plain_number_list(x):
        return type(x)(_convert_structure(v, dtype) for v in x)
    return ops.convert_to_tensor(x, dtype=dtype)


def _combine_masks(a, b):
    if a is None:
        return b
    if b is None:
        return a
    a = a if ops.dtype(a) == "bool" else ops.not_equal(a, 0)
    b = b if ops.dtype(b) == "bool" else ops.not_equal(b, 0)
    a, b = squeeze_or_expand_to_same_rank(a, b)
    return ops.logical_and(a, b)


class Loss:
    """Base class of losses: subclass it and implement ``call(y_true, y_pred)``.

    ``call`` returns unreduced losses (typically one value per sample);
    ``__call__`` applies sample weights, an optional mask and the reduction.

    Args:
        name: name of the loss (a unique snake_case form of the class name
            by default).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: compute dtype: a name such as ``"float64"``, a
            ``DTypePolicy`` (its compute dtype is used), or ``None`` for
            ``floatx()``.

    Example::

        class MyMSE(cornu.losses.Loss):
            def call(self, y_true, y_pred):
                return ops.mean(ops.square(y_pred - y_true), axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(
                f"{type(self).__name__}: `name` must be a string or None. "
                f"Received: name={name!r} of type {type(name).__name__}"
            )
        self.name = name or naming.auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_arg = dtype
        self._dtype = _resolve_dtype(dtype)

    @property
    def dtype(self):
        """The compute dtype of the loss (a string)."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """The reduced loss of ``y_pred`` against ``y_true``.

        Args:
            y_true: targets (any array-like; nested structures are allowed
                when ``call`` handles them).
            y_pred: predictions.
            sample_weight: optional weights, per sample ``(batch,)`` or per
                element (e.g. ``(batch, timesteps)``).
            mask: optional 0/1 tensor of valid entries (e.g. the padding mask
                of a sequence model); it is folded into the weights as
                ``apply_mask`` describes.
        """
        dtype = self.dtype
        y_pred = _convert_structure(y_pred, dtype)
        y_true = _convert_structure(y_true, dtype)
        losses = self.call(y_true, y_pred)
        mask = _combine_masks(mask, self.compute_loss_mask(y_true, y_pred, losses))
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=dtype
        )

    def call(self, y_true, y_pred):
        """The unreduced losses; subclasses implement this."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(y_true, y_pred)` returning the "
            "unreduced losses."
        )

    def compute_loss_mask(self, y_true, y_pred, losses):
        """A mask of the loss entries that count, or ``None`` (all count).

        Losses that ignore some entries (``SparseCategoricalCrossentropy`` with
        ``ignore_class``) override this so that averaging reductions divide by
        the number of valid entries only.
        """
        return None

    def get_config(self):
        """``name`` and ``reduction`` (and ``dtype`` when one was given)."""
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype_arg is not None:
            config["dtype"] = _dtype_config(self._dtype_arg)
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuild the loss from ``get_config()`` output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def _builtin_losses():
    return _registry.builtin_objects("keras.losses")


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a plain function ``fn(y_true, y_pred, **fn_kwargs)``.

    Before calling ``fn``, ``y_true`` and ``y_pred`` are brought to the same
    rank when they differ by a trailing axis of size 1.

    Args:
        fn: the loss function, returning unreduced (per-sample) losses.
        reduction: see ``Loss``.
        name: name of the loss.
        dtype: see ``Loss``.
        **fn_kwargs: keyword arguments passed to ``fn`` on every call.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **fn_kwargs):
        if not callable(fn):
            raise TypeError(
                f"LossFunctionWrapper: `fn` must be callable. Received: fn={fn!r}"
            )
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = fn_kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = _align_structures(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = _serialize.serialize_keras_object(self.fn)
        config.update(_serialize.serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = _serialize.deserialize_keras_object(
                config["fn"], module_objects=_builtin_losses(), printable_module_name="loss function"
            )
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


def _align_structures(y_true, y_pred):
    """``squeeze_or_expand_to_same_rank`` on every matching pair of two structures."""
    if isinstance(y_true, dict) and isinstance(y_pred, dict) and set(y_true) == set(y_pred):
        pairs = {k: _align_structures(y_true[k], y_pred[k]) for k in y_true}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if isinstance(y_true, (list, tuple)) and isinstance(y_pred, (list, tuple)) \
            and len(y_true) == len(y_pred):
        pairs = [_align_structures(a, b) for a, b in zip(y_true, y_pred)]
        return type(y_true)(p[0] for p in pairs), type(y_pred)(p[1] for p in pairs)
    if tree.is_nested(y_true) or tree.is_nested(y_pred):
        return y_true, y_pred
    return squeeze_or_expand_to_same_rank(y_true, y_pred)
