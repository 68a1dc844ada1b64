"""``Functional``: a model defined as a graph of layer calls on symbolic tensors."""
import warnings

from cornu import backend
from cornu.backend import KerasTensor
from cornu.layers.layer import Layer
from cornu.layers.layer_utils import _auto_mask_kwargs, _mask_structure, _output_masks
from cornu.models.model import Model
from cornu.utils import tree


class Functional(Model):
    """A model from ``inputs`` to ``outputs`` (single, list or dict of KerasTensors)."""

    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls)

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        if "input" in kwargs or "output" in kwargs:
            warnings.warn("`Model(input=..., output=...)` is the Keras 1 spelling; use "
                          "`Model(inputs=..., outputs=...)`.", DeprecationWarning, stacklevel=2)
            inputs = kwargs.pop("input", inputs)
            outputs = kwargs.pop("output", outputs)
        if inputs is None or outputs is None:
            raise ValueError("A functional model needs both `inputs` and `outputs`.")
        trainable = kwargs.pop("trainable", True)
        if isinstance(inputs, dict):
            for key, x in inputs.items():
                if not isinstance(x, KerasTensor):
                    raise ValueError(f"Model input {key!r} must be a KerasTensor (from `Input`); got {x!r}.")
        flat_inputs = tree.flatten(inputs)
        flat_outputs = tree.flatten(outputs)
        for x in flat_inputs + flat_outputs:
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    "All `inputs` and `outputs` of a functional model must be symbolic tensors "
                    f"(created by `cornu.Input` and layer calls). Received: {x!r}"
                )
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = flat_inputs
        self._outputs = flat_outputs
        self._nodes, operations = _build_graph(flat_inputs, flat_outputs)
        # Listing order (model.layers, configs, weight files) follows Keras; execution
        # follows self._nodes (topological).
        rank = {id(op): i for i, op in enumerate(keras_layer_order(flat_inputs, flat_outputs))}
        if len(rank) == len(operations) and all(id(op) in rank for op in operations):
            operations = sorted(operations, key=lambda op: rank[id(op)])
        self._operations = operations
        self._functional_layers = [op for op in operations if isinstance(op, Layer)]
        for layer in self._functional_layers:
            self._track_value(layer.name, layer)
        self.built = True
        self._build_shapes = tree.map_structure(lambda x: tuple(x.shape), inputs)
        self.input_spec = None

    # -- structure ---------------------------------------------------------------
    @property
    def layers(self):
        """The layers of the graph in topological order (input layers included)."""
        return list(self._functional_layers)

    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input(self):
        return self._inputs_struct if not isinstance(self._inputs_struct, (list, tuple)) or len(self._inputs) != 1 \
            else self._inputs[0]

    @property
    def output(self):
        return self._outputs_struct if not isinstance(self._outputs_struct, (list, tuple)) or len(self._outputs) != 1 \
            else self._outputs[0]

    @property
    def input_names(self):
        return [x._keras_history.operation.name for x in self._inputs]

    @property
    def output_names(self):
        return [x._keras_history.operation.name for x in self._outputs]

    def _sublayers(self):
        return list(self._functional_layers) + [
            layer for layer in super()._sublayers() if layer not in self._functional_layers
        ]

    # -- execution ---------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        flat = self._flatten_call_inputs(inputs)
        values = {}
        masks = {}
        for x, value in zip(self._inputs, flat):
            values[id(x)] = _cast_input(value, x.dtype)
        if mask is not None:
            for x, m in zip(self._inputs, tree.flatten(mask)):
                if m is not None:
                    masks[id(x)] = m
        for node in self._nodes:
            operation = node.operation
            if node.is_input:
                continue
            args, kwargs = tree.map_structure(
                lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                (node.call_args, node.call_kwargs),
            )
            kwargs = dict(kwargs)
            out_mask = None
            if isinstance(operation, Layer):
                sig = operation._call_signature
                if sig.accepts_training and kwargs.get("training") is None:
                    kwargs["training"] = training

                def mask_of(t):
                    return masks.get(id(t)) if isinstance(t, KerasTensor) else None

                # Every tensor argument's mask, from this model's table (tensors may not carry them).
                kwargs.update(_auto_mask_kwargs(sig, node.call_args, node.call_kwargs, mask_of))
                outputs = operation(*args, **kwargs)
                in_mask = kwargs.get("mask") if sig.accepts_mask else None
                if in_mask is None and node.call_args:
                    in_mask = _mask_structure(node.call_args[0], mask_of)
                if in_mask is not None or type(operation).compute_mask is not Layer.compute_mask:
                    out_mask = operation.compute_mask(args[0] if args else None, in_mask)
            else:
                outputs = operation(*args, **kwargs)
            for x, value in zip(node.outputs, tree.flatten(outputs)):
                values[id(x)] = value
            for x, m in _output_masks(node.outputs, out_mask):
                if m is not None:
                    masks[id(x)] = m
        result = [values[id(x)] for x in self._outputs]
        for x, value in zip(self._outputs, result):
            if id(x) in masks:
                try:
                    value._keras_mask = masks[id(x)]
                except AttributeError:
                    pass
        return tree.pack_sequence_as(self._outputs_struct, result)

    def _flatten_call_inputs(self, inputs):
        if isinstance(self._inputs_struct, dict):
            if isinstance(inputs, dict):
                missing = [k for k in self._inputs_struct if k not in inputs]
                if missing:
                    raise ValueError(
                        f"Model '{self.name}' is missing input(s) {missing}; it expects the keys "
                        f"{list(self._inputs_struct)} and received {list(inputs)}."
                    )
                return [inputs[k] for k in sorted(self._inputs_struct)]
            inputs = tree.flatten(inputs)
        elif isinstance(inputs, dict):
            names = self.input_names
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}; the dict passed is "
                    f"missing {missing} (received keys {list(inputs)})."
                )
            return [inputs[n] for n in names]
        flat = tree.flatten(inputs)
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s), but it received "
                f"{len(flat)} input tensors. Inputs received: {_describe(flat)}"
            )
        for x, value in zip(self._inputs, flat):
            shape = getattr(value, "shape", None)
            if shape is None:
                continue
            shape = tuple(shape)
            if len(shape) != len(x.shape) or any(
                e is not None and a is not None and e != a for e, a in zip(x.shape, shape)
            ):
                raise ValueError(
                    f"Input {x._keras_history.operation.name!r} of model '{self.name}' is "
                    f"incompatible: expected shape={x.shape}, found shape={shape}."
                )
        return flat

    def compute_output_spec(self, inputs, training=None, mask=None):
        return backend.compute_output_spec(self.call, inputs, training=training, mask=mask)

    def compute_output_shape(self, input_shape):
        return tree.map_structure(lambda x: tuple(x.shape), self._outputs_struct)

    def build(self, input_shape=None):
        self.built = True

    # -- config ------------------------------------------------------------------
    def get_config(self):
        from cornu.models.functional_config import functional_get_config  # noqa: PLC0415

        return functional_get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.models.functional_config import functional_from_config  # noqa: PLC0415

        return functional_from_config(cls, config, custom_objects=custom_objects)


