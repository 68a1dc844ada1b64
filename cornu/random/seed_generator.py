"""``SeedGenerator``: a stateful random seed usable inside compiled steps."""
import random as _py_random

from cornu import backend
from cornu.utils import naming


def make_default_seed():
    """A fresh seed from Python's RNG (repeatable after ``set_random_seed``)."""
    return _py_random.randint(1, int(1e9))


class SeedGenerator:
    """Produces a new seed on every ``next()`` from a (seed, counter) state variable.

    Because the state is a variable, random layers (Dropout, noise) get fresh
    randomness on every step even inside a jitted train step.

    Args:
        seed: an int for a repeatable stream, or ``None`` for a fresh one.
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"SeedGenerator: `seed` must be an int or None. Received: seed={seed!r}")
        self.name = name or naming.uniquify("seed_generator")
        self._initial_seed = seed
        seed = make_default_seed() if seed is None else seed
        with backend.device_scope("cpu"):
            self.state = backend.Variable(
                [int(seed) % (2**31 - 1), 0], shape=None, dtype="int32", trainable=False, name="seed_generator_state"
            )

    def next(self, ordered=True):
        """Return the current (seed, counter) state and advance the counter."""
        # A copy: on engines that assign in place (torch) the variable's own
        # tensor would otherwise show the advanced counter.
        state = backend.numpy.copy(self.state.value)
        self.state.assign(backend.numpy.add(state, backend.convert_to_tensor([0, 1], dtype="int32")))
        return state

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


_GLOBAL = []


def global_seed_generator():
    """The process-wide generator used when no seed is given (eager code only)."""
    if not _GLOBAL:
        _GLOBAL.append(SeedGenerator())
    return _GLOBAL[0]


def reset_global_seed_generator():
    _GLOBAL.clear()
