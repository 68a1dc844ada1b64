"""``CallbackList``: dispatches each hook to every callback."""
from cornu.callbacks.callback import Callback
from cornu.callbacks.history import History
from cornu.callbacks.progbar_logger import ProgbarLogger

_HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)


class CallbackList(Callback):
    """A container of callbacks; adds ``History`` and ``ProgbarLogger`` when asked."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback) and not all(hasattr(cb, h) for h in ("set_model", "set_params")):
                raise TypeError(
                    f"Every callback must be a `cornu.callbacks.Callback`; received {cb!r} "
                    f"(of type {type(cb).__name__})."
                )
        if add_history and not any(isinstance(cb, History) for cb in self.callbacks):
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.insert(0, ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)
            if isinstance(cb, History):
                model.history = cb

    def set_params(self, params):
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def __iter__(self):
        return iter(self.callbacks)


def _make_hook(name):
    def hook(self, *args, **kwargs):
        if args and not isinstance(args[-1], dict) and len(args) == 1 and name.endswith(("begin", "end")) \
                and name not in ("on_epoch_begin", "on_epoch_end") and "batch" not in name:
            kwargs["logs"] = args[0]
            args = ()
        for cb in self.callbacks:
            getattr(cb, name)(*args, **kwargs)

    hook.__name__ = name
    return hook


for _name in _HOOKS:
    setattr(CallbackList, _name, _make_hook(_name))
