"""Small helpers shared by the loss function files."""
from cornu import backend
from cornu import ops
from cornu.losses.loss import squeeze_or_expand_to_same_rank


def as_float_pred(y_pred):
    """``y_pred`` as a tensor; integer or boolean predictions become ``floatx``."""
    y_pred = ops.convert_to_tensor(y_pred)
    if not backend.is_float_dtype(ops.dtype(y_pred)):
        y_pred = ops.cast(y_pred, backend.floatx())
    return y_pred


def pred_and_true(y_true, y_pred, align=False):
    """Convert ``y_pred`` to a float tensor and ``y_true`` to ``y_pred``'s dtype.

    With ``align=True`` the two are also brought to the same rank when they
    differ by a trailing axis of size 1 (see ``squeeze_or_expand_to_same_rank``).
    """
    y_pred = as_float_pred(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    if align:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def check_axis(axis, fn_name):
    """Refuse a boolean ``axis`` (``True`` would silently mean axis 1)."""
    if isinstance(axis, bool):
        raise ValueError(
            f"{fn_name}: `axis` must be an int. Received: axis={axis!r} of type bool"
        )


def smooth_labels(y_true, label_smoothing, num_classes=None):
    """Move labels towards uniform: ``y * (1 - s) + s / num_classes`` (``num_classes=2`` if None)."""
    if not label_smoothing:
        return y_true
    k = 2.0 if num_classes is None else float(num_classes)
    return y_true * (1.0 - label_smoothing) + label_smoothing / k
