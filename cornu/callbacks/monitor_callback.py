"""``MonitorCallback``: shared logic of callbacks that watch one logged quantity.

``EarlyStopping`` and ``ModelCheckpoint`` decide whether a value "improved"
the same way: ``mode="min"`` or ``"max"``, or ``"auto"`` resolved with Keras
3's rule (``loss``/``val_loss`` are minimized; any other name is looked up
among the model's metrics, whose ``_direction`` says ``"up"`` or ``"down"``).
When a name cannot be resolved that way, cornu falls back to Keras 2's rule:
names containing ``"acc"`` or starting with ``"fmeasure"`` are maximized;
anything else is minimized with a warning, where Keras 3 raises, so Keras 2
scripts that monitor a custom metric keep running.
"""
import math
import warnings

import numpy as np

from cornu.callbacks.callback import Callback


def _less(a, b):
    return a < b


def _greater(a, b):
    return a > b


def _all_metrics(model):
    """Every metric object reachable from ``model.metrics`` (containers flattened)."""
    found, stack = [], list(getattr(model, "metrics", None) or [])
    while stack:
        m = stack.pop(0)
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)) and not hasattr(m, "result"):
            stack[:0] = list(inner)
        else:
            found.append(m)
    return found


def resolve_direction(monitor, model, owner):
    """``"min"`` or ``"max"`` for ``monitor`` under Keras's ``mode="auto"`` rule."""
    name = monitor[4:] if monitor.startswith("val_") else monitor
    direction = "min" if name == "loss" else None
    for m in _all_metrics(model):
        if getattr(m, "name", None) == name and hasattr(m, "_direction"):
            direction = "max" if m._direction == "up" else "min"
    if direction is not None:
        return direction
    if "acc" in name or name.startswith("fmeasure"):  # Keras 2's rule, unambiguous for these names
        return "max"
    warnings.warn(
        f"{owner} callback received monitor={monitor!r} with mode='auto', but cornu cannot tell "
        "whether that metric should be maximized or minimized; minimizing it (Keras 2's rule). "
        "Pass `mode='max'` or `mode='min'` to choose explicitly.", stacklevel=3)
    return "min"


def check_mode(mode, owner):
    """Keras's handling of an unknown ``mode``: warn and fall back to ``"auto"``."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
        return "auto"
    return mode


def to_scalar(value):
    """A Python float for a logged scalar (float, NumPy scalar, 0-d array); None otherwise."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    arr = np.asarray(value)
    if arr.ndim != 0:
        return None
    return float(arr)


class MonitorCallback(Callback):
    """Base for callbacks that compare a monitored value with the best seen so far.

    Args:
        monitor: the log key to watch (``"val_loss"`` by default).
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: initial best value (None: the first value seen).
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        self.monitor = monitor
        self.mode = check_mode(mode, type(self).__name__)
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        mode = self.mode
        if mode == "auto":
            mode = resolve_direction(self.monitor, self.model, type(self).__name__)
        self.monitor_op = _less if mode == "min" else _greater
        if mode == "min":
            self.min_delta = -abs(self.min_delta)
        if self.best is None:
            self.best = math.inf if mode == "min" else -math.inf

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
