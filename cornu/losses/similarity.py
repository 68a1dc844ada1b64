"""Metric-learning losses: Circle loss."""
from cornu import ops
from cornu.losses._common import as_float_pred
from cornu.losses.loss import Loss, LossFunctionWrapper

# A finite stand-in for -inf inside log-sum-exp: same values, no NaN gradients.
_VERY_NEGATIVE = {"float16": -3.0e4, "bfloat16": -1.0e30, "float32": -1.0e30, "float64": -1.0e300}


def very_negative(dtype):
    """A large finite negative number representable in ``dtype``."""
    return _VERY_NEGATIVE.get(dtype, -1.0e30)


def _pair_masks(query_labels, key_labels, remove_diagonal):
    """Boolean ``(n, m)`` masks of same-label (positive) and other-label (negative) pairs."""
    q = ops.reshape(query_labels, (-1, 1))
    k = ops.reshape(key_labels, (1, -1))
    positive = ops.equal(q, k)
    negative = ops.logical_not(positive)
    if remove_diagonal:
        n, m = ops.shape(q)[0], ops.shape(k)[1]
        positive = ops.logical_and(positive, ops.logical_not(ops.eye(n, m, dtype="bool")))
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Circle loss (Sun et al., 2020) per query embedding.

    Distances are cosine distances ``d = max(1 - y_pred @ ref_embeddings.T, 0)``
    (embeddings are expected to be L2-normalised). For each query,

    ``loss = softplus(logsumexp_pos(-gamma * a_p * (m - d)) + logsumexp_neg(gamma * a_n * (1 - m - d)))``

    with ``a_p = max(m + d, 0)`` on positive pairs and ``a_n = max(1 + m - d, 0)``
    on negative ones (``m`` the margin).

    Args:
        y_true: integer labels of the queries, shape ``(batch,)``.
        y_pred: query embeddings, shape ``(batch, dim)``.
        ref_labels: labels of the reference embeddings (``y_true`` by default).
        ref_embeddings: reference embeddings (``y_pred`` by default).
        remove_diagonal: do not pair a query with itself.
        gamma: scale factor (``80``).
        margin: relaxation margin (``0.4``).
    """
    y_pred = as_float_pred(y_pred)
    labels = ops.cast(ops.convert_to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else \
        ops.cast(ops.convert_to_tensor(ref_embeddings), ops.dtype(y_pred))
    ref_labels = labels if ref_labels is None else ops.cast(ops.convert_to_tensor(ref_labels), "int32")

    dist = ops.maximum(1.0 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive, negative = _pair_masks(labels, ref_labels, remove_diagonal)
    pos_f = ops.cast(positive, ops.dtype(dist))
    neg_f = ops.cast(negative, ops.dtype(dist))

    pos_weight = ops.maximum((margin + dist) * pos_f, 0.0)
    neg_weight = ops.maximum((1.0 + margin - dist) * neg_f, 0.0)
    pos_logits = -gamma * pos_weight * (margin - dist)
    neg_logits = gamma * neg_weight * ((1.0 - margin) - dist)

    low = very_negative(ops.dtype(dist))
    pos_term = ops.logsumexp(ops.where(positive, pos_logits, low), axis=1)
    neg_term = ops.logsumexp(ops.where(negative, neg_logits, low), axis=1)
    return ops.softplus(pos_term + neg_term)


class Circle(LossFunctionWrapper):
    """Circle loss for metric learning over a batch of labelled embeddings.

    Only queries with a positive loss count in the averaging reductions.

    Args:
        gamma: scale factor (``80.0``).
        margin: relaxation margin (``0.4``).
        remove_diagonal: do not pair an embedding with itself (``True``).
        reduction: see ``Loss``.
        name: name of the loss (``"circle"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, name=name, reduction=reduction, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def compute_loss_mask(self, y_true, y_pred, losses):
        return ops.greater(losses, 0.0)

    def get_config(self):
        config = Loss.get_config(self)
        config.update(gamma=self.gamma, margin=self.margin, remove_diagonal=self.remove_diagonal)
        return config
