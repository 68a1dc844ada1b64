"""Probabilistic losses: binary, categorical and sparse crossentropies (plain
and focal), Kullback-Leibler divergence, Poisson, generalized crossentropy.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` before logarithms;
``from_logits=True`` uses the engines' stable log-sigmoid / log-softmax paths.
"""
import warnings

from cornu import backend
from cornu import ops
from cornu.losses._common import as_float_pred, check_axis, pred_and_true, smooth_labels
from cornu.losses.loss import Loss, LossFunctionWrapper, squeeze_or_expand_to_same_rank


def _warn_single_class(fn_name, y_pred):
    shape = ops.shape(y_pred)
    if shape and shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={tuple(shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy per sample: the mean over ``axis`` of
    ``-(y * log(p) + (1 - y) * log(1 - p))``.

    Args:
        y_true: 0/1 targets, same shape as ``y_pred``.
        y_pred: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / 2``.
        axis: the axis averaged over (``-1``).
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary focal crossentropy per sample (Lin et al., 2017).

    ``focal = (1 - p_t) ** gamma * bce`` with ``p_t = y * p + (1 - y) * (1 - p)``;
    with ``apply_class_balancing`` it is further weighted by
    ``alpha`` for positives and ``1 - alpha`` for negatives. Averaged over ``axis``.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy per sample: ``-sum(y * log(p), axis)``.

    Probabilities are first rescaled to sum to one along ``axis``.

    Args:
        y_true: one-hot (or soft) targets, same shape as ``y_pred``.
        y_pred: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; targets become ``y * (1 - s) + s / num_classes``.
        axis: the class axis (``-1``).
    """
    check_axis(axis, "categorical_crossentropy")
    y_true, y_pred = pred_and_true(y_true, y_pred)
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, num_classes=ops.shape(y_true)[-1])
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal crossentropy per sample:
    ``sum(-alpha * (1 - p) ** gamma * y * log(p), axis)``.
    """
    check_axis(axis, "categorical_focal_crossentropy")
    y_true, y_pred = pred_and_true(y_true, y_pred)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, num_classes=ops.shape(y_true)[-1])
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    eps = backend.epsilon()
    probs = ops.clip(y_pred / ops.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)
    cross = -y_true * ops.log(probs)
    weight = alpha * ops.power(1.0 - probs, gamma)
    return ops.sum(weight * cross, axis=axis)


def _squeeze_class_axis(y_true, y_pred, axis):
    """Drop a size-1 class axis from integer labels given as ``(..., 1)``."""
    if len(ops.shape(y_true)) == len(ops.shape(y_pred)) and ops.shape(y_true)[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    return y_true


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy per sample between integer labels and class probabilities.

    Args:
        y_true: integer class indices, shape ``y_pred.shape`` without the class
            axis (a trailing axis of size 1 is accepted).
        y_pred: probabilities, or logits when ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value whose entries get loss ``0`` (e.g. a
            padding or "void" class in segmentation). The ``Loss`` class
            also leaves them out of the averaging.
        axis: the class axis of ``y_pred`` (``-1``).
    """
    y_pred = as_float_pred(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true = _squeeze_class_axis(y_true, y_pred, axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    valid = ops.not_equal(y_true, ignore_class)
    y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    # Ignored rows get a harmless uniform distribution so no NaN reaches the gradient.
    y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.ones_like(y_pred))
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    return ops.where(valid, losses, ops.zeros_like(losses))


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence per sample: ``sum(y * log(y / p), axis=-1)``.

    Both inputs are clipped to ``[epsilon, 1]`` first.
    """
    y_true, y_pred = pred_and_true(y_true, y_pred)
    eps = backend.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Poisson loss per sample: ``mean(p - y * log(p + epsilon), axis=-1)``."""
    y_true, y_pred = pred_and_true(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized crossentropy (Zhang & Sabuncu, 2018), robust to noisy labels.

    ``(1 - p_y ** q) / q`` where ``p_y`` is the probability ``y_pred`` gives
    the true class (``y_true`` holds integer labels). ``q -> 0`` approaches
    crossentropy, ``q = 1`` is mean absolute error.
    """
    y_pred = as_float_pred(y_pred)
    labels = ops.cast(ops.convert_to_tensor(y_true), "int32")
    one_hot = ops.one_hot(labels, ops.shape(y_pred)[-1], dtype=ops.dtype(y_pred))
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1.0 - ops.power(p, q)) / q


class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy between binary (0/1) labels and predicted probabilities or logits.

    Args:
        from_logits: whether ``y_pred`` holds logits (recommended) rather
            than probabilities.
        label_smoothing: in ``[0, 1]``; squeezes the labels towards ``0.5``.
        axis: the axis averaged over (``-1``).
        reduction: see ``Loss``.
        name: name of the loss (``"binary_crossentropy"``).
        dtype: compute dtype (``floatx()`` by default).

    Example::

        >>> loss = BinaryCrossentropy(from_logits=True)
        >>> loss([0., 1., 0., 0.], [-18.6, 0.51, 2.94, -12.8])   # about 0.865
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis)
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal crossentropy for binary labels: down-weights easy examples by ``(1 - p_t) ** gamma``.

    Args:
        apply_class_balancing: weight positives by ``alpha`` and negatives by
            ``1 - alpha``.
        alpha: the class-balancing weight (``0.25``).
        gamma: the focusing exponent (``2.0``); ``0`` gives plain crossentropy.
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; squeezes the labels towards ``0.5``.
        axis: the axis averaged over (``-1``).
        reduction: see ``Loss``.
        name: name of the loss (``"binary_focal_crossentropy"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis, apply_class_balancing=self.apply_class_balancing,
                      alpha=self.alpha, gamma=self.gamma)
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between one-hot labels and predicted class probabilities or logits.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``; labels become ``y * (1 - s) + s / num_classes``.
        axis: the class axis (``-1``).
        reduction: see ``Loss``.
        name: name of the loss (``"categorical_crossentropy"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis)
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal crossentropy for one-hot labels: ``-alpha * (1 - p) ** gamma * y * log(p)``.

    Args:
        alpha: weighting factor (``0.25``).
        gamma: focusing exponent (``2.0``).
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in ``[0, 1]``.
        axis: the class axis (``-1``).
        reduction: see ``Loss``.
        name: name of the loss (``"categorical_focal_crossentropy"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                      axis=self.axis, alpha=self.alpha, gamma=self.gamma)
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy between integer labels and predicted class probabilities or logits.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value to leave out: its entries get loss ``0``
            and are not counted by the averaging reductions.
        reduction: see ``Loss``.
        axis: the class axis of ``y_pred`` (``-1``).
        name: name of the loss (``"sparse_categorical_crossentropy"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def compute_loss_mask(self, y_true, y_pred, losses):
        if self.ignore_class is None:
            return None
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        y_true = _squeeze_class_axis(y_true, y_pred, self.axis)
        return ops.not_equal(y_true, self.ignore_class)

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        if self.axis != -1:  # Keras omits `axis`; kept here so a round trip is lossless
            config["axis"] = self.axis
        return config


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``y_true * log(y_true / y_pred)`` (inputs clipped to ``[eps, 1]``).

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"kl_divergence"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """Poisson loss ``y_pred - y_true * log(y_pred)``.

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"poisson"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized crossentropy ``(1 - p_y ** q) / q`` for integer labels (noise-robust).

    Args:
        q: in ``(0, 1)`` (``0.5``); small ``q`` behaves like crossentropy,
            ``q`` near 1 like mean absolute error.
        reduction: see ``Loss``.
        name: name of the loss (``"categorical_generalized_cross_entropy"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(
                "CategoricalGeneralizedCrossEntropy: `q` must be in the open interval (0, 1). "
                f"Received: q={q!r}"
            )
        super().__init__(categorical_generalized_cross_entropy, name=name, reduction=reduction,
                         dtype=dtype, q=q)
        self.q = q

    def get_config(self):
        config = Loss.get_config(self)
        config["q"] = self.q
        return config
