"""``LearningRateScheduler``: set the learning rate at the start of each epoch."""
import numbers

import numpy as np

from cornu import backend
from cornu.callbacks.callback import Callback
from cornu.utils import io_utils


def current_learning_rate(optimizer):
    """The optimizer's learning rate as a Python float."""
    return float(np.asarray(backend.convert_to_numpy(optimizer.learning_rate)))


def _as_rate(value):
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind == "f":
        return float(value)
    if hasattr(value, "shape") and hasattr(value, "dtype") and tuple(value.shape) == ():
        arr = np.asarray(backend.convert_to_numpy(value))
        if arr.dtype.kind == "f":
            return float(arr)
    raise ValueError(f"The output of the `schedule` function should be a float. Got: {value}")


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate from ``schedule`` at the start of each epoch.

    Args:
        schedule: ``schedule(epoch, lr) -> new_lr`` (epoch indexed from 0,
            ``lr`` the current rate as a float); Keras 1/2's one-argument
            ``schedule(epoch)`` works too.
        verbose: 1 prints the rate set at each epoch.

    The rate in force is added to the epoch logs as ``"learning_rate"`` (so
    ``History`` records it, as in Keras 3).

    Example:

    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * math.exp(-0.1)
    >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(scheduler)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            rate = self.schedule(epoch, current_learning_rate(optimizer))
        except TypeError:  # Keras 1/2 schedules take only the epoch
            rate = self.schedule(epoch)
        rate = _as_rate(rate)
        optimizer.learning_rate = rate
        return rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for idx, opt in enumerate(optimizer.optimizers):
                rate = self._update(opt, epoch)
                if self.verbose > 0:
                    io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {opt.name}_{idx} "
                                       f"learning rate to {rate}.")
            return
        rate = self._update(optimizer, epoch)
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for idx, opt in enumerate(optimizer.optimizers):
                logs[f"learning_rate_{opt.name}_{idx}"] = current_learning_rate(opt)
        else:
            logs["learning_rate"] = current_learning_rate(optimizer)
