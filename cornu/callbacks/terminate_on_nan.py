"""``TerminateOnNaN``: stop training when the loss becomes NaN or infinite."""
import math

from cornu.callbacks.callback import Callback
from cornu.callbacks.monitor_callback import to_scalar
from cornu.utils import io_utils


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite.

    Args:
        raise_error: with False (the default) training stops gracefully
            (``model.stop_training = True``, so ``on_train_end`` still runs);
            with True a ``RuntimeError`` is raised at once.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = to_scalar((logs or {}).get("loss"))
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                               "Terminating training immediately.")
        io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
