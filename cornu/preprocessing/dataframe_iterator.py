"""``DataFrameIterator`` (``ImageDataGenerator.flow_from_dataframe``): image files named in a
table column, labels from other columns.

The table is read column by column (``list(dataframe[column])``), so a pandas
``DataFrame`` works and so does a plain ``dict`` of equal-length lists.
"""
import collections
import os
import warnings

import numpy as np

from cornu.preprocessing.image_iterators import BatchFromFilesMixin, Iterator


def validate_filename(filename, white_list_formats):
    """Whether ``filename`` is an existing file with an allowed image extension."""
    return filename.lower().endswith(white_list_formats) and os.path.isfile(filename)


def _column(dataframe, name):
    return list(dataframe[name])


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of augmented images listed in ``dataframe[x_col]`` (paths, relative to
    ``directory`` if given), labelled from ``y_col`` according to ``class_mode``:
    ``"categorical"`` / ``"binary"`` / ``"sparse"`` (class names), ``"raw"`` (values),
    ``"multi_output"`` (a list of columns), ``"input"`` or None."""

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse", None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename", y_col="class",
                 weight_col=None, target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
                 batch_size=32, shuffle=True, seed=None, data_format="channels_last", save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, interpolation="nearest", keep_aspect_ratio=False,
                 dtype="float32", validate_filenames=True):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                  save_prefix, save_format, subset, interpolation, keep_aspect_ratio)
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        rows = self._read_rows(dataframe, x_col, y_col, weight_col)
        self._check_params(rows, classes)
        if validate_filenames:
            rows = self._filter_valid_filepaths(rows, x_col)
        num_classes = None
        if class_mode not in ("input", "multi_output", "raw", None):
            rows, classes = self._filter_classes(rows, classes)
            num_classes = len(classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            start, stop = int(self.split[0] * len(rows)), int(self.split[1] * len(rows))
            rows = rows[start:stop]
        if class_mode not in ("input", "multi_output", "raw", None):
            self.classes = self.get_classes(rows)
        self.filenames = [r["x"] for r in rows]
        self._sample_weight = np.asarray([r["w"] for r in rows]) if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array([r["y"][k] for r in rows]) for k in range(len(y_col))]
        if class_mode == "raw":
            self._targets = np.asarray([r["y"] for r in rows])
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        if num_classes is None:
            print(f"Found {self.samples} {validated} image filenames.")
        else:
            print(f"Found {self.samples} {validated} image filenames belonging to {num_classes} classes.")
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _read_rows(self, dataframe, x_col, y_col, weight_col):
        if self.class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {self.class_mode}; expected one of: {self.allowed_class_modes}")
        if self.class_mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{self.class_mode}", y_col must be a list. Received '
                            f"{type(y_col).__name__}.")
        xs = _column(dataframe, x_col)
        if not all(isinstance(x, str) for x in xs):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if self.class_mode in ("input", None):
            ys = [None] * len(xs)
        elif self.class_mode == "multi_output":
            columns = [_column(dataframe, c) for c in y_col]
            ys = [tuple(c[i] for c in columns) for i in range(len(xs))]
        else:
            ys = _column(dataframe, y_col)
        ws = _column(dataframe, weight_col) if weight_col else [None] * len(xs)
        if weight_col and not all(isinstance(w, (int, float, np.number)) and not isinstance(w, bool) for w in ws):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")
        self._y_col = y_col
        return [{"x": x, "y": y, "w": w} for x, y, w in zip(xs, ys, ws)]

    def _check_params(self, rows, classes):
        mode, y_col = self.class_mode, self._y_col
        labels = [r["y"] for r in rows]
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in labels):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be strings.')
        if mode == "binary":
            found = len(set(classes)) if classes else len(set(labels))
            if found != 2:
                raise ValueError(f'If class_mode="binary" there must be 2 classes. Found {found} classes.')
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple)) for v in labels):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be type string, list '
                            "or tuple.")
        if classes and mode in ("input", "multi_output", "raw", None):
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"', UserWarning, stacklevel=4)

    def _filter_valid_filepaths(self, rows, x_col):
        keep = [r for r in rows if validate_filename(os.path.join(self.directory, r["x"]), self.white_list_formats)]
        if len(keep) != len(rows):
            warnings.warn(f'Found {len(rows) - len(keep)} invalid image filename(s) in x_col="{x_col}". These '
                          "filename(s) will be ignored.", UserWarning, stacklevel=3)
        return keep

    def _filter_classes(self, rows, classes):
        if classes:
            classes = list(collections.OrderedDict.fromkeys(classes))
            wanted = set(classes)
            kept = []
            for r in rows:
                y = r["y"]
                if isinstance(y, (list, tuple)):
                    y = [c for c in y if c in wanted] or None
                elif not isinstance(y, str):
                    raise TypeError(f"Expect string, list or tuple but found {type(y)} in {self._y_col} column ")
                elif y not in wanted:
                    y = None
                if y is not None:
                    kept.append(dict(r, y=y))
            return kept, classes
        found = set()
        for r in rows:
            found.update(r["y"] if isinstance(r["y"], (list, tuple)) else [r["y"]])
        return rows, sorted(found)

    def get_classes(self, rows):
        return [[self.class_indices[c] for c in r["y"]] if isinstance(r["y"], (list, tuple))
                else self.class_indices[r["y"]] for r in rows]

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self._targets if self.class_mode in ("multi_output", "raw") else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight


__all__ = ["DataFrameIterator", "validate_filename"]
