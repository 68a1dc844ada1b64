"""``cornu.utils``: helpers users reach for (progress bar, files, one-hot, seeds, ...)."""
from cornu.utils.config_object import Config  # noqa: F401
from cornu.utils.dataset_split import SplitDataset, split_dataset  # noqa: F401
from cornu.utils.file_utils import extract_archive, get_file, hash_file, resolve_dataset_file, validate_file  # noqa: F401
from cornu.utils.naming import auto_name, get_uid, reset_uids, to_snake_case, uniquify  # noqa: F401
from cornu.utils.numerical_utils import normalize, to_categorical  # noqa: F401
from cornu.utils.progbar import Progbar  # noqa: F401
from cornu.utils.py_dataset import PyDataset, Sequence  # noqa: F401

__all__ = ["extract_archive", "get_file", "hash_file", "resolve_dataset_file", "validate_file",
           "auto_name", "get_uid", "reset_uids", "to_snake_case", "uniquify", "normalize",
           "to_categorical", "Progbar", "PyDataset", "Sequence", "Config", "SplitDataset", "split_dataset"]
