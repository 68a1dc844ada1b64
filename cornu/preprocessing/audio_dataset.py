"""``audio_dataset_from_directory``: batches of ``(audio, labels)`` from ``.wav`` files in
class sub-folders, built like ``image_dataset_from_directory`` (same indexing, shuffling,
validation split and label encodings) and returned as ``PyDataset`` objects.

Audio is decoded with the standard library's ``wave`` module into float32 arrays
of shape ``(samples, channels)``: 16-bit PCM is divided by 32768 (as
``tf.audio.decode_wav`` does), 8-bit unsigned PCM is centred and divided by 128,
24- and 32-bit PCM by ``2**23`` and ``2**31``.
"""
import wave

import numpy as np

from cornu.preprocessing.dataset_utils import (
    ArrayBatchDataset,
    encode_labels,
    get_training_or_validation_split,
    index_labeled_directory,
)

ALLOWED_FORMATS = (".wav",)


def read_wav(path):
    """``(audio, rate)``: a float32 ``(samples, channels)`` array in ``[-1, 1)`` and the file's
    sampling rate, read with the ``wave`` module (PCM files only)."""
    try:
        with wave.open(str(path), "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as e:
        raise ValueError(f"Could not decode {path} as a PCM .wav file: {e}") from e
    if width == 1:
        audio = (np.frombuffer(raw, dtype=np.uint8).astype("float32") - 128.0) / 128.0
    elif width == 2:
        audio = np.frombuffer(raw, dtype="<i2").astype("float32") / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        audio = values.astype("float32") / float(1 << 23)
    elif width == 4:
        audio = (np.frombuffer(raw, dtype="<i4").astype("float64") / float(1 << 31)).astype("float32")
    else:
        raise ValueError(f"Unsupported sample width of {width} bytes in {path}; expected 1, 2, 3 or 4.")
    return audio.reshape(-1, channels), rate


def resample(audio, rate_in, rate_out):
    """``audio`` (``(samples, channels)``) resampled from ``rate_in`` to ``rate_out`` Hz by
    band-limited (FFT) interpolation; returned unchanged when the rates agree."""
    if rate_in == rate_out or len(audio) == 0:
        return audio
    n_out = max(int(round(len(audio) * rate_out / rate_in)), 1)
    spectrum = np.fft.rfft(audio, axis=0)
    keep = n_out // 2 + 1
    if keep <= spectrum.shape[0]:
        spectrum = spectrum[:keep]
    else:
        spectrum = np.concatenate([spectrum, np.zeros((keep - spectrum.shape[0],) + spectrum.shape[1:],
                                                      spectrum.dtype)])
    return (np.fft.irfft(spectrum, n=n_out, axis=0) * (n_out / len(audio))).astype("float32")


def _fit_length(audio, length):
    if len(audio) >= length:
        return audio[:length]
    return np.concatenate([audio, np.zeros((length - len(audio), audio.shape[1]), audio.dtype)])


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None, follow_links=False, verbose=True):
    """Batches of ``(audio, labels)`` from ``directory/<class>/<file>.wav`` (``audio`` alone
    with ``labels=None`` or ``label_mode=None``).

    Args:
        directory: folder with one sub-folder per class (``labels="inferred"``).
        labels: ``"inferred"``, None, or a list/tuple of integer labels, one per
            ``.wav`` file in sorted path order.
        label_mode: ``"int"`` (int32 ids), ``"categorical"`` (float32 one-hot),
            ``"binary"`` (float32 ``(batch, 1)``, two classes) or None.
        class_names: explicit order of the class sub-folders.
        batch_size: samples per batch; None yields single samples.
        sampling_rate: resample every file to this rate (band-limited FFT
            resampling; Keras uses tensorflow-io, so values differ slightly).
        output_sequence_length: truncate or zero-pad every clip to this many
            samples.  When None, clips in a batch are zero-padded to the longest.
        ragged: keep each clip's own length: batches hold a list of
            ``(samples, channels)`` arrays instead of one padded array.
        shuffle, seed, validation_split, subset, follow_links, verbose: as in
            ``image_dataset_from_directory``; ``subset="both"`` returns
            ``(training, validation)``.

    Returns:
        A ``PyDataset`` yielding float32 ``(batch, samples, channels)`` audio
        (and labels), with ``class_names`` and ``file_paths`` attributes.
    """
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("The `labels` argument should be a list/tuple of integer labels, of the same size as "
                             "the number of audio files in the target directory. If you wish to infer the labels "
                             'from the subdirectory names in the target directory, pass `labels="inferred"`. If you '
                             "wish to get a dataset that only contains audio samples (no labels), pass "
                             f"`labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, '
                             f"and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if output_sequence_length is not None and (isinstance(output_sequence_length, bool) or not isinstance(
            output_sequence_length, (int, np.integer)) or output_sequence_length <= 0):
        raise ValueError("`output_sequence_length` should be a positive integer or None. Received: "
                         f"output_sequence_length={output_sequence_length!r}")
    if sampling_rate is not None:
        if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, (int, np.integer)):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or batch_size <= 0):
        raise ValueError(f"`batch_size` should be a positive integer or None. Received: batch_size={batch_size!r}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    paths, labels, class_names, seed = index_labeled_directory(
        directory, labels, label_mode, ALLOWED_FORMATS, class_names, shuffle, seed, follow_links, verbose,
        validation_split, subset)

    def load_clip(path):
        audio, rate = read_wav(path)
        if sampling_rate is not None:
            audio = resample(audio, rate, int(sampling_rate))
        if output_sequence_length is not None:
            audio = _fit_length(audio, int(output_sequence_length))
        return audio

    def build(part_paths, part_labels, is_training, what=""):
        if len(part_paths) == 0:
            raise ValueError(f"No {what}audio files found in directory {directory}. Allowed format(s): "
                             f"{ALLOWED_FORMATS}")
        encoded = None if part_labels is None else encode_labels(part_labels, label_mode,
                                                                 len(class_names) if class_names else 0)

        def load(indices, single):
            clips = [load_clip(part_paths[i]) for i in indices]
            if single:
                x = clips[0]
            elif ragged:
                x = clips
            else:
                channels = {c.shape[1] for c in clips}
                if len(channels) != 1:
                    raise ValueError("All audio files in a batch must have the same number of channels. Received "
                                     f"channel counts {sorted(channels)} in files "
                                     f"{[part_paths[i] for i in indices]}")
                longest = max(len(c) for c in clips)
                x = np.stack([_fit_length(c, longest) for c in clips]).astype("float32")
            if encoded is None:
                return x
            return x, (encoded[indices[0]] if single else encoded[indices])

        return ArrayBatchDataset(len(part_paths), load, batch_size=batch_size, shuffle=shuffle and is_training,
                                 seed=seed, class_names=class_names, file_paths=list(part_paths))

    if subset == "both":
        train = get_training_or_validation_split(paths, labels, validation_split, "training")
        val = get_training_or_validation_split(paths, labels, validation_split, "validation")
        return build(*train, True, "training "), build(*val, False, "validation ")
    return build(*get_training_or_validation_split(paths, labels, validation_split, subset), True)


__all__ = ["audio_dataset_from_directory", "read_wav", "resample"]
