"""Keras 3's dataset builders -- ``image_dataset_from_directory``,
``text_dataset_from_directory``, ``timeseries_dataset_from_array`` -- returning
``PyDataset`` objects that ``fit``/``evaluate``/``predict`` consume (Keras returns
``tf.data`` datasets; iterating either gives the same batches).

Files are indexed as Keras does: class folders in sorted order (or the given
``class_names`` order), files sorted within them, then the whole list shuffled
with ``np.random.RandomState(seed)`` (labels shuffled with a second generator
of the same seed), then split: the last ``int(validation_split * n)`` files
are the validation subset.
"""
import os

import numpy as np

from cornu import backend
from cornu.utils import PyDataset

IMAGE_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TEXT_FORMATS = (".txt",)


class ArrayBatchDataset(PyDataset):
    """Batches built on demand from ``n`` samples: ``load(indices) -> batch``.

    With ``shuffle`` the sample order is redrawn (seeded) after every epoch.
    ``batch_size=None`` yields single samples.  Extra keyword arguments become
    attributes (``class_names``, ``file_paths``).
    """

    def __init__(self, n, load, batch_size=32, shuffle=False, seed=None, **attributes):
        super().__init__()
        self._n = int(n)
        self._load = load
        self.batch_size = batch_size
        self._shuffle = shuffle
        self._rng = np.random.RandomState(seed)
        self._order = self._rng.permutation(self._n) if shuffle else np.arange(self._n)
        for key, value in attributes.items():
            setattr(self, key, value)

    def __len__(self):
        if self.batch_size is None:
            return self._n
        return (self._n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f"Batch index {index} out of range for a dataset of {len(self)} batches.")
        if self.batch_size is None:
            return self._load(self._order[index:index + 1], single=True)
        return self._load(self._order[index * self.batch_size:(index + 1) * self.batch_size], single=False)

    def on_epoch_end(self):
        if self._shuffle:
            self._order = self._rng.permutation(self._n)


