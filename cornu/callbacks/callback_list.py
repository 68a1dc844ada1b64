"""``CallbackList``: dispatches each hook to every callback."""
from cornu.callbacks.callback import Callback
from cornu.callbacks.history import History
from cornu.callbacks.logs import pythonify_logs, wants_batch_logs
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
    takes_index = "epoch" in name or "batch" in name
    batch_end = name.endswith("_batch_end")

    # Every callback gets its arguments positionally, ``logs`` always included (a
    # dict, ``{}`` when there is nothing to log), as Keras passes them: callbacks
    # built from plain functions (``LambdaCallback(on_train_begin=lambda logs: ...)``)
    # rely on it.
    def hook(self, *args, **kwargs):
        if takes_index:
            index = args[0] if args else kwargs.pop("epoch", kwargs.pop("batch", None))
            logs = args[1] if len(args) > 1 else kwargs.pop("logs", None)
            call_args = (index, {} if logs is None else logs)
        else:
            logs = args[0] if args else kwargs.pop("logs", None)
            call_args = ({} if logs is None else logs,)
        if batch_end and call_args[1]:
            # Tensors for callbacks that only pass them on (or draw them now and
            # then); Python numbers, converted once, for those that read them.
            raw, python = call_args[1], None
            for cb in self.callbacks:
                if wants_batch_logs(cb, name):
                    python = pythonify_logs(raw) if python is None else python
                    getattr(cb, name)(call_args[0], python)
                else:
                    getattr(cb, name)(call_args[0], raw)
            return
        for cb in self.callbacks:
            getattr(cb, name)(*call_args)

    hook.__name__ = name
    return hook


for _name in _HOOKS:
    setattr(CallbackList, _name, _make_hook(_name))
