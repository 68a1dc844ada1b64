"""``LayerNodesMixin``: a layer's call history as Keras exposes it (``input``, ``output``, ``get_input_at``...).

Every symbolic call of a layer records a ``Node``; these accessors read the
tensors of those nodes. Mixed into ``Layer``.
"""
from cornu.utils import tree


class LayerNodesMixin:
    """``input``/``output``/``input_shape``/``output_shape`` and ``get_{input,output}_at``."""

    def _node_tensor(self, attr, what):
        # ValueError, not AttributeError: a property raising AttributeError would be
        # masked by torch.nn.Module.__getattr__ with a misleading message.
        if not self._inbound_nodes:
            raise ValueError(f"Layer '{self.name}' has never been called and thus has no defined {what}.")
        # As in Keras 3: the tensors of the *first* call (`get_{what}_at(i)` for the others).
        # Keras 2 code reads `model.layers[i].output` of Sequential models, whose layers
        # gain a node at every rebuild.
        return self._get_node_attribute_at_index(0, attr, what)

    def _get_node_attribute_at_index(self, node_index, attr, what):
        node = self._inbound_nodes[node_index]
        values = node.input_tensors if attr == "input_tensors" else node.outputs
        return values[0] if len(values) == 1 else list(values)

    @property
    def input(self):
        return self._node_tensor("input_tensors", "input")

    @property
    def output(self):
        return self._node_tensor("outputs", "output")

    def get_input_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, "input_tensors", "input")

    def get_output_at(self, node_index):
        return self._get_node_attribute_at_index(node_index, "outputs", "output")

    @property
    def input_shape(self):
        return tree.map_structure(lambda x: tuple(x.shape), self.input)

    @property
    def output_shape(self):
        return tree.map_structure(lambda x: tuple(x.shape), self.output)
