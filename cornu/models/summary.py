"""``model.summary()``: Keras's table of layers, output shapes and parameter counts."""
import numpy as np


def _shape_str(layer):
    try:
        outputs = layer.output
    except (AttributeError, ValueError):
        return "?"
    if isinstance(outputs, (list, tuple)):
        shapes = [tuple(o.shape) for o in outputs]
        return str(shapes[0]) if len(shapes) == 1 else str(shapes)
    if isinstance(outputs, dict):
        return str({k: tuple(v.shape) for k, v in outputs.items()})
    return str(tuple(outputs.shape))


def _count(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _connections(layer, model):
    node_ids = {id(n) for n in getattr(model, "_nodes", [])}
    names = []
    for node in layer._inbound_nodes:
        if id(node) not in node_ids:
            continue
        for t in node.input_tensors:
            h = t._keras_history
            names.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
    return names


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    """Print the Keras-style summary table of ``model``."""
    from cornu.models.functional import Functional  # noqa: PLC0415
    from cornu.models.sequential import Sequential  # noqa: PLC0415

    print_fn = print_fn or (lambda line, *a, **k: print(line))
    sequential_like = isinstance(model, Sequential) or not isinstance(model, Functional) or all(
        len([n for n in layer._inbound_nodes]) <= 1 and len(getattr(layer, "_inbound_nodes", [])[0].input_tensors
                                                               if layer._inbound_nodes else []) <= 1
        for layer in model.layers
    )
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ""
        for i, field in enumerate(fields):
            if i > 0:
                line = line[:-1] + " "
            line += str(field)
            line = line[: positions[i]]
            line += " " * (positions[i] - len(line))
        print_fn(line)

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    row(headers)
    print_fn("=" * line_length)
    layers = model.layers
    if isinstance(model, Functional):
        layers = [layer for layer in model.layers]
    for i, layer in enumerate(layers):
        name = f"{layer.name} ({type(layer).__name__})"
        params = layer.count_params() if layer.built else 0
        fields = [name, _shape_str(layer), f"{params}"]
        if not sequential_like:
            conns = _connections(layer, model)
            fields.append(conns[0] if conns else "")
            row(fields)
            for extra in conns[1:]:
                row(["", "", "", extra])
        else:
            row(fields)
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * line_length)
