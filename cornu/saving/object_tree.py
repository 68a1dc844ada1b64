"""Where each variable lives in a Keras 3 weights file.

Keras 3 stores the variables of every layer and optimizer in an HDF5 tree
whose paths come from walking the object graph (facts checked against files
written by Keras 3.15):

* each layer or optimizer gets a group ``<path>/vars`` (attribute ``name``:
  the object's name) holding datasets ``"0"``, ``"1"``... - the object's own
  variables, trainable ones first, each in creation order;
* a functional or sequential model walks ``layers`` first (functional:
  input layers included; sequential: without its input layer);
* then every attribute, in sorted attribute-name order, that holds a layer,
  an optimizer, or a list/tuple/dict of them; a subclassed model also has a
  ``layers`` attribute (its direct sub-layers) in that sorted order;
* items of a list are named by their class in snake_case, numbered per
  class: ``layers/dense``, ``layers/dense_1``, ``layers/batch_normalization``;
* an object reached twice (a shared layer) is stored only the first time.

So a ``Sequential`` of two ``Dense`` is ``layers/dense/vars/{0,1}``,
``layers/dense_1/vars/{0,1}``, its optimizer ``optimizer/vars/{0..}``, and
an LSTM keeps its weights in ``layers/lstm/cell/vars``.
"""
from cornu.layers.layer import Layer
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.models.sequential import Sequential
from cornu.optimizers import Optimizer
from cornu.utils import naming

# cornu's bookkeeping attributes: they hold layers, but are not part of the structure Keras saves.
_INTERNAL = frozenset({
    "_tracked_layers", "_modules", "_parameters", "_buffers", "_layers", "_functional",
    "_functional_layers", "_operations", "_nodes", "_init_args", "_inbound_nodes", "_outbound_nodes",
    "_own_variables", "_seed_generators", "_losses", "_compile_loss", "_compile_metrics",
    "_loss_tracker", "history", "_inputs", "_outputs", "_inputs_struct", "_outputs_struct",
    "_initial_weights", "_call_signature", "_input_spec", "activity_regularizer", "train_function",
    "test_function", "predict_function", "_compile_config", "_input_tensor",
})


def is_saveable(obj):
    """Layers and optimizers own variables in a weights file."""
    return isinstance(obj, (Layer, Optimizer))


def own_variables(obj):
    """The variables stored in ``obj``'s own ``vars`` group, in file order."""
    if isinstance(obj, Optimizer):
        return list(obj.variables)
    own = list(obj._own_variables)
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def has_custom_store(obj):
    """True when ``obj`` defines ``save_own_variables``/``load_own_variables`` itself (Keras API)."""
    if isinstance(obj, Optimizer):
        return False
    return hasattr(obj, "save_own_variables") and hasattr(obj, "load_own_variables")


def _items(container):
    if isinstance(container, dict):
        return list(container.values())
    return list(container)


def children(obj):
    """``(attribute_name, value)`` pairs Keras walks under ``obj``, in its order."""
    if isinstance(obj, Optimizer):
        return []
    out = []
    if isinstance(obj, (Functional, Sequential)):
        out.append(("layers", list(obj.layers)))
    attrs = {}
    for name, value in vars(obj).items():
        if name in _INTERNAL or name.startswith("__"):
            continue
        if is_saveable(value) and value is not obj:
            attrs[name] = value
        elif isinstance(value, (list, tuple, dict)) and any(is_saveable(v) for v in _items(value)):
            attrs[name] = value
    if isinstance(obj, Model) and not isinstance(obj, (Functional, Sequential)):
        attrs["layers"] = list(obj.layers)
    for name in sorted(attrs):
        if name == "layers" and isinstance(obj, (Functional, Sequential)):
            continue
        out.append((name, attrs[name]))
    return out


def join(path, name):
    return f"{path}/{name}" if path else name


def child_entries(obj, path):
    """``(child_path, child)`` for each saveable directly below ``obj`` (containers expanded)."""
    out = []
    for name, value in children(obj):
        child_path = join(path, name)
        if is_saveable(value):
            out.append((child_path, value))
            continue
        used = {}
        for item in _items(value):
            if not is_saveable(item):
                continue
            base = naming.to_snake_case(type(item).__name__)
            if base in used:
                used[base] += 1
                key = f"{base}_{used[base]}"
            else:
                used[base] = 0
                key = base
            out.append((join(child_path, key), item))
    return out


def walk(obj, path="", visited=None, include_optimizer=True):
    """Yield ``(path, object)`` for ``obj`` and everything below it, each object once."""
    visited = set() if visited is None else visited
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    for child_path, child in child_entries(obj, path):
        if not include_optimizer and isinstance(child, Optimizer):
            continue
        yield from walk(child, child_path, visited, include_optimizer)


__all__ = ["walk", "child_entries", "own_variables", "is_saveable", "has_custom_store", "join"]
