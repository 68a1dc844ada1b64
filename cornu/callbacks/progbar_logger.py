"""``ProgbarLogger``: prints Keras's progress bar during fit/evaluate/predict."""
from cornu.callbacks.callback import Callback
from cornu.callbacks.logs import pythonify_logs
from cornu.utils.progbar import Progbar
from cornu.utils import io_utils


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a progress bar with the running metrics.

    Batch logs arrive as engine tensors and are read back only when the bar is
    redrawn (at most every ``Progbar.interval`` seconds), so the device is not
    made to wait for the host after every batch.
    """

    _accepts_raw_logs = True

    def __init__(self, count_mode="steps", stateful_metrics=None):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self.seen = 0
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self):
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                               stateful_metrics=None)
        self.progbar._stateful_all = True

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar()
        if self.verbose and self.epochs > 1:
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        self._finish(None)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def _update(self, batch, logs):
        if self.progbar is None:
            self._new_bar()
        self.seen = batch + 1
        if self.verbose != 1 or (self.seen > 1 and not self.progbar.due()):
            return
        values = _ordered(pythonify_logs(logs))
        self.progbar.stateful_metrics.update(k for k, _ in values)
        self.progbar.update(self.seen, values, finalize=False)

    def _finish(self, logs):
        if self.progbar is None:
            return
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.seen
        values = _ordered(pythonify_logs(logs))
        self.progbar.stateful_metrics.update(k for k, _ in values)
        self.progbar.update(self.target or self.seen, values, finalize=True)


def _ordered(logs):
    """Loss first, then the rest in insertion order (as Keras 2 prints them)."""
    if not logs:
        return []
    items = [(k, v) for k, v in logs.items() if _is_scalar(v)]
    items.sort(key=lambda kv: (kv[0] != "loss", kv[0].startswith("val_")))
    return items


def _is_scalar(v):
    return isinstance(v, (int, float)) or getattr(v, "ndim", 1) == 0
