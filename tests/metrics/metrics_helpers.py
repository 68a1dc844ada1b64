"""NumPy references and small utilities for the metrics tests."""
import numpy as np

from cornu import backend
from cornu import ops

EPS = 1e-7


def to_np(x):
    """A metric result (tensor, variable or number) as a float64 NumPy array."""
    return np.asarray(ops.convert_to_numpy(ops.convert_to_tensor(x)), dtype=np.float64)


def assert_close(actual, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(to_np(actual), np.asarray(expected, dtype=np.float64),
                               rtol=rtol, atol=atol)


def rng(seed=0):
    return np.random.default_rng(seed)


def weighted_mean(per_sample, weights=None):
    """Weighted mean of per-sample values; ``per_sample`` rows are first averaged."""
    per_sample = np.asarray(per_sample, dtype=np.float64)
    if per_sample.ndim > 1:
        per_sample = per_sample.reshape(per_sample.shape[0], -1).mean(axis=1)
    if weights is None:
        return per_sample.mean()
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    return (per_sample * weights).sum() / weights.sum()


def confusion_counts(y_true, y_pred, thresholds, weights=None):
    """Brute-force weighted TP, FP, TN, FN at each threshold (``pred > t``)."""
    y_pred = np.asarray(y_pred, dtype=np.float64)
    w = np.ones_like(y_pred) if weights is None else np.broadcast_to(
        np.asarray(weights, dtype=np.float64), y_pred.shape)
    y_true = np.asarray(y_true, dtype=np.float64).reshape(-1) != 0
    y_pred, w = y_pred.reshape(-1), w.reshape(-1)
    out = {k: [] for k in ("tp", "fp", "tn", "fn")}
    for t in thresholds:
        pos = y_pred > t
        out["tp"].append(np.sum(w * (y_true & pos)))
        out["fp"].append(np.sum(w * (~y_true & pos)))
        out["tn"].append(np.sum(w * (~y_true & ~pos)))
        out["fn"].append(np.sum(w * (y_true & ~pos)))
    return {k: np.asarray(v) for k, v in out.items()}


def safe_div(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def auc_thresholds(num_thresholds):
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [-EPS] + inner + [1.0 + EPS]


def auc_from_counts(c, curve="ROC", summation="interpolation"):
    """Riemann-sum AUC from per-threshold counts (thresholds increasing)."""
    tp, fp, tn, fn = c["tp"], c["fp"], c["tn"], c["fn"]
    if curve == "PR" and summation == "interpolation":
        # Davis & Goadrich: TP and P = TP + FP linear between thresholds A < B
        total = 0.0
        for i in range(len(tp) - 1):
            pa, pb = tp[i] + fp[i], tp[i + 1] + fp[i + 1]
            dtp, dp = tp[i] - tp[i + 1], pa - pb
            if dp <= 0:
                continue
            slope = dtp / dp
            intercept = tp[i + 1] - slope * pb
            ratio = pa / pb if (pa > 0 and pb > 0) else 1.0
            denom = tp[i + 1] + fn[i + 1]
            if denom > 0:
                total += slope * (dtp + intercept * np.log(ratio)) / denom
        return total
    recall = safe_div(tp, tp + fn)
    if curve == "ROC":
        x, y = safe_div(fp, fp + tn), recall
    else:
        x, y = recall, safe_div(tp, tp + fp)
    if summation == "interpolation":
        h = (y[:-1] + y[1:]) / 2
    elif summation == "minoring":
        h = np.minimum(y[:-1], y[1:])
    else:
        h = np.maximum(y[:-1], y[1:])
    return float(np.sum((x[:-1] - x[1:]) * h))


def exact_roc_auc(y_true, y_score):
    """Probability that a random positive outscores a random negative (ties 1/2)."""
    y_true = np.asarray(y_true).reshape(-1) != 0
    s = np.asarray(y_score, dtype=np.float64).reshape(-1)
    pos, neg = s[y_true], s[~y_true]
    diff = pos[:, None] - neg[None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))


def is_jax():
    return backend.backend() == "jax"
