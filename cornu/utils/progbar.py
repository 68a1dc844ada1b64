"""The Keras text progress bar.

Produces the same text as ``tf.keras``/Keras 2, for example::

    1875/1875 [==============================] - 22s 12ms/step - loss: 0.1037 - accuracy: 0.9741

With ``verbose=1`` the bar is redrawn in place (backspaces and a carriage
return) when the display is dynamic, and a new line is started for each
redraw otherwise. With ``verbose=2`` a single summary line is printed when
the bar is finalised.
"""

import math
import os
import sys
import time

import numpy as np

from cornu.utils import io_utils

__all__ = ["Progbar"]


def _now():
    """The clock used by the progress bar (patched by tests)."""
    return time.time()


def _is_dynamic_display():
    """Whether the bar can be redrawn in place.

    True when stdout is a terminal, inside an IPython kernel, or inside
    PyCharm.  (tf.keras also redraws whenever ``posix`` is loaded, which
    fills logs and pipes with backspaces; cornu prints plain lines there.)
    """
    stdout = sys.stdout
    return bool(
        (hasattr(stdout, "isatty") and stdout.isatty())
        or "ipykernel" in sys.modules
        or "PYCHARM_HOSTED" in os.environ
    )


def _write(message):
    io_utils.print_msg(message, line_break=False)


def _count_width(target):
    """Number of digits needed to print ``target`` (at least 1)."""
    if target is None or target < 1:
        return 1
    return int(math.log10(target)) + 1


def _format_value(avg, signed):
    """Formats a metric value with 4 decimals, or in %.4e form when tiny."""
    small = abs(avg) <= 1e-3 if signed else avg <= 1e-3
    return f" {avg:.4e}" if small else f" {avg:.4f}"


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: width of the bar, in characters.
        verbose: verbosity mode: 0 (silent), 1 (bar), 2 (one line at the end).
        interval: minimum time in seconds between two redraws.
        stateful_metrics: names of metrics that are shown as given (the last
            value) instead of being averaged over the steps.
        unit_name: display name for step counts (``"step"``, ``"sample"``).
    """

    def __init__(
        self,
        target,
        width=30,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _is_dynamic_display()
        self._total_width = 0
        self._seen_so_far = 0
        # Sums and counts of the metric values, and their display order.
        self._values = {}
        self._values_order = []
        self._start = _now()
        self._last_update = 0
        self._time_at_epoch_start = self._start
        self._time_at_epoch_end = None
        self._time_after_first_step = None

    def due(self):
        """Whether an ``update`` now would redraw the bar (the redraw interval has passed)."""
        return _now() - self._last_update >= self.interval

    def update(self, current, values=None, finalize=None):
        """Updates the progress bar.

        Args:
            current: index of the current step (number of steps done).
            values: list of ``(name, value_for_last_step)`` pairs. Values of
                metrics not in ``stateful_metrics`` are averaged, weighted by
                the number of steps each update covers; stateful ones are
                shown as given.
            finalize: whether this is the last update. ``None`` means
                ``current >= target`` (never, when ``target`` is unknown).
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target

        for name, value in values or []:
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                # Shown as is; kept as a (sum, count) pair of count 1 so the
                # value gets the same numeric formatting as averaged ones.
                self._values[name] = [value, 1]
            else:
                # The number of steps this update covers. When `update` is
                # called twice for the same step (e.g. at the end of an epoch
                # of unknown size) count it once rather than zero times.
                steps = max(current - self._seen_so_far, 1)
                if name in self._values:
                    self._values[name][0] += value * steps
                    self._values[name][1] += steps
                else:
                    self._values[name] = [value * steps, steps]
        self._seen_so_far = current

        now = _now()
        info = f" - {now - self._start:.0f}s"
        if current == self.target:
            self._time_at_epoch_end = now

        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw_bar(current, now, info, finalize)
        elif self.verbose == 2 and finalize:
            self._print_summary(current, now, info)
        self._last_update = now

    def add(self, n, values=None):
        """Advances the bar by ``n`` steps (see ``update`` for ``values``)."""
        self.update(self._seen_so_far + n, values)

    # -- drawing ---------------------------------------------------------

    def _average(self, name):
        total, count = self._values[name]
        return np.mean(total / max(1, count))

    def _draw_bar(self, current, now, info, finalize):
        prev_total_width = self._total_width
        if self._dynamic_display:
            message = "\b" * prev_total_width + "\r"
        elif not finalize:
            self._estimate_step_duration(current, now)  # keeps the first-step timing
            return  # not a terminal: one plain line per epoch, written when it ends
        else:
            message = ""

        if self.target is not None:
            bar = "%*d/%d [" % (_count_width(self.target), current, self.target)
            progress = float(current) / self.target if self.target else 1.0
            filled = int(self.width * progress)
            if filled > 0:
                bar += "=" * (filled - 1)
                bar += ">" if current < self.target else "="
            bar += "." * (self.width - filled)
            bar += "]"
        else:
            bar = "%7d/Unknown" % current
        self._total_width = len(bar)
        message += bar

        time_per_unit = self._estimate_step_duration(current, now)
        if self.target is None or finalize:
            info += self._format_time(time_per_unit, self.unit_name)
        else:
            eta = time_per_unit * (self.target - current)
            if eta > 3600:
                eta_format = "%d:%02d:%02d" % (
                    eta // 3600,
                    (eta % 3600) // 60,
                    eta % 60,
                )
            elif eta > 60:
                eta_format = "%d:%02d" % (eta // 60, eta % 60)
            else:
                eta_format = "%ds" % eta
            info = f" - ETA: {eta_format}"

        for name in self._values_order:
            info += f" - {name}:"
            if isinstance(self._values[name], list):
                info += _format_value(self._average(name), signed=True)
            else:
                info += f" {self._values[name]}"

        self._total_width += len(info)
        if prev_total_width > self._total_width:
            # Blank out what is left of a longer previous line.
            info += " " * (prev_total_width - self._total_width)
        if finalize:
            info += "\n"
        _write(message + info)

    def _print_summary(self, current, now, info):
        if self.target is None:
            count = "%d/Unknown" % current
        else:
            count = "%*d/%d" % (_count_width(self.target), current, self.target)
        info = count + info
        for name in self._values_order:
            info += f" - {name}:"
            info += _format_value(self._average(name), signed=False)
        if self._time_at_epoch_end:
            time_per_epoch = self._time_at_epoch_end - self._time_at_epoch_start
            avg_time_per_step = time_per_epoch / self.target
            self._time_at_epoch_start = now
            self._time_at_epoch_end = None
            info += " -" + self._format_time(time_per_epoch, "epoch")
            info += " -" + self._format_time(avg_time_per_step, self.unit_name)
        _write(info + "\n")

    @staticmethod
    def _format_time(time_per_unit, unit_name):
        """Formats a duration as `` 2s/step``, `` 12ms/step`` or `` 3us/step``."""
        if time_per_unit >= 1 or time_per_unit == 0:
            return f" {time_per_unit:.0f}s/{unit_name}"
        if time_per_unit >= 1e-3:
            return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
        return f" {time_per_unit * 1e6:.0f}us/{unit_name}"

    def _estimate_step_duration(self, current, now):
        """Estimated duration of one step.

        The first step (often slow: compilation, caches) is left out of the
        estimate as soon as later steps are known.
        """
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

    def _update_stateful_metrics(self, stateful_metrics):
        self.stateful_metrics = self.stateful_metrics.union(stateful_metrics)
