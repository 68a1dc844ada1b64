"""Sequence losses: Connectionist Temporal Classification (CTC)."""
from cornu import ops
from cornu.losses._common import as_float_pred
from cornu.losses.loss import Loss, LossFunctionWrapper
from cornu.losses.similarity import very_negative

_BLANK = 0


def _logsumexp3(a, b, c):
    top = ops.maximum(ops.maximum(a, b), c)
    return top + ops.log(ops.exp(a - top) + ops.exp(b - top) + ops.exp(c - top))


def _pad_last(x, before, after, fill):
    """Pad the last axis of ``x`` with ``before``/``after`` entries of ``fill``."""
    widths = [(0, 0)] * (len(ops.shape(x)) - 1) + [(before, after)]
    return ops.pad(x, widths, constant_values=fill)


def _shift_right(x, by, fill):
    """``x`` moved ``by`` places right along the last axis, ``fill`` coming in on the left."""
    return _pad_last(x[..., :-by], by, 0, fill)


def _forward_step(carry, emit_t):
    """One step of the CTC forward recursion in log space.

    A module-level function (not a closure) so that JAX reuses its compiled
    scan from call to call in eager mode.
    """
    alpha, can_skip = carry
    low = very_negative(ops.dtype(alpha))
    advance = _shift_right(alpha, 1, low)
    if ops.shape(alpha)[-1] > 2:
        skip = ops.where(can_skip, _shift_right(alpha, 2, low), low)
    else:
        skip = ops.full(ops.shape(alpha), low, dtype=ops.dtype(alpha))
    return (_logsumexp3(alpha, advance, skip) + emit_t, can_skip), None


def ctc(y_true, y_pred):
    """CTC loss per sequence: the negative log-likelihood of the label sequence.

    The class ``0`` is the blank and also pads the labels: each row of
    ``y_true`` is a label sequence followed by zeros, its length the number
    of non-zero entries. Every input sequence uses all ``max_length`` steps.

    Args:
        y_true: integer labels, shape ``(batch, max_label_length)``.
        y_pred: logits (not probabilities), shape ``(batch, max_length, num_classes)``;
            a log-softmax is applied over the classes.

    Returns:
        A ``(batch,)`` tensor of losses. An impossible alignment (labels
        longer than the input allows) gives a very large finite value.
    """
    if len(ops.shape(y_true)) != 2:
        raise ValueError(
            "ctc: targets `y_true` must be integer labels of shape (batch_size, "
            f"max_label_length). Received: y_true.shape={tuple(ops.shape(y_true))}"
        )
    if len(ops.shape(y_pred)) != 3:
        raise ValueError(
            "ctc: `y_pred` must be logits of shape (batch_size, max_length, num_classes). "
            f"Received: y_pred.shape={tuple(ops.shape(y_pred))}"
        )
    logits = as_float_pred(y_pred)
    if ops.dtype(logits) in ("float16", "bfloat16"):
        logits = ops.cast(logits, "float32")
    dtype = ops.dtype(logits)
    labels = ops.cast(ops.convert_to_tensor(y_true), "int32")
    batch, steps, _ = ops.shape(logits)
    max_labels = ops.shape(labels)[1]
    low = very_negative(dtype)

    log_probs = ops.log_softmax(logits, axis=-1)  # (B, T, C)
    label_length = ops.sum(ops.cast(ops.not_equal(labels, _BLANK), "int32"), axis=-1)  # (B,)

    # Extended labels with blanks around and between: (B, S), S = 2L + 1.
    pairs = _pad_last(ops.expand_dims(labels, -1), 1, 0, _BLANK)  # (B, L, 2): [blank, label]
    ext = _pad_last(ops.reshape(pairs, (batch, 2 * max_labels)), 0, 1, _BLANK)
    width = 2 * max_labels + 1

    # Log-probability of each extended label at each step: (B, T, S).
    index = ops.broadcast_to(ops.expand_dims(ext, 1), (batch, steps, width))
    emit = ops.take_along_axis(log_probs, index, axis=2)

    # A step may skip a blank when the label differs from the one two places back.
    previous = _shift_right(ext, 2, _BLANK) if width > 2 else ext
    can_skip = ops.logical_and(ops.not_equal(ext, _BLANK), ops.not_equal(ext, previous))

    start = _pad_last(emit[:, 0, :2], 0, width - 2, low) if width > 2 else emit[:, 0, :]

    alpha = start
    if steps > 1:
        emits = ops.moveaxis(emit[:, 1:, :], 1, 0)  # (T - 1, B, S)
        (alpha, _), _ = ops.scan(_forward_step, (start, can_skip), emits)

    last = ops.expand_dims(2 * label_length, -1)
    before_last = ops.maximum(last - 1, 0)
    end_blank = ops.take_along_axis(alpha, last, axis=-1)[:, 0]
    end_label = ops.take_along_axis(alpha, before_last, axis=-1)[:, 0]
    end_label = ops.where(label_length > 0, end_label, low)
    return -ops.logaddexp(end_blank, end_label)


class CTC(LossFunctionWrapper):
    """Connectionist Temporal Classification loss (blank and padding class ``0``).

    Args:
        reduction: see ``Loss``.
        name: name of the loss (``"ctc"``).
        dtype: compute dtype (``floatx()`` by default).
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
