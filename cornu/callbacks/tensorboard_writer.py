"""Event files for TensorBoard, written with the ``tensorboard`` package's own code.

``tensorboard`` (PyPI; ``pip install cornu[tensorboard]``) provides the event
file writer and the protocol buffers of each dashboard (scalars, histograms,
images, Keras conceptual graph, projector); nothing here needs TensorFlow.
Summaries use the same tensor-based layout as ``tf.summary`` (TF 2), so
TensorBoard reads them exactly as it reads Keras's logs.
"""
import os
import struct
import zlib

import numpy as np


def require_tensorboard():
    """Import the pieces of ``tensorboard`` used here, or say how to install it."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2  # noqa: PLC0415
        from tensorboard.summary.writer.event_file_writer import EventFileWriter  # noqa: PLC0415
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise ImportError(
            "The TensorBoard callback needs the `tensorboard` package: `pip install tensorboard` "
            f"(or `pip install cornu[tensorboard]`). Import failed with: {e}") from e
    return event_pb2, summary_pb2, EventFileWriter


def encode_png(image):
    """PNG bytes of a ``uint8`` array of shape ``(h, w, c)`` with c in 1, 3, 4 (no Pillow needed)."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + \
        chunk(b"IEND", b"")


def to_uint8_images(array):
    """Min-max scale a float array of shape ``(k, h, w, c)`` to ``uint8`` images."""
    array = np.asarray(array, dtype=np.float64)
    low, high = float(np.min(array)), float(np.max(array))
    scale = 255.0 / (high - low) if high > low else 0.0
    return np.clip(np.round((array - low) * scale), 0, 255).astype(np.uint8)


class SummaryWriter:
    """One run folder (``train/``, ``validation/``) of TensorBoard event records."""

    def __init__(self, logdir):
        self._event_pb2, self._summary_pb2, writer_cls = require_tensorboard()
        os.makedirs(logdir, exist_ok=True)
        self.logdir = logdir
        self._writer = writer_cls(logdir)

    def _add(self, summary, step, wall_time=None):
        import time  # noqa: PLC0415

        event = self._event_pb2.Event(wall_time=wall_time or time.time(), step=int(step), summary=summary)
        self._writer.add_event(event)

    def scalar(self, tag, value, step):
        """A scalar for the Scalars dashboard (``tf.summary.scalar``'s layout: float32 tensor)."""
        from tensorboard.plugins.scalar.summary_v2 import scalar_pb  # noqa: PLC0415

        self._add(scalar_pb(tag, np.asarray(value, dtype=np.float64)), step)

    def histogram(self, tag, values, step, buckets=None):
        """A histogram (TensorBoard's ``[k, 3]`` bucket tensor, 30 buckets by default)."""
        from tensorboard.plugins.histogram.summary_v2 import histogram_pb  # noqa: PLC0415

        self._add(histogram_pb(tag, np.asarray(values, dtype=np.float64), buckets=buckets), step)

    def image(self, tag, images, step, max_outputs=3):
        """Images ``(k, h, w, c)`` uint8, PNG-encoded (``tf.summary.image``'s layout)."""
        from tensorboard.plugins.image import metadata as image_metadata  # noqa: PLC0415
        from tensorboard.util import tensor_util  # noqa: PLC0415

        images = np.asarray(images, dtype=np.uint8)
        height, width = images.shape[1], images.shape[2]
        content = [str(width).encode(), str(height).encode()] + [encode_png(im) for im in images[:max_outputs]]
        tensor = tensor_util.make_tensor_proto(np.array(content, dtype=object), dtype=np.object_)
        metadata = image_metadata.create_summary_metadata(display_name=None, description=None)
        summary = self._summary_pb2.Summary()
        summary.value.add(tag=tag, metadata=metadata, tensor=tensor)
        self._add(summary, step)

    def keras_model(self, tag, json_string, step=0):
        """The model's JSON config, shown by the Graphs dashboard as a "Keras conceptual graph"."""
        from tensorboard.util import tensor_util  # noqa: PLC0415

        metadata = self._summary_pb2.SummaryMetadata()
        metadata.plugin_data.plugin_name = "graph_keras_model"
        metadata.plugin_data.content = b"1"
        tensor = tensor_util.make_tensor_proto(np.array(json_string.encode("utf-8"), dtype=object),
                                               dtype=np.object_)
        summary = self._summary_pb2.Summary()
        summary.value.add(tag=tag, metadata=metadata, tensor=tensor)
        self._add(summary, step)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()


def write_projector_config(log_dir, embeddings):
    """Write ``projector_config.pbtxt`` for the Projector plugin.

    ``embeddings``: ``[(tensor_name, tensor_path, metadata_path_or_None, shape)]``
    with paths relative to ``log_dir`` (the projector refuses paths outside it).
    """
    from google.protobuf import text_format  # noqa: PLC0415
    from tensorboard.plugins.projector import projector_config_pb2  # noqa: PLC0415

    config = projector_config_pb2.ProjectorConfig()
    for tensor_name, tensor_path, metadata_path, shape in embeddings:
        info = config.embeddings.add()
        info.tensor_name = tensor_name
        info.tensor_path = tensor_path
        info.tensor_shape.extend(int(d) for d in shape)
        if metadata_path:
            info.metadata_path = metadata_path
    write_text_atomic(os.path.join(log_dir, "projector_config.pbtxt"), text_format.MessageToString(config))


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def embedding_tsv(matrix):
    """The projector's TSV tensor format: one row per line, values separated by tabs."""
    matrix = np.asarray(matrix, dtype=np.float32)
    return "".join("\t".join(repr(float(v)) for v in row) + "\n" for row in matrix)
