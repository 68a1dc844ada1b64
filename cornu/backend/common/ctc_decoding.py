"""CTC prefix beam search on the host (pure NumPy), shared by every engine.

A prefix is the label sequence emitted so far (blanks removed, repeats not
separated by a blank merged).  Each prefix in the beam carries two log
probabilities: of the frames so far ending in a label (``emit``) and ending
in a blank (``blank``); its score is their log-sum.  Every frame extends each
prefix by each class, merges the candidates that name the same prefix and
keeps the ``beam_width`` best (Graves 2012, section 7.5; Hannun et al. 2014).
"""
import numpy as np

_NEG_INF = -np.inf


def beam_search(log_probs, lengths, beam_width, top_paths, blank):
    """Decode a batch of log-probabilities ``(batch, time, classes)``.

    Returns ``paths`` ``(top_paths, batch, time)`` int32 (labels first, then
    ``-1``) and ``scores`` ``(batch, top_paths)`` float64, the log probability of
    each path; missing paths (fewer distinct prefixes than ``top_paths``) are
    all ``-1`` with score ``-inf``.
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    lengths = np.asarray(lengths).reshape(-1)
    batch, time, _ = log_probs.shape
    paths = np.full((top_paths, batch, time), -1, dtype=np.int32)
    scores = np.full((batch, top_paths), _NEG_INF)
    for b in range(batch):
        length = int(np.clip(lengths[b], 0, time))
        best = _decode_one(log_probs[b, :length], beam_width, blank)
        for k, (prefix, score) in enumerate(best[:top_paths]):
            paths[k, b, :len(prefix)] = prefix
            scores[b, k] = score
    return paths, scores


def _decode_one(frames, beam_width, blank):
    """The beam of one sequence ``(time, classes)``, best first, as ``(prefix, score)``."""
    prefixes = [()]
    emit = np.array([_NEG_INF])
    blank_lp = np.array([0.0])
    for x in frames:
        total = np.logaddexp(emit, blank_lp)
        # Staying on the same prefix: a blank, or the last label again.
        stay_blank = total + x[blank]
        last = np.array([p[-1] if p else blank for p in prefixes])
        stay_emit = np.where([bool(p) for p in prefixes], emit + x[last], _NEG_INF)
        # Growing the prefix by one label; after a label, its repeat needs a blank first.
        grow = total[:, None] + x[None, :]
        rows = np.nonzero(last != blank)[0]
        grow[rows, last[rows]] = blank_lp[rows] + x[last[rows]]
        grow[:, blank] = _NEG_INF
        # A grown prefix already in the beam: merge the two routes into it.
        index = {p: i for i, p in enumerate(prefixes)}
        for j, p in enumerate(prefixes):
            parent = index.get(p[:-1]) if p else None
            if parent is not None:
                stay_emit[j] = np.logaddexp(stay_emit[j], grow[parent, p[-1]])
                grow[parent, p[-1]] = _NEG_INF
        candidates = np.concatenate([np.logaddexp(stay_emit, stay_blank), grow.ravel()])
        keep = np.argsort(-candidates, kind="stable")[:beam_width]
        keep = keep[np.isfinite(candidates[keep])]
        n, classes = len(prefixes), x.shape[0]
        new_prefixes, new_emit, new_blank = [], [], []
        for k in keep:
            if k < n:
                new_prefixes.append(prefixes[k])
                new_emit.append(stay_emit[k])
                new_blank.append(stay_blank[k])
            else:
                parent, label = divmod(k - n, classes)
                new_prefixes.append(prefixes[parent] + (int(label),))
                new_emit.append(grow[parent, label])
                new_blank.append(_NEG_INF)
        prefixes, emit, blank_lp = new_prefixes, np.array(new_emit), np.array(new_blank)
    totals = np.logaddexp(emit, blank_lp)
    order = np.argsort(-totals, kind="stable")
    return [(prefixes[i], float(totals[i])) for i in order]
