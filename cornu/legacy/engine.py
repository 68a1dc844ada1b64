"""Names of Keras 1/2's ``keras.engine`` (``topology``, ``training``) that Keras 3 dropped."""
from cornu.legacy.layers import Merge, merge  # noqa: F401  (Keras 1 kept them in keras.engine.topology)
from cornu.models import Functional

Container = Functional  # Keras 1
Network = Functional  # Keras 2.0 - 2.2


def get_source_inputs(tensor, layer=None, node_index=None):
    """The ``Input`` tensors a symbolic tensor is computed from (Keras 2)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return [tensor]
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        return [tensor]
    found = []
    for parent in node.input_tensors:
        for x in get_source_inputs(parent):
            if not any(x is y for y in found):
                found.append(x)
    return found


__all__ = ["Container", "Network", "get_source_inputs", "Merge", "merge"]
