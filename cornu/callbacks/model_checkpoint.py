"""``ModelCheckpoint``: save the model or its weights during training."""
import os
import warnings

import numpy as np

from cornu.callbacks.monitor_callback import MonitorCallback, to_scalar
from cornu.utils import io_utils
from cornu.utils.file_utils import path_to_string

_MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


class ModelCheckpoint(MonitorCallback):
    """Save the model (or only its weights) at the end of epochs or every N batches.

    Writes go through ``model.save`` / ``model.save_weights``, which write to a
    temporary file and move it into place, so an interrupted save never leaves
    a half-written checkpoint.

    Args:
        filepath: path of the file to write; may hold ``str.format`` fields
            filled with ``epoch`` (1-based), ``batch`` (1-based, with an int
            ``save_freq``) and any key of the logs, e.g.
            ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``. Whole models need
            ``.keras`` (native) or ``.h5``/``.hdf5`` (legacy Keras 2 layout);
            with ``save_weights_only=True`` use ``.weights.h5`` (Keras 3
            layout, optimizer state included) — other ``.h5`` names are
            accepted for Keras 2 scripts and use Keras 2's weights layout.
        monitor: the log key compared when ``save_best_only`` is set.
        verbose: 1 prints a line per save decision.
        save_best_only: save only when the monitored value improves on the
            best seen so far (a fixed ``filepath`` is then overwritten only by
            better models).
        save_weights_only: save only the weights.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"`` or an int number of batches between saves.
        initial_value_threshold: initial best value for ``save_best_only``.

    Keras 2's ``period=N`` (save every N epochs) is accepted with a
    deprecation warning.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None, **kwargs):
        super().__init__(monitor=monitor, mode=mode, baseline=initial_value_threshold)
        self.period = 1
        if "period" in kwargs:
            warnings.warn("`period` argument is deprecated. Please use `save_freq` to specify the frequency "
                          "in number of batches seen.", DeprecationWarning, stacklevel=2)
            self.period = int(kwargs.pop("period"))
        for legacy in ("load_weights_on_restart", "options"):
            if legacy in kwargs:
                warnings.warn(f"`ModelCheckpoint({legacy}=...)` is a Keras 2 argument with no effect in cornu.",
                              DeprecationWarning, stacklevel=2)
                kwargs.pop(legacy)
        if kwargs:
            raise TypeError(f"ModelCheckpoint() got unexpected keyword arguments: {sorted(kwargs)}")
        self.verbose = verbose
        self.filepath = path_to_string(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        self._epochs_since_last_save = 0
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are 'epoch' or "
                             "integer values")
        lower = self.filepath.lower()
        if not save_weights_only and not lower.endswith(_MODEL_SUFFIXES):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format), or `.h5`/`.hdf5` "
                "(legacy Keras 2 format); to save only the weights pass `save_weights_only=True` with "
                f"a name ending in `.weights.h5`. Received: filepath={self.filepath}")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq != "epoch":
            return
        self._epochs_since_last_save += 1
        if self._epochs_since_last_save >= self.period:
            self._epochs_since_last_save = 0
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch started
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                io_utils.print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        raw = logs.get(self.monitor)
        if raw is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        current = to_scalar(raw)
        if current is None:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {raw}. "
                          "Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                io_utils.print_msg(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                                   f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = dict(logs or {})
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError("Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an "
                          f"existing directory: {filepath}")
        if not self._should_save_model(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs):
        """``filepath`` with ``{epoch}``, ``{batch}`` and log keys filled in."""
        values = {k: _formattable(v) for k, v in logs.items()}
        try:
            if batch is None or "batch" in values:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}') from e


def _formattable(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value
