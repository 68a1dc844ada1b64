"""``plot_model`` and ``model_to_dot``: draw a model's layer graph with pydot and Graphviz.

Each layer is a node whose HTML-like label shows ``name (ClassName)`` and,
on request, its input/output shapes and dtypes, activation and whether it is
trainable; each edge goes from the layer that produced a tensor to the
layer that consumed it, so shared layers (several calls) and multi-input
layers get one edge per use. Nested models are one node, or, with
``expand_nested=True``, a cluster holding their own layers.
"""
import html
import os
import shutil

_PYDOT_MISSING = "You must install pydot (`pip install pydot`) for `plot_model` to work."
_GRAPHVIZ_MISSING = (
    "You must install graphviz (the `dot` program, e.g. `apt-get install graphviz` or "
    "https://graphviz.org/download/) for `plot_model` to work.")


def _import_pydot():
    try:
        import pydot  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(f"{_PYDOT_MISSING} ({e})") from e
    return pydot


def _check_graphviz(pydot):
    if shutil.which("dot") is None:
        raise ImportError(_GRAPHVIZ_MISSING)
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, FileNotFoundError) as e:
        raise ImportError(f"{_GRAPHVIZ_MISSING} ({e})") from e


# -- the graph of a model ----------------------------------------------------------------
def _is_sequential(model):
    from cornu.models.sequential import Sequential  # noqa: PLC0415

    return isinstance(model, Sequential)


def _nodes_of(model):
    """The model's graph nodes (a Sequential's come from its inner functional graph)."""
    if _is_sequential(model):
        functional = getattr(model, "_functional", None)
        return list(functional._nodes) if functional is not None else []
    return list(getattr(model, "_nodes", None) or [])


def _is_graph_model(obj):
    return _is_sequential(obj) or getattr(obj, "_nodes", None) is not None


def _graph(model):
    """``(operations, edges)``; an edge is ``(src_op, src_output_index, dst_op, dst_input_index)``."""
    if _is_sequential(model):
        layers = list(model.layers)
        edges = [(a, 0, b, 0) for a, b in zip(layers[:-1], layers[1:])]
        return layers, edges
    operations = list(getattr(model, "_operations", None) or model.layers)
    edges = []
    for node in model._nodes:
        if node.is_input:
            continue
        for position, tensor in enumerate(node.input_tensors):
            history = tensor._keras_history
            if history is not None:
                edges.append((history.operation, history.tensor_index, node.operation, position))
    return operations, edges


