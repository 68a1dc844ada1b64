"""NumPy references for the losses, written from the published formulas (float64).

Each ``ref_*`` takes NumPy arrays and returns the per-sample losses; ``reduce``
applies sample weights, a mask and a reduction as the ``Loss`` base documents.
"""
import itertools

import numpy as np

EPS = 1e-7


def _smooth(y, s, k):
    return y * (1.0 - s) + s / k


def ref_mse(t, p):
    return np.mean((t - p) ** 2, axis=-1)


def ref_mae(t, p):
    return np.mean(np.abs(t - p), axis=-1)


def ref_mape(t, p):
    return 100.0 * np.mean(np.abs(t - p) / np.maximum(np.abs(t), EPS), axis=-1)


def ref_msle(t, p):
    return np.mean((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2, axis=-1)


def ref_cosine(t, p, axis=-1):
    def unit(x):
        return x / np.maximum(np.linalg.norm(x, axis=axis, keepdims=True), EPS)
    return -np.sum(unit(t) * unit(p), axis=axis)


def ref_huber(t, p, delta=1.0):
    e = p - t
    a = np.abs(e)
    return np.mean(np.where(a <= delta, 0.5 * e ** 2, delta * a - 0.5 * delta ** 2), axis=-1)


def ref_log_cosh(t, p):
    return np.mean(np.log(np.cosh(p - t)), axis=-1)


def _signed(t):
    return 2.0 * t - 1.0 if np.all((t == 0) | (t == 1)) else t


def ref_hinge(t, p):
    return np.mean(np.maximum(1.0 - _signed(t) * p, 0.0), axis=-1)


def ref_squared_hinge(t, p):
    return np.mean(np.maximum(1.0 - _signed(t) * p, 0.0) ** 2, axis=-1)


def ref_categorical_hinge(t, p):
    pos = np.sum(t * p, axis=-1)
    neg = np.max((1.0 - t) * p, axis=-1)
    return np.maximum(neg - pos + 1.0, 0.0)


def ref_kld(t, p):
    t = np.clip(t, EPS, 1.0)
    p = np.clip(p, EPS, 1.0)
    return np.sum(t * np.log(t / p), axis=-1)


def ref_poisson(t, p):
    return np.mean(p - t * np.log(p + EPS), axis=-1)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _log_softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _elementwise_bce(t, p, from_logits):
    if from_logits:
        # Stable form of -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))).
        return np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def ref_bce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = _smooth(t, label_smoothing, 2.0)
    return np.mean(_elementwise_bce(t, p, from_logits), axis=axis)


def ref_binary_focal(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                     label_smoothing=0.0, axis=-1):
    t = _smooth(t, label_smoothing, 2.0)
    if from_logits:
        p = _sigmoid(p)
    bce = _elementwise_bce(t, p, False)
    p_t = t * p + (1 - t) * (1 - p)
    out = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        out = (t * alpha + (1 - t) * (1 - alpha)) * out
    return np.mean(out, axis=axis)


def _log_probs(p, from_logits, axis=-1):
    if from_logits:
        return _log_softmax(p, axis)
    p = p / np.sum(p, axis=axis, keepdims=True)
    return np.log(np.clip(p, EPS, 1 - EPS))


def ref_cce(t, p, from_logits=False, label_smoothing=0.0, axis=-1):
    t = _smooth(t, label_smoothing, t.shape[-1])
    return -np.sum(t * _log_probs(p, from_logits, axis), axis=axis)


def ref_categorical_focal(t, p, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                          axis=-1):
    t = _smooth(t, label_smoothing, t.shape[-1])
    if from_logits:
        p = np.exp(_log_softmax(p, axis))
    q = np.clip(p / np.sum(p, axis=axis, keepdims=True), EPS, 1 - EPS)
    return np.sum(alpha * (1 - q) ** gamma * -t * np.log(q), axis=axis)


def ref_scce(t, p, from_logits=False, ignore_class=None):
    t = np.asarray(t)
    if t.ndim == p.ndim and t.shape[-1] == 1:
        t = t[..., 0]
    labels = t.astype(int)
    valid = np.ones(labels.shape, bool) if ignore_class is None else labels != ignore_class
    safe = np.where(valid, labels, 0)
    lp = _log_probs(p, from_logits)
    out = -np.take_along_axis(lp, safe[..., None], axis=-1)[..., 0]
    return np.where(valid, out, 0.0)


def ref_dice(t, p, axis=None):
    inter = np.sum(t * p, axis=axis)
    return 1 - 2 * inter / (np.sum(t, axis=axis) + np.sum(p, axis=axis) + EPS)


def ref_tversky(t, p, alpha=0.5, beta=0.5, axis=None):
    tp = np.sum(t * p, axis=axis)
    a = np.sum(t * (1 - p), axis=axis)
    b = np.sum((1 - t) * p, axis=axis)
    return 1 - tp / (tp + alpha * a + beta * b + EPS)


def ref_generalized_ce(t, p, q=0.5):
    py = np.take_along_axis(p, np.asarray(t).astype(int)[..., None], axis=-1)[..., 0]
    return (1 - py ** q) / q


def ref_circle(labels, emb, gamma=80.0, margin=0.4, remove_diagonal=True):
    labels = np.asarray(labels).reshape(-1)
    n = len(labels)
    d = np.maximum(1 - emb @ emb.T, 0)
    out = np.zeros(n)
    for i in range(n):
        pos_terms, neg_terms = [], []
        for j in range(n):
            if labels[i] == labels[j]:
                if remove_diagonal and i == j:
                    continue
                a_p = max(margin + d[i, j], 0.0)
                pos_terms.append(-gamma * a_p * (margin - d[i, j]))
            else:
                a_n = max(1 + margin - d[i, j], 0.0)
                neg_terms.append(gamma * a_n * (1 - margin - d[i, j]))
        lse = lambda v: -np.inf if not v else np.max(v) + np.log(np.sum(np.exp(np.array(v) - np.max(v))))  # noqa: E731
        z = lse(pos_terms) + lse(neg_terms)
        out[i] = 0.0 if z == -np.inf else np.logaddexp(0.0, z)
    return out


def align_weights(losses, sw):
    """Weights and losses brought together as the ``Loss`` base documents.

    A trailing axis of 1 on the weights is matched by giving rank-1 losses
    the same trailing axis (otherwise it is dropped); weights matching the
    leading axes of the losses are spread over the remaining axes.
    """
    sw = np.asarray(sw, np.float64)
    if sw.ndim == losses.ndim + 1 and sw.shape[-1] == 1:
        if losses.ndim == 1:
            losses = losses[:, None]
        else:
            sw = sw[..., 0]
    if 0 < sw.ndim < losses.ndim:
        sw = sw.reshape(sw.shape + (1,) * (losses.ndim - sw.ndim))
        sw = np.broadcast_to(sw, losses.shape)
    return losses, sw


def reduce(losses, reduction, sample_weight=None, mask=None):
    """The reduction arithmetic the ``Loss`` base documents."""
    losses = np.asarray(losses, np.float64)
    w = None
    if sample_weight is not None:
        losses, w = align_weights(losses, sample_weight)
    if mask is not None:
        mask = np.asarray(mask, bool)
        if reduction in ("sum_over_batch_size", "mean"):
            m = np.where(mask, mask.size / max(mask.sum(), 1), 0.0) if mask.sum() else np.zeros(mask.shape)
        else:
            m = mask.astype(np.float64)
        w = m if w is None else w * m
    values = losses if w is None else losses * w
    if reduction in (None, "none") or values.ndim == 0:
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and w is not None:
        denom = np.sum(w)
    else:
        denom = values.size
    return 0.0 if denom == 0 else total / denom


# CTC inputs shared by the CTC and jit tests: repeated labels, an empty label
# sequence and a full-length one; classes 1..3, blank 0.
CTC_LABELS = np.array([[1, 2, 0], [2, 2, 0], [3, 1, 2], [0, 0, 0]])
CTC_LOGITS = np.random.RandomState(0).randn(4, 6, 4).astype("float32")


def _collapse(path):
    out, prev = [], None
    for s in path:
        if s != prev and s != 0:
            out.append(s)
        prev = s
    return out


def brute_force_ctc(labels, logits):
    """-log of the summed probability of every alignment collapsing to the labels (tiny inputs)."""
    labels = [int(v) for v in labels if v != 0]
    lp = _log_softmax(np.asarray(logits, np.float64), -1)
    steps, classes = lp.shape
    total = -np.inf
    for path in itertools.product(range(classes), repeat=steps):
        if _collapse(path) == labels:
            total = np.logaddexp(total, sum(lp[t, s] for t, s in enumerate(path)))
    return -total
