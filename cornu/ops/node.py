"""``Node``: one call of an operation on symbolic tensors, an edge set of the graph."""
import collections

from cornu.backend import KerasTensor
from cornu.utils import tree

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class Node:
    """Records ``outputs = operation(*call_args, **call_kwargs)`` on KerasTensors."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = [] if outputs is None else [
            x for x in tree.flatten(outputs) if isinstance(x, KerasTensor)
        ]
        self.input_tensors = [
            x for x in tree.flatten((self.call_args, self.call_kwargs)) if isinstance(x, KerasTensor)
        ]
        self.is_input = not self.call_args and not self.call_kwargs
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for x in self.input_tensors:
            if x._keras_history is not None:
                x._keras_history.operation._outbound_nodes.append(self)
        for i, x in enumerate(self.outputs):
            x._keras_history = KerasHistory(operation, node_index, i)

    @property
    def parent_nodes(self):
        """The nodes that produced this node's inputs."""
        parents = []
        for x in self.input_tensors:
            history = x._keras_history
            if history is not None:
                node = history.operation._inbound_nodes[history.node_index]
                if node not in parents:
                    parents.append(node)
        return parents

    def __repr__(self):
        return f"<Node operation={self.operation.name}, inputs={len(self.input_tensors)}>"


def get_source_inputs(tensor):
    """The input tensors (``Input(...)`` outputs) that ``tensor`` was computed from, in order found.

    ``tensor`` is a symbolic ``KerasTensor`` (or a nested structure of them);
    a tensor with no recorded history is its own source.
    """
    sources, seen, pending = [], set(), list(reversed(tree.flatten(tensor)))
    while pending:
        x = pending.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        history = getattr(x, "_keras_history", None)
        if history is None:
            sources.append(x)
            continue
        node = history.operation._inbound_nodes[history.node_index]
        if node.is_input:
            sources.append(x)
        else:
            pending.extend(reversed(node.input_tensors))
    return sources
