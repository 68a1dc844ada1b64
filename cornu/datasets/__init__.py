"""Small standard datasets, as NumPy arrays (the Keras ``datasets`` API).

Every loader reads the same files Keras uses, under the same names, and
returns the same arrays. Files are looked up in ``$CORNU_DATASETS``, then the
cache folders (``$CORNU_HOME/datasets``, ``~/.keras/datasets``), and only then
downloaded. Nothing is ever unpickled: the pickled parts of the IMDB, Reuters
and CIFAR files are read by a restricted reader.
"""

from cornu.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