# -- indexing files ---------------------------------------------------------------------------
def check_validation_split_arg(validation_split, subset, shuffle, seed):
    """Keras's checks of ``validation_split``/``subset``/``seed``."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a `seed` argument, "
                         "to make sure that there is no overlap between the training and validation subset.")


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """``(file_paths, labels, class_names)`` of the files under ``directory``.

    ``labels="inferred"``: one class per sub-folder; a list: one label per file
    (files in sorted order); None: no labels.
    """
    if labels == "inferred":
        subdirs = [d.rstrip("/") for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the subdirectories of the "
                                 f"target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified.")
            raise ValueError("When argument `labels` is specified, argument `class_names` cannot be specified (the "
                             "`class_names` will be the sorted list of labels).")
    class_indices = {name: i for i, name in enumerate(subdirs)}
    filenames, found_labels = [], []
    for subdir in subdirs:
        root_dir = os.path.join(directory, subdir)
        dirname = os.path.basename(root_dir.rstrip(os.sep))
        for root, _, files in sorted(os.walk(root_dir, followlinks=follow_links), key=lambda t: t[0]):
            for name in sorted(files):
                if name.lower().endswith(formats):
                    rel = os.path.relpath(os.path.join(root, name), root_dir)
                    filenames.append(os.path.join(dirname, rel) if subdir else rel)
                    found_labels.append(class_indices[subdir])
    if labels == "inferred":
        labels = np.asarray(found_labels, dtype="int32")
        class_names = subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError("Expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(filenames)} files in "
                             f"directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
        labels = np.asarray(labels)
    if verbose:
        if labels is None:
            print(f"Found {len(filenames)} files.")
        else:
            print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def index_labeled_directory(directory, labels, label_mode, formats, class_names, shuffle, seed, follow_links,
                            verbose, validation_split, subset):
    """The common start of the ``*_dataset_from_directory`` builders.

    Checks the split arguments, draws a seed when none is given, indexes the
    files and checks that ``label_mode="binary"`` has two classes. Returns
    ``(paths, labels, class_names, seed)``.
    """
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(directory, labels, formats, class_names=class_names,
                                                 shuffle=shuffle, seed=seed, follow_links=follow_links,
                                                 verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: '
                         f"class_names={class_names}")
    return paths, labels, class_names, seed


def get_training_or_validation_split(samples, labels, validation_split, subset):
    """The ``subset`` part: validation is the last ``int(validation_split * n)`` samples."""
    if not validation_split:
        return samples, labels
    num_val = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - num_val} files for training.")
        part = slice(None, -num_val) if num_val else slice(None)
    elif subset == "validation":
        print(f"Using {num_val} files for validation.")
        part = slice(-num_val, None) if num_val else slice(0, 0)
    else:
        raise ValueError('`subset` must be either "training" or "validation", received: ' f"{subset}")
    return samples[part], None if labels is None else labels[part]


def encode_labels(labels, label_mode, num_classes):
    """Labels as Keras yields them: int32 ids, float32 one-hot, or float32 ``(n, 1)``."""
    if label_mode == "int":
        return np.asarray(labels, dtype="int32")
    if label_mode == "binary":
        return np.asarray(labels, dtype="float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[np.asarray(labels, dtype="int64")]
    raise ValueError(f"Unknown label_mode: {label_mode}")


def _pair(x, y, single):
    if single:
        x = x[0]
        y = None if y is None else y[0]
    return x if y is None else (x, y)


def _subsets(paths, labels, validation_split, subset, build):
    if subset == "both":
        train = get_training_or_validation_split(paths, labels, validation_split, "training")
        val = get_training_or_validation_split(paths, labels, validation_split, "validation")
        return build(*train, True), build(*val, False)
    return build(*get_training_or_validation_split(paths, labels, validation_split, subset), True)


# -- images -----------------------------------------------------------------------------------
def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, data_format=None,
                                 verbose=True):
    """Batches of ``(images, labels)`` from ``directory/<class>/<image>`` (or ``images`` alone
    with ``labels=None``).

    Images are float32 in ``[0, 255]``, resized to ``image_size`` with
    ``interpolation`` (``"bilinear"`` or ``"nearest"``; half-pixel centres),
    cropped (``crop_to_aspect_ratio``) or padded (``pad_to_aspect_ratio``) to the
    target aspect ratio first if asked.  ``label_mode``: ``"int"``,
    ``"categorical"``, ``"binary"`` or None.  ``subset="both"`` returns
    ``(training, validation)``.  The result has ``class_names`` and ``file_paths``.
    """
    from cornu.preprocessing.image_utils import smart_resize  # noqa: PLC0415

    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the "
                             "number of image files in the target directory. If you wish to infer the labels from "
                             'the subdirectory names in the target directory, pass `labels="inferred"`. If you '
                             f"wish to get a dataset that only contains images (no labels), pass `labels=None`. "
                             f"Received: labels={labels}")
        if class_names:
            raise ValueError(f"You can only pass `class_names` if `labels='inferred'`. Received: labels={labels}, "
                             f"and class_names={class_names}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
    if color_mode not in channels:
        raise ValueError(f'`color_mode` must be one of {{"rgb", "rgba", "grayscale"}}. Received: {color_mode}')
    interpolation = interpolation.lower()
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"`interpolation` {interpolation!r} is not supported by cornu; use 'bilinear' or 'nearest'.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `crop_to_aspect_ratio`, `pad_to_aspect_ratio` can be set to `True`.")
    data_format = backend.standardize_data_format(data_format)
    paths, labels, class_names, seed = index_labeled_directory(
        directory, labels, label_mode, IMAGE_FORMATS, class_names, shuffle, seed, follow_links, verbose,
        validation_split, subset)
    mode = {"rgb": "RGB", "rgba": "RGBA", "grayscale": "L"}[color_mode]
    size = tuple(image_size)

    def load_image(path):
        from cornu import ops  # noqa: PLC0415
        from PIL import Image  # noqa: PLC0415

        with Image.open(path) as img:
            x = np.asarray(img.convert(mode), dtype="float32")
        x = x.reshape(x.shape[:2] + (channels[color_mode],))
        if crop_to_aspect_ratio:
            x = smart_resize(x, size, interpolation=interpolation)
        else:
            x = backend.convert_to_numpy(ops.image.resize(x, size, interpolation=interpolation,
                                                          pad_to_aspect_ratio=pad_to_aspect_ratio,
                                                          data_format="channels_last"))
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x

    def build(part_paths, part_labels, is_training):
        encoded = None if part_labels is None else encode_labels(part_labels, label_mode, len(class_names))

        def load(indices, single):
            x = np.stack([load_image(part_paths[i]) for i in indices]).astype("float32")
            return _pair(x, None if encoded is None else encoded[indices], single)

        return ArrayBatchDataset(len(part_paths), load, batch_size=batch_size, shuffle=shuffle and is_training,
                                 seed=seed, class_names=class_names, file_paths=list(part_paths))

    return _subsets(paths, labels, validation_split, subset, build)


# -- text ---------------------------------------------------------------------------------------
def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                max_length=None, shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, verbose=True):
    """Batches of ``(texts, labels)`` from ``directory/<class>/<file>.txt``: texts are a NumPy
    object array of ``str`` (truncated to ``max_length`` characters), labels as in
    ``image_dataset_from_directory``."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError("`labels` argument should be a list/tuple of integer labels, of the same size as the "
                         f'number of text files in the target directory, "inferred" or None. Received: {labels}')
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(f'`label_mode` argument must be one of "int", "categorical", "binary", or None. Received: '
                         f"label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    paths, labels, class_names, seed = index_labeled_directory(
        directory, labels, label_mode, TEXT_FORMATS, class_names, shuffle, seed, follow_links, verbose,
        validation_split, subset)

    def read(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        return text if max_length is None else text[:max_length]

    def build(part_paths, part_labels, is_training):
        encoded = None if part_labels is None else encode_labels(part_labels, label_mode, len(class_names))

        def load(indices, single):
            texts = np.empty(len(indices), dtype=object)
            texts[:] = [read(part_paths[i]) for i in indices]
            return _pair(texts, None if encoded is None else encoded[indices], single)

        return ArrayBatchDataset(len(part_paths), load, batch_size=batch_size, shuffle=shuffle and is_training,
                                 seed=seed, class_names=class_names, file_paths=list(part_paths))

    return _subsets(paths, labels, validation_split, subset, build)


# -- time series --------------------------------------------------------------------------------
def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Batches of sliding windows over ``data`` (and their ``targets``).

    Window ``i`` starts at ``start_index + p_i`` with ``p_i = i * sequence_stride``
    and takes ``sequence_length`` steps ``sampling_rate`` apart; its target is
    ``targets[start_index + p_i]``.  Windows must end before ``end_index``.
    ``shuffle`` shuffles the windows once (seeded), as Keras does.
    """
    data = np.asarray(data)
    targets = None if targets is None else np.asarray(targets)
    if start_index is not None and (start_index < 0 or start_index >= len(data)):
        raise ValueError(f"`start_index` must be 0 <= start_index < {len(data)}. Received: start_index={start_index}")
    if end_index is not None:
        if start_index is not None and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= len(data):
            raise ValueError(f"`end_index` must be < {len(data)}. Received: end_index={end_index}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0 or sampling_rate >= len(data):
        raise ValueError(f"`sampling_rate` must be higher than 0 and lower than {len(data)}. Received: "
                         f"sampling_rate={sampling_rate}")
    if sequence_stride <= 0 or sequence_stride >= len(data):
        raise ValueError(f"`sequence_stride` must be higher than 0 and lower than {len(data)}. Received: "
                         f"sequence_stride={sequence_stride}")
    start_index = 0 if start_index is None else start_index
    end_index = len(data) if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    steps = np.arange(sequence_length) * sampling_rate

    def load(indices, single):
        positions = start_index + starts[indices]
        x = np.stack([np.asarray(data[p + steps]) for p in positions])
        y = None if targets is None else np.stack([np.asarray(targets[p]) for p in positions])
        return _pair(x, y, single)

    return ArrayBatchDataset(len(starts), load, batch_size=batch_size, shuffle=False)


__all__ = ["image_dataset_from_directory", "text_dataset_from_directory", "timeseries_dataset_from_array",
           "ArrayBatchDataset", "index_directory", "get_training_or_validation_split",
           "check_validation_split_arg"]
