"""``clone_model``: the same architecture with new, freshly initialized weights."""
from cornu.backend import KerasTensor
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.layer import Layer
from cornu.models.functional import Functional
from cornu.models.sequential import Sequential
from cornu.serialization import serialize_keras_object
from cornu.utils import tree


def _default_clone(layer):
    from cornu.layers.deserialize import deserialize_layer  # noqa: PLC0415

    return deserialize_layer(serialize_keras_object(layer))


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False,
                **kwargs):
    """Clone a Functional or Sequential model (or a subclassed one through its config).

    Layers are re-created from their configs, so the clone has new weights
    (call ``clone.set_weights(model.get_weights())`` to copy them); shared
    layers stay shared.

    Args:
        model: the model to clone.
        input_tensors: optional new input(s) for the clone (``Input`` tensors).
        clone_function: ``layer -> new_layer``, applied to every layer but the
            inputs; defaults to re-creating the layer from its config.  Return
            the layer itself to share it with the original.
        call_function: ``(layer, *args, **kwargs) -> outputs``, how each
            cloned layer is called in the graph (defaults to ``layer(*args, **kwargs)``).
        recursive: also clone the layers inside nested Functional/Sequential
            models with ``clone_function`` (instead of cloning those models whole).
    """
    if kwargs:
        raise TypeError(f"clone_model() got unexpected keyword arguments: {sorted(kwargs)}")
    clone = clone_function or _default_clone
    if recursive:
        inner = clone

        def clone(layer):  # noqa: F811 - the recursive variant wraps the user's function
            if isinstance(layer, (Functional, Sequential)):
                return clone_model(layer, clone_function=inner, call_function=call_function, recursive=True)
            return inner(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone, call_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone, call_function)
    if clone_function is not None or input_tensors is not None or call_function is not None:
        raise ValueError(
            "Arguments `clone_function`, `call_function` and `input_tensors` are only supported for "
            f"Sequential or Functional models. Received model of type '{type(model).__name__}'.")
    new = _default_clone(model)
    if model.built and not new.built:
        build = model.get_build_config()
        if build:
            new.build_from_config(build)
    return new


def _checked(new_layer, layer):
    if not isinstance(new_layer, Layer):
        raise ValueError(f"`clone_function` must return a Layer; for layer '{layer.name}' it returned "
                         f"{new_layer!r}.")
    return new_layer


def _clone_sequential(model, input_tensors, clone, call_function):
    layers = [_checked(clone(layer), layer) for layer in model.layers]
    first = model._layers[0] if model._layers else None
    if input_tensors is not None:
        x = tree.flatten(input_tensors)
        if len(x) != 1 or not isinstance(x[0], KerasTensor):
            raise ValueError("A Sequential model takes exactly one input tensor (from `Input`).")
        stack = [x[0]._keras_history.operation] + layers
    elif isinstance(first, InputLayer):
        stack = [InputLayer(batch_shape=first.batch_shape, dtype=first.dtype, name=first.name)] + layers
    else:
        stack = layers
    if call_function is None:
        new = Sequential(stack, name=model.name, trainable=model.trainable)
        if not new.built and model.built and model._build_shapes is not None:
            new.build(tuple(model._build_shapes))
        return new
    if not isinstance(stack[0], InputLayer):
        raise ValueError("`call_function` needs a built Sequential model (with a known input shape).")
    x = inputs = stack[0].output
    for layer in layers:
        x = call_function(layer, x)
    return Functional(inputs, x, name=model.name)


def _clone_functional(model, input_tensors, clone, call_function):
    new_inputs = None
    if input_tensors is not None:
        new_inputs = tree.flatten(input_tensors)
        if len(new_inputs) != len(model.inputs) or not all(isinstance(t, KerasTensor) for t in new_inputs):
            raise ValueError(f"`input_tensors` must be {len(model.inputs)} KerasTensor(s) (from `Input`).")
    mapping = {}
    for i, x in enumerate(model.inputs):
        if new_inputs is not None:
            mapping[id(x)] = new_inputs[i]
        else:
            layer = x._keras_history.operation
            mapping[id(x)] = Input(batch_shape=x.shape, dtype=x.dtype, name=layer.name)
    memo = {}
    for node in model._nodes:
        op = node.operation
        if node.is_input:
            continue
        if isinstance(op, Layer):
            if id(op) not in memo:
                memo[id(op)] = _checked(clone(op), op)
            new_op = memo[id(op)]
        else:
            new_op = op  # a stateless op (``x + y`` in the graph)
        args, kwargs = tree.map_structure(
            lambda t: mapping[id(t)] if isinstance(t, KerasTensor) else t,
            (node.call_args, node.call_kwargs))
        if call_function is not None and isinstance(op, Layer):
            outputs = call_function(new_op, *args, **dict(kwargs))
        else:
            outputs = new_op(*args, **dict(kwargs))
        for old, new in zip(node.outputs, tree.flatten(outputs)):
            mapping[id(old)] = new
    inputs = tree.pack_sequence_as(model._inputs_struct, [mapping[id(x)] for x in model.inputs]) \
        if not isinstance(model._inputs_struct, KerasTensor) else mapping[id(model.inputs[0])]
    outputs = tree.pack_sequence_as(model._outputs_struct, [mapping[id(x)] for x in model.outputs]) \
        if not isinstance(model._outputs_struct, KerasTensor) else mapping[id(model.outputs[0])]
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)


__all__ = ["clone_model"]
