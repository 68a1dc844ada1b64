"""``EarlyStopping``: stop training when a monitored quantity stops improving."""
import warnings

import numpy as np

from cornu.callbacks.monitor_callback import MonitorCallback, to_scalar
from cornu.utils import io_utils


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    At the end of every epoch the monitored value is compared with the best
    seen so far; after ``patience`` epochs without an improvement larger than
    ``min_delta``, ``model.stop_training`` is set and ``fit`` ends.

    Args:
        monitor: quantity to watch (``"val_loss"`` by default).
        min_delta: minimum absolute change that counts as an improvement.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when the callback acts.
        mode: ``"auto"``, ``"min"`` or ``"max"`` (``"auto"`` infers the
            direction from the metric, see ``MonitorCallback``).
        baseline: training stops if the model does not improve on this value
            within ``patience`` epochs.
        restore_best_weights: at the end of training, set the weights of the
            best epoch back, whether or not stopping was triggered (Keras 3).
        start_from_epoch: epochs of warm-up before monitoring starts.

    Example:

    >>> callback = EarlyStopping(monitor="loss", patience=3)
    >>> model.fit(x, y, epochs=100, callbacks=[callback])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor=monitor, mode=mode, baseline=None, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # after the first epoch, when the metrics are built
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self._copy_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._copy_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _copy_weights(self):
        # Copies: on some engines `get_weights()` returns arrays sharing memory with the
        # variables, which later training steps would overwrite.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            io_utils.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                io_utils.print_msg(f"Restoring model weights from the end of the best epoch: "
                                   f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """The monitored value from ``logs`` (warns and returns None when absent)."""
        logs = logs or {}
        value = to_scalar(logs.get(self.monitor))
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}", stacklevel=2)
        return value
