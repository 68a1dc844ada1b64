"""``cornu.preprocessing`` (``keras.preprocessing``): ``image``, ``sequence`` and ``text``
modules, and Keras 3's dataset builders returning ``PyDataset`` objects for ``fit``."""
from cornu.preprocessing import image, sequence, text  # noqa: F401
from cornu.preprocessing.dataset_utils import (  # noqa: F401
    image_dataset_from_directory,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)

__all__ = ["image", "sequence", "text", "image_dataset_from_directory", "text_dataset_from_directory",
           "timeseries_dataset_from_array"]
