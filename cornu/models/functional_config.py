"""Functional model configs in Keras 3's layout (and Keras 2's ``inbound_nodes`` on load)."""
from cornu import ops
from cornu.backend import KerasTensor
from cornu.layers.deserialize import deserialize_layer
from cornu.layers.layer import Layer
from cornu.ops.operation import FunctionOperation
from cornu.serialization import deserialize_keras_object, serialize_keras_object
from cornu.utils import naming, tree


def _camel(name):
    return "".join(part.capitalize() for part in name.split("_"))


def _node_index_map(model):
    """(operation, global node index) -> node index within this model."""
    mapping, counters = {}, {}
    node_ids = {id(n) for n in model._nodes}
    for op in model._operations:
        for global_index, node in enumerate(op._inbound_nodes):
            if id(node) in node_ids:
                mapping[(id(op), global_index)] = counters.get(id(op), 0)
                counters[id(op)] = counters.get(id(op), 0) + 1
    return mapping


def functional_get_config(model):
    index_map = _node_index_map(model)

    def tensor_ref(t):
        h = t._keras_history
        return [h.operation.name, index_map.get((id(h.operation), h.node_index), 0), h.tensor_index]

    def serialize_arg(x):
        if isinstance(x, KerasTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(x.shape), "dtype": x.dtype, "keras_history": tensor_ref(x)}}
        return serialize_keras_object(x)

    layer_configs = []
    node_ids = {id(n) for n in model._nodes}
    for op in model._operations:
        if isinstance(op, FunctionOperation):
            config = {"module": "keras.src.ops.numpy", "class_name": _camel(op._op_name),
                      "config": {"name": op.name}, "registered_name": _camel(op._op_name)}
        else:
            config = serialize_keras_object(op)
            build = op.get_build_config() if isinstance(op, Layer) else None
            if build and config.get("class_name") not in ("InputLayer",):
                config["build_config"] = build
        config["name"] = op.name
        nodes = []
        for node in op._inbound_nodes:
            if id(node) not in node_ids or node.is_input:
                continue
            nodes.append({"args": tree.map_structure(serialize_arg, list(node.call_args)),
                          "kwargs": tree.map_structure(serialize_arg, dict(node.call_kwargs))})
        config["inbound_nodes"] = nodes
        layer_configs.append(config)

    def map_tensors(struct):
        if isinstance(struct, KerasTensor):
            return [tensor_ref(struct)]
        return tree.map_structure(tensor_ref, struct)

    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": map_tensors(model._inputs_struct),
            "output_layers": map_tensors(model._outputs_struct)}


def _map_serialized(fn, x):
    """``tree.map_structure`` for configs: a serialized object (a dict with ``class_name``,
    e.g. ``__keras_tensor__``) is one leaf, not a structure to descend into."""
    if isinstance(x, dict) and "class_name" in x:
        return fn(x)
    if isinstance(x, dict):
        return {k: _map_serialized(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_map_serialized(fn, v) for v in x]
    return fn(x)


def functional_from_config(cls, config, custom_objects=None):
    created = {}
    node_outputs = {}  # layer name -> list of output structures, one per processed node
    pending = []
    for layer_config in config["layers"]:
        name = layer_config.get("name") or layer_config.get("config", {}).get("name")
        module = layer_config.get("module") or ""
        if module.startswith("keras.src.ops") or module.startswith("keras.ops"):
            fn = getattr(ops, naming.to_snake_case(layer_config["class_name"]), None)
            if fn is None:
                raise ValueError(f"Unknown op in functional config: {layer_config['class_name']!r}")
            layer = FunctionOperation(fn.__wrapped__, naming.to_snake_case(layer_config["class_name"]))
            layer.name = name
        else:
            layer = deserialize_layer(layer_config, custom_objects=custom_objects)
        created[name] = layer
        node_outputs[name] = []
        if type(layer).__name__ == "InputLayer":
            node_outputs[name].append(layer.output)
        for node_data in layer_config.get("inbound_nodes", []):
            pending.append((layer, node_data))

    def resolve(ref):
        name, node_index, tensor_index = ref[0], ref[1], ref[2]
        outs = node_outputs.get(name, [])
        if node_index >= len(outs):
            raise LookupError(name)
        return tree.flatten(outs[node_index])[tensor_index]

    def deserialize_arg(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            return resolve(x["config"]["keras_history"])
        if isinstance(x, dict) and "class_name" in x:
            return deserialize_keras_object(x, custom_objects=custom_objects)
        return x

    def run_node(layer, node_data):
        if isinstance(node_data, list):  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            refs = node_data
            tensors = [resolve(r) for r in refs]
            kwargs = dict(refs[0][3]) if len(refs[0]) > 3 and refs[0][3] else {}
            args = (tensors[0] if len(tensors) == 1 else tensors,)
        else:
            args = _map_serialized(deserialize_arg, node_data.get("args", []))
            kwargs = _map_serialized(deserialize_arg, node_data.get("kwargs", {}))
            kwargs = {k: v for k, v in kwargs.items()}
        return layer(*args, **kwargs)

    progress = True
    while pending and progress:
        progress = False
        remaining = []
        for layer, node_data in pending:
            try:
                out = run_node(layer, node_data)
            except LookupError:
                remaining.append((layer, node_data))
                continue
            node_outputs[layer.name].append(out)
            progress = True
        pending = remaining
    if pending:
        raise ValueError(f"Could not rebuild the graph: layers {[l.name for l, _ in pending]} have "
                         "inputs that are never produced.")

    def map_refs(struct):
        if isinstance(struct, list) and struct and isinstance(struct[0], str):
            return resolve(struct)
        if isinstance(struct, dict):
            return {k: map_refs(v) for k, v in struct.items()}
        return [map_refs(s) for s in struct]

    inputs = map_refs(config["input_layers"])
    outputs = map_refs(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
               trainable=config.get("trainable", True))
