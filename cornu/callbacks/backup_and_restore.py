"""``BackupAndRestore``: resume an interrupted ``fit`` from its last backup.

The backup folder holds a weights file (Keras 3 ``.weights.h5`` layout, with
the optimizer state) and ``training_metadata.json`` naming the epoch to
resume from and the weights file that goes with it.  Each backup writes a
fresh weights file first and then replaces the JSON atomically
(``os.replace``); the JSON is the commit point, so a process killed at any
moment leaves a consistent (weights, epoch) pair behind.  Older weights files
are removed once the new JSON is in place.
"""
import json
import os
import shutil
import tempfile

from cornu.callbacks.callback import Callback

_METADATA = "training_metadata.json"
_KERAS_WEIGHTS = "latest.weights.h5"  # the name Keras uses; read when the JSON names no file


def _write_json_atomic(path, payload):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".metadata.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class BackupAndRestore(Callback):
    """Back up the training state so an interrupted ``fit`` resumes where it stopped.

    At the end of each epoch (or every ``save_freq`` batches) the model's
    weights, the optimizer state and the epoch number are written to
    ``backup_dir``. When ``fit`` starts and a backup exists, the state is
    restored and training resumes at the saved epoch. When training ends
    normally the backup is deleted (unless ``delete_checkpoint=False``).

    Args:
        backup_dir: folder for the backup; use it for nothing else.
        save_freq: ``"epoch"`` or an int number of batches between backups.
        delete_checkpoint: remove the backup when training finishes.

    Example:

    >>> callback = BackupAndRestore(backup_dir="/tmp/backup")
    >>> model.fit(x, y, epochs=10, callbacks=[callback])  # interrupted at epoch 4
    >>> model.fit(x, y, epochs=10, callbacks=[callback])  # runs epochs 4..9 only
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                             "Expected either 'epoch' or an integer value.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        self._save_count = 0
        self._metadata_path = os.path.join(self.backup_dir, _METADATA)

    # -- restoring ----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._load_model()

    def _read_metadata(self):
        if not os.path.exists(self._metadata_path):
            return None
        with open(self._metadata_path, encoding="utf-8") as f:
            metadata = json.load(f)
        if not isinstance(metadata, dict) or not isinstance(metadata.get("epoch"), int):
            raise ValueError(f"{self._metadata_path} is not a BackupAndRestore metadata file.")
        return metadata

    def _load_model(self):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you call `fit()`. "
                f"Model {self.model} is unbuilt. You can build it beforehand by calling it on a batch of data.")
        metadata = self._read_metadata()
        weights_name = (metadata or {}).get("weights", _KERAS_WEIGHTS)
        if os.path.basename(weights_name) != weights_name:
            raise ValueError(f"{self._metadata_path} names a weights file outside the backup folder.")
        weights_path = os.path.join(self.backup_dir, weights_name)
        if os.path.exists(weights_path):
            optimizer = getattr(self.model, "optimizer", None)
            if optimizer is not None and not getattr(optimizer, "built", False):
                optimizer.build(self.model.trainable_variables)
            self.model.load_weights(weights_path)
        if metadata is not None:
            self.model._initial_epoch = metadata["epoch"]
            self._save_count = int(metadata.get("count", 0))

    # -- saving -------------------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(batch=batch)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, batch=None):
        os.makedirs(self.backup_dir, exist_ok=True)
        self._save_count += 1
        name = f"backup-{self._save_count:08d}.weights.h5"
        self.model.save_weights(os.path.join(self.backup_dir, name), overwrite=True)
        _write_json_atomic(self._metadata_path, {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen if batch is not None else 0,
            "weights": name,
            "count": self._save_count,
        })
        for other in os.listdir(self.backup_dir):
            if other.startswith("backup-") and other.endswith(".weights.h5") and other != name:
                os.remove(os.path.join(self.backup_dir, other))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
