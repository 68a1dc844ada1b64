"""Per-call state shared by a layer and the layers it calls (``training`` propagation)."""
import threading

_state = threading.local()


class CallContext:
    """Created by the outermost layer call; nested layers read ``training`` from it."""

    def __init__(self, entry_layer, training=None):
        self.entry_layer = entry_layer
        self.training = training


def get_call_context():
    return getattr(_state, "context", None)


def set_call_context(context):
    _state.context = context
