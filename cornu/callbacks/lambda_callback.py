"""``LambdaCallback``: a callback built from plain functions."""
from cornu.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_train_batch_begin",
    "on_train_batch_end", "on_batch_begin", "on_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)


class LambdaCallback(Callback):
    """Run the given functions at the matching points of training.

    Each argument is a function with the hook's signature:
    ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)``,
    ``on_train_begin(logs)``, ``on_train_end(logs)``,
    ``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``,
    and, as keyword arguments, Keras 2's ``on_batch_begin``/``on_batch_end``
    and the ``on_test_*``/``on_predict_*`` hooks.

    Example:

    >>> print_batch = LambdaCallback(on_batch_begin=lambda batch, logs: print(batch))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        unknown = sorted(k for k in kwargs if k not in _HOOKS)
        if unknown:
            raise TypeError(f"LambdaCallback() got unexpected keyword arguments: {unknown}; "
                            f"the hooks are {list(_HOOKS)}.")
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)
