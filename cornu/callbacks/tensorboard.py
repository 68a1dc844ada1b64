"""``TensorBoard``: write training logs that TensorBoard displays.

What is written (``log_dir/train`` and ``log_dir/validation`` runs, as Keras):

- Scalars: ``epoch_<name>`` for every epoch log (validation values without
  their ``val_`` prefix in the ``validation`` run), ``epoch_learning_rate``,
  ``epoch_steps_per_second`` with ``write_steps_per_second``; ``batch_<name>``
  every ``update_freq`` batches when ``update_freq`` is ``"batch"`` or an int;
  ``evaluation_<name>_vs_iterations`` (step = optimizer iterations) in the
  validation run after each evaluation.
- Histograms every ``histogram_freq`` epochs: ``<variable path>/histogram``
  (e.g. ``dense/kernel/histogram``; Keras 3 uses the bare variable name, which
  collides between layers), and with ``write_images`` the weights as images
  (``<variable path>/image``, min-max scaled to 0-255 per image).
- Graph: the model's JSON config as a ``graph_keras_model`` summary (tag
  ``keras``); TensorBoard's Graphs dashboard shows it as the "Keras conceptual
  graph" of layers, exactly as for ``tf.keras`` (there is no TensorFlow op graph
  to show on PyTorch or JAX).
- Projector (``embeddings_freq``): ``log_dir/projector_config.pbtxt`` and one
  TSV tensor file per ``Embedding`` layer (``log_dir/embeddings/<layer>.tsv``),
  read directly by the Projector plugin without a TensorFlow checkpoint.
"""
import os
import time
import warnings

import numpy as np

from cornu import backend
from cornu.callbacks.callback import Callback
from cornu.callbacks.learning_rate_scheduler import current_learning_rate
from cornu.callbacks.monitor_callback import to_scalar
from cornu.callbacks.tensorboard_writer import (
    SummaryWriter,
    embedding_tsv,
    require_tensorboard,
    to_uint8_images,
    write_projector_config,
    write_text_atomic,
)


