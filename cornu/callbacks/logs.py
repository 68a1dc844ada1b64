"""Batch logs: engine tensors until somebody needs Python numbers.

A step returns its metric results as engine tensors. Reading one back forces
the host to wait for the device, so ``fit`` hands tensors to ``CallbackList``,
which converts them (once per batch) only for callbacks that look at batch logs.
"""
import numpy as np

from cornu import backend


def pythonify_logs(logs):
    """A copy of ``logs`` with tensors turned into Python floats (or NumPy arrays); nested dicts flattened."""
    out = {}
    for k, v in (logs or {}).items():
        if isinstance(v, dict):
            out.update(pythonify_logs(v))
            continue
        arr = v if isinstance(v, (int, float)) else np.asarray(backend.convert_to_numpy(v))
        out[k] = float(arr) if np.ndim(arr) == 0 else arr
    return out


def wants_batch_logs(callback, hook):
    """Whether ``callback`` overrides batch hook ``hook`` (so it reads the logs)."""
    if getattr(callback, "_accepts_raw_logs", False):
        return False
    from cornu.callbacks.callback import Callback  # noqa: PLC0415 - callback imports nothing from here

    names = (hook, "on_batch_end") if hook == "on_train_batch_end" else (hook,)
    for n in names:
        attr = getattr(callback, n, None)  # instance attributes too (LambdaCallback)
        if getattr(attr, "__func__", attr) is not getattr(Callback, n, None):
            return True
    return False