def _format_shapes(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(op, model, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    class_name = type(op).__name__
    title = f"{op.name} ({class_name})" if show_layer_names else class_name
    rows = [f"<b>{html.escape(title)}</b>"]
    nodes = [n for n in _nodes_of(model) if n.operation is op]
    if show_shapes or show_dtype:
        if len(nodes) > 1:
            inputs_text = outputs_text = "multiple"
            in_dtype = out_dtype = "multiple"
        elif nodes:
            node = nodes[0]
            in_tensors = node.input_tensors if not node.is_input else node.outputs
            inputs_text, outputs_text = _format_shapes(in_tensors), _format_shapes(node.outputs)
            in_dtype = ", ".join(sorted({str(t.dtype) for t in in_tensors})) or "?"
            out_dtype = ", ".join(sorted({str(t.dtype) for t in node.outputs})) or "?"
        else:
            inputs_text = outputs_text = in_dtype = out_dtype = "?"
        if show_shapes:
            rows.append(f"Input shape: {html.escape(inputs_text)}")
            rows.append(f"Output shape: {html.escape(outputs_text)}")
        if show_dtype:
            rows.append(f"Input dtype: {html.escape(in_dtype)}")
            rows.append(f"Output dtype: {html.escape(out_dtype)}")
    if show_layer_activations:
        activation = getattr(op, "activation", None)
        if activation is not None:
            name = getattr(activation, "__name__", None) or getattr(activation, "name", None) or \
                type(activation).__name__
            rows.append(f"Activation: {html.escape(str(name))}")
    if show_trainable:
        rows.append(f"Trainable: {bool(getattr(op, 'trainable', False))}")
    cells = "".join(f'<tr><td align="center" cellpadding="4">{row}</td></tr>' for row in rows)
    return f'<<table border="0" cellborder="1" cellspacing="0" bgcolor="#E8F1FB">{cells}</table>>'


def _node_id(op):
    return f"n{id(op)}"


def _add_model(container, model, options, depth=0):
    """Add ``model``'s layers to ``container``; return ``(entries, exits)`` per operation id."""
    pydot = options["pydot"]
    operations, edges = _graph(model)
    entries, exits = {}, {}
    for op in operations:
        if options["expand_nested"] and _is_graph_model(op) and depth < 32:
            cluster = pydot.Cluster(f"cluster_{id(op)}", label=html.escape(f"{op.name} ({type(op).__name__})"),
                                    style="dashed")
            inner_entries, inner_exits = _add_model(cluster, op, options, depth + 1)
            container.add_subgraph(cluster)
            inner_ops, _ = _graph(op)
            if _is_sequential(op):
                entries[id(op)] = [inner_entries[id(inner_ops[0])][0]] if inner_ops else []
                exits[id(op)] = [inner_exits[id(inner_ops[-1])][-1]] if inner_ops else []
            else:
                entries[id(op)] = [_node_id(t._keras_history.operation) for t in op._inputs]
                exits[id(op)] = [inner_exits[id(t._keras_history.operation)][0] for t in op._outputs]
            continue
        label = _label(op, model, options["show_shapes"], options["show_dtype"], options["show_layer_names"],
                       options["show_layer_activations"], options["show_trainable"])
        container.add_node(pydot.Node(_node_id(op), label=label, shape="plaintext"))
        entries[id(op)] = exits[id(op)] = [_node_id(op)]
    for src, out_index, dst, in_index in edges:
        src_ids, dst_ids = exits.get(id(src)), entries.get(id(dst))
        if not src_ids or not dst_ids:
            continue
        src_id = src_ids[min(out_index, len(src_ids) - 1)]
        dst_id = dst_ids[min(in_index, len(dst_ids) - 1)]
        container.add_edge(pydot.Edge(src_id, dst_id))
    return entries, exits


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, **kwargs):
    """A ``pydot.Dot`` graph of the model's layers.

    Args:
        model: a Sequential or functional model (a subclassed model is drawn
            as a single node).
        show_shapes: show each layer's input and output shapes.
        show_dtype: show each layer's input and output dtypes.
        show_layer_names: title nodes ``name (ClassName)`` instead of ``ClassName``.
        rankdir: Graphviz direction: ``"TB"`` (top to bottom) or ``"LR"``.
        expand_nested: draw nested models as clusters of their layers.
        dpi: image resolution.
        subgraph: return a ``pydot.Cluster`` (for nesting) instead of a graph.
        show_layer_activations: show the activation of layers that have one.
        show_trainable: show whether each layer is trainable.

    Raises:
        ImportError: pydot is not installed.
    """
    for legacy in ("layer_range",):
        kwargs.pop(legacy, None)
    if kwargs:
        raise TypeError(f"model_to_dot() got unexpected keyword arguments: {sorted(kwargs)}")
    pydot = _import_pydot()
    if not getattr(model, "built", False) and _is_sequential(model):
        raise ValueError("This model has not yet been built. Build the model first by calling `build()` or by "
                         "calling the model on a batch of data.")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set("splines", "ortho")
        dot.set_node_defaults(shape="plaintext", fontname="Helvetica", fontsize="11")
    options = dict(pydot=pydot, show_shapes=show_shapes, show_dtype=show_dtype,
                   show_layer_names=show_layer_names, expand_nested=expand_nested,
                   show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    if not _is_graph_model(model):
        label = _label(model, model, False, False, show_layer_names, show_layer_activations, show_trainable)
        dot.add_node(pydot.Node(_node_id(model), label=label, shape="plaintext"))
        return dot
    _add_model(dot, model, options)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=200, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draw the model's layer graph to an image file (format from the extension: png, svg, pdf...).

    Args:
        model: the model to draw.
        to_file: output file name; ``.png``, ``.svg``, ``.pdf``, ``.jpg``,
            ``.dot`` (and any other format Graphviz writes).
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
        dpi, show_layer_activations, show_trainable: see ``model_to_dot``.

    Returns:
        An ``IPython.display.Image`` when IPython is installed (and the file is
        not a PDF), else None.

    Raises:
        ImportError: pydot is not installed, or Graphviz's ``dot`` program is
            not found.
    """
    pydot = _import_pydot()
    _check_graphviz(pydot)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable, **kwargs)
    to_file = os.fspath(to_file)
    _, extension = os.path.splitext(to_file)
    extension = extension[1:].lower() if extension else "png"
    if extension == "dot":
        extension = "raw"
    folder = os.path.dirname(os.path.abspath(to_file))
    os.makedirs(folder, exist_ok=True)
    dot.write(to_file, format=extension)
    if extension not in ("pdf", "raw", "svg"):
        try:
            from IPython import display  # noqa: PLC0415
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