class TensorBoard(Callback):
    """Write logs for TensorBoard (``tensorboard --logdir=log_dir``).

    Args:
        log_dir: folder of the logs (``train/`` and ``validation/`` runs inside).
        histogram_freq: epochs between weight histograms (0: none).
        write_graph: write the model's conceptual graph.
        write_images: with histograms, write the weights as images.
        write_steps_per_second: log training speed.
        update_freq: ``"epoch"``, ``"batch"`` or an int: also log batch-level
            values every that many batches.
        profile_batch: profiling is not available in cornu; a non-zero value
            gives a warning and is ignored.
        embeddings_freq: epochs between Projector snapshots of ``Embedding``
            layers (0: none).
        embeddings_metadata: a metadata file for every embedding layer (str),
            or ``{layer_name: path}``; paths relative to ``log_dir``.

    Keras 1/2's ``batch_size``, ``write_grads`` and ``embeddings_data`` are
    accepted and ignored (with a deprecation warning);
    ``embeddings_layer_names`` selects the embedding layers to log.
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None, **kwargs):
        super().__init__()
        self.embeddings_layer_names = kwargs.pop("embeddings_layer_names", None)
        for legacy in ("batch_size", "write_grads", "embeddings_data"):
            if legacy in kwargs:
                warnings.warn(f"`TensorBoard({legacy}=...)` is a Keras 1/2 argument with no effect.",
                              DeprecationWarning, stacklevel=2)
                kwargs.pop(legacy)
        if kwargs:
            raise TypeError(f"TensorBoard() got unexpected keyword arguments: {sorted(kwargs)}")
        require_tensorboard()
        if update_freq != "epoch" and update_freq != "batch" and \
                (not isinstance(update_freq, int) or isinstance(update_freq, bool) or update_freq < 1):
            raise ValueError(f"`update_freq` must be 'epoch', 'batch' or a positive int; got {update_freq!r}.")
        if profile_batch not in (0, None, "0", (0, 0), [0, 0]):
            warnings.warn(f"TensorBoard profiling is not available in cornu; profile_batch={profile_batch!r} "
                          "is ignored.", stacklevel=2)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0
        self._embedding_metadata_paths = {}
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")

    # -- writers ------------------------------------------------------------------------
    def _writer(self, key):
        if key not in self._writers:
            self._writers[key] = SummaryWriter(self._train_dir if key == "train" else self._val_dir)
        return self._writers[key]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- setup --------------------------------------------------------------------------
    def set_model(self, model):
        super().set_model(model)
        self._close_writers()
        if self.write_graph:
            self._write_keras_model_summary()
        if self.embeddings_freq:
            self._configure_embeddings()

    def _write_keras_model_summary(self):
        names = {c.__name__ for c in type(self.model).__mro__}
        if not names & {"Functional", "Sequential"}:
            return
        try:
            json_string = self.model.to_json()
        except Exception as exc:  # noqa: BLE001 - a model that cannot serialize just has no graph
            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {exc}", stacklevel=3)
            return
        writer = self._writer("train")
        writer.keras_model("keras", json_string, step=0)
        writer.flush()

    def _embedding_layers(self):
        layers = [layer for layer in self.model.layers if type(layer).__name__ == "Embedding"]
        if self.embeddings_layer_names:
            layers = [layer for layer in layers if layer.name in self.embeddings_layer_names]
        return layers

    def _configure_embeddings(self):
        metadata = self.embeddings_metadata
        paths = {}
        names = [layer.name for layer in self._embedding_layers()]
        if isinstance(metadata, dict):
            unknown = sorted(set(metadata) - set(names))
            if unknown:
                raise ValueError("Unrecognized `Embedding` layer names passed to `cornu.callbacks.TensorBoard` "
                                 f"`embeddings_metadata` argument: {unknown}")
            paths = dict(metadata)
        elif metadata is not None:
            paths = {name: os.fspath(metadata) for name in names}
        self._embedding_metadata_paths = paths

    # -- training -----------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq != 0:
            return
        writer = self._writer("train")
        step = self._global_train_batch
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            writer.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        for name, value in (logs or {}).items():
            value = to_scalar(value)
            if value is not None:
                writer.scalar("batch_" + name, value, step)

    def on_test_begin(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        writer = self._writer("val")
        step = self._iterations()
        for name, value in logs.items():
            value = to_scalar(value)
            if value is not None:
                writer.scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self._log_embeddings(epoch)
        for writer in self._writers.values():
            writer.flush()

    # -- epoch logs ---------------------------------------------------------------------
    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return 0
        return int(np.asarray(backend.convert_to_numpy(optimizer.iterations)))

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train_logs["learning_rate"] = current_learning_rate(optimizer)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = (self._iterations() - self._previous_epoch_iterations) / elapsed
        for key, values in (("train", train_logs), ("val", val_logs)):
            if not values:
                continue
            writer = self._writer(key)
            for name, value in values.items():
                value = to_scalar(value)
                if value is not None:
                    writer.scalar("epoch_" + name, value, epoch)

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = (getattr(weight, "path", None) or weight.name).replace(":", "_")
                values = np.asarray(weight.numpy())
                writer.histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    images = _weight_images(values)
                    if images is not None:
                        writer.image(f"{name}/image", to_uint8_images(images), epoch)

    def _log_embeddings(self, epoch):
        entries = []
        folder = os.path.join(self.log_dir, "embeddings")
        os.makedirs(folder, exist_ok=True)
        for layer in self._embedding_layers():
            if not layer.weights:
                continue
            matrix = np.asarray(layer.weights[0].numpy())
            relative = f"embeddings/{layer.name}.tsv"
            write_text_atomic(os.path.join(self.log_dir, relative), embedding_tsv(matrix))
            entries.append((f"{layer.name}/embeddings", relative, self._embedding_metadata_paths.get(layer.name),
                            matrix.shape))
        if entries:
            write_projector_config(self.log_dir, entries)


def _weight_images(w):
    """Keras's layout of a weight as images ``(k, h, w, 1)``; None when it has no 2-D picture."""
    w = np.squeeze(w)
    if w.ndim == 1:  # bias: one column
        return w.reshape(1, w.shape[0], 1, 1)
    if w.ndim == 2:  # dense kernel, wider than tall
        if w.shape[0] > w.shape[1]:
            w = w.T
        return w.reshape(1, w.shape[0], w.shape[1], 1)
    if w.ndim == 3:  # conv kernel (h, w, channels): one image per channel
        w = np.transpose(w, (2, 0, 1))
        return w.reshape(w.shape[0], w.shape[1], w.shape[2], 1)
    return None
