"""``cornu.callbacks``: hooks into training (History, progress bar and more)."""
from cornu.callbacks.callback import Callback
from cornu.callbacks.callback_list import CallbackList
from cornu.callbacks.history import History
from cornu.callbacks.progbar_logger import ProgbarLogger
from cornu.serialization import register_builtin

for _cls in (Callback, CallbackList, History, ProgbarLogger):
    register_builtin("keras.callbacks", _cls)

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
