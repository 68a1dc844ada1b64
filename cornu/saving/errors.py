"""What loading raises, and the limits that keep a hostile file from exhausting memory."""


class LoadError(ValueError):
    """A model or weights file could not be loaded (malformed, truncated or refused).

    A ``ValueError``, so ``except ValueError`` keeps working; the underlying
    error, when there is one, is chained as ``__cause__``.
    """


class UnsafeFileError(LoadError):
    """The file asks for something loading refuses to do (run code, read other files...)."""


# Byte limits: a file that declares more than this is refused before anything is read.
MAX_JSON_BYTES = 64 * 2**20  # config.json, metadata.json, model_config / training_config attributes
MAX_JSON_DEPTH = 256  # nesting of a config
MAX_DATASET_BYTES = 8 * 2**30  # one weight array
MAX_ARCHIVE_MEMBER_BYTES = 64 * 2**30  # model.weights.h5 inside a .keras archive
MAX_COMPRESSION_RATIO = 1000  # a zip member may not inflate more than this (zip bombs)
MAX_HDF5_OBJECTS = 1_000_000  # links in one HDF5 file
MAX_ATTRIBUTE_BYTES = 64 * 2**20  # one HDF5 attribute


__all__ = ["LoadError", "UnsafeFileError"]