def _cast_input(value, dtype):
    if hasattr(value, "dtype") and backend.is_tensor(value):
        current = backend.standardize_dtype(value.dtype)
        if current != dtype and backend.is_float_dtype(current) and backend.is_float_dtype(dtype):
            return backend.cast(value, dtype)
        return value
    if value is None or dtype == "string":
        return value  # text stays on the host for the layers that read it
    return backend.convert_to_tensor(value, dtype=dtype if not _is_int_like(value, dtype) else None)


def _is_int_like(value, dtype):
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    return kind in ("i", "u", "b") and not backend.is_float_dtype(dtype)


def _describe(flat):
    return [f"{type(v).__name__}{tuple(getattr(v, 'shape', ()))}" for v in flat]


def _build_graph(inputs, outputs):
    """Nodes in topological order and the operations they use; check connectivity."""
    input_ids = {id(x) for x in inputs}
    ordered, visited, operations = [], set(), []

    def visit(tensor, path):
        history = tensor._keras_history
        if history is None:
            raise ValueError(f"Tensor {tensor!r} was not produced by a layer or `Input`.")
        node = history.operation._inbound_nodes[history.node_index]
        if id(node) in visited:
            return
        if id(tensor) in input_ids and not node.is_input:
            return  # an intermediate tensor used as a model input: its producer is outside the model
        if id(node) in path:
            raise ValueError("The model graph has a cycle.")
        path.add(id(node))
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {tensor!r} at layer "
                    f"'{history.operation.name}'. That input is not among the model's "
                    f"`inputs` ({[x.name for x in inputs]}); the following previous layers were "
                    f"accessed without issue: {[op.name for op in operations]}"
                )
            for parent_tensor in node.input_tensors:
                visit(parent_tensor, path)
        path.discard(id(node))
        visited.add(id(node))
        ordered.append(node)
        if history.operation not in operations:
            operations.append(history.operation)

    for x in inputs:
        visit(x, set())
    for x in outputs:
        visit(x, set())
    return ordered, operations


def _node_of(tensor):
    history = tensor._keras_history
    return history.operation._inbound_nodes[history.node_index]


def keras_layer_order(inputs, outputs):
    """The operations of a graph in Keras's ``model.layers`` order: decreasing depth
    (distance from the outputs), ties broken by first visit in a depth-first walk
    from the outputs.  Published weight files list their layers in this order, and
    ``model.layers[i]`` indices in tutorials rely on it."""
    input_ids = {id(t) for t in inputs}
    finished, post_order, first_visit = set(), [], {}

    def walk(tensor):
        node = _node_of(tensor)
        if id(node) in finished:
            return
        first_visit.setdefault(id(node.operation), len(first_visit))
        if not node.is_input and id(tensor) not in input_ids:
            for parent in node.input_tensors:
                walk(parent)
        finished.add(id(node))
        post_order.append(node)

    for t in outputs:
        walk(t)
    node_depth, op_depth, ops = {}, {}, {}
    for node in reversed(post_order):
        depth = node_depth.setdefault(id(node), 0)
        op = node.operation
        depth = max(depth, op_depth.get(id(op), depth))
        op_depth[id(op)] = depth
        ops[id(op)] = op
        node_depth[id(node)] = depth
        if not node.is_input:
            for parent in node.input_tensors:
                pid = id(_node_of(parent))
                node_depth[pid] = max(depth + 1, node_depth.get(pid, 0))
    order = sorted(ops, key=lambda k: (-op_depth[k], first_visit[k]))
    return [ops[k] for k in order]


def is_functional_init(args, kwargs):
    """True when ``Model(...)`` was called with inputs and outputs (functional style)."""
    has_inputs = len(args) >= 1 or "inputs" in kwargs or "input" in kwargs
    has_outputs = len(args) >= 2 or "outputs" in kwargs or "output" in kwargs
    return has_inputs and has_outputs


__all__ = ["Functional"]
