"""``set_random_seed``: one call makes a run repeatable on an engine."""
import random as _py_random

import numpy as np

from cornu import backend
from cornu.random import seed_generator


def set_random_seed(seed):
    """Seed Python's ``random``, NumPy and the engine, so a script gives the same results each run.

    Layers created afterwards (initializers, dropout masks, shuffling) become repeatable.
    """
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` to be an integer. Received: seed={seed!r} (of type {type(seed).__name__})")
    _py_random.seed(seed)
    np.random.seed(seed % (2**32))
    backend.random.set_global_seed(seed)
    seed_generator.reset_global_seed_generator()
