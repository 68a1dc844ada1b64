"""Keras 1's ``Merge([model_a, model_b], mode=...)`` of whole models, first layer of a ``Sequential``.

The classic Keras 1 two-branch model::

    model = Sequential()
    model.add(Merge([left, right], mode="concat"))
    model.add(Dense(2))
    model.fit([x_left, x_right], y)

``Merge`` with ``layers`` builds a functional model (named like Keras 1's
``merge_1``) that calls each branch model on its own ``Input`` and merges
their outputs; the branches are nested, shared models, so training the merged
model trains them, as in Keras 1.  ``install()`` teaches ``Sequential`` to
start with such a multi-input model: its inputs are the branch inputs, in
order.  (Keras 3's ``Sequential`` has one input; nothing changes for it.)
"""
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.models.functional import Functional
from cornu.models.model import Model
from cornu.models.sequential import Sequential
from cornu.utils import naming

_original = {}


def _model_inputs(branch):
    inputs = getattr(branch, "inputs", None) if isinstance(branch, Model) else None
    return list(inputs) if inputs else None


def merge_of_branches(merge_layer, branches):
    """``(inputs, output)`` of a functional model merging the outputs of ``branches`` with ``merge_layer``.

    Args:
        merge_layer: the merging layer (``Concatenate``, ``Add``...).
        branches: built models (each called on fresh ``Input`` s of its input
            shapes) or layers already called on tensors (their input and
            output are used).
    """
    if not isinstance(branches, (list, tuple)) or len(branches) < 2:
        raise TypeError(f"A Merge should be applied to a list of at least 2 models or layers; received {branches!r}.")
    inputs, outputs = [], []
    for k, branch in enumerate(branches):
        branch_inputs = _model_inputs(branch)
        if branch_inputs is not None:
            fresh = [Input(batch_shape=tuple(t.shape), dtype=t.dtype) for t in branch_inputs]
            inputs.extend(fresh)
            outputs.append(branch(fresh if len(fresh) > 1 else fresh[0]))
        elif getattr(branch, "_inbound_nodes", None):
            inputs.append(branch.input)
            outputs.append(branch.output)
        else:
            raise ValueError(
                f"Merge: branch #{k} ({getattr(branch, 'name', branch)!r}) has no known input shape. Give the "
                "first layer of each branch an `input_shape` (or `input_dim`), or start it with an `Input`.")
    return inputs, merge_layer(outputs)


def merge_model_name(name=None):
    """The name of a Keras 1 merge model: ``name``, or ``merge``, ``merge_1``... (``Merge``'s own prefix)."""
    return name or naming.uniquify("merge")


def multi_input_head(model):
    """The first layer of a ``Sequential`` when it is a model with several inputs (a Keras 1 Merge), else None."""
    layers = getattr(model, "_layers", None)
    first = layers[0] if layers else None
    inputs = _model_inputs(first) if first is not None and not isinstance(first, InputLayer) else None
    return first if inputs is not None and len(inputs) > 1 else None


def _build(self, input_shape=None):
    head = multi_input_head(self)
    if head is None:
        return _original["build"](self, input_shape)
    inputs = [Input(batch_shape=tuple(t.shape), dtype=t.dtype) for t in head.inputs]
    x = head(inputs)
    for layer in self._layers[1:]:
        x = layer(x)
    self._functional = Functional(inputs=inputs, outputs=x, name=f"{self.name}_functional", trainable=True)
    self.built = True
    self._build_shapes = [tuple(t.shape) for t in inputs]
    return None


def _maybe_rebuild(self):
    if multi_input_head(self) is not None:
        self.build()
        return
    _original["_maybe_rebuild"](self)


def _from_config(cls, config, custom_objects=None):
    model = _original["from_config"].__func__(cls, config, custom_objects=custom_objects)
    if not model.built and multi_input_head(model) is not None:
        model.build()
    return model


def _input_shape(self):
    x = self.input
    return [tuple(t.shape) for t in x] if isinstance(x, (list, tuple)) else tuple(x.shape)


def install():
    """Let ``Sequential`` start with a multi-input model (idempotent)."""
    if _original:
        return
    _original["build"] = Sequential.build
    _original["_maybe_rebuild"] = Sequential._maybe_rebuild
    _original["input_shape"] = Sequential.input_shape
    _original["from_config"] = Sequential.__dict__["from_config"]
    _build.__doc__ = Sequential.build.__doc__
    Sequential.build = _build
    Sequential._maybe_rebuild = _maybe_rebuild
    Sequential.input_shape = property(_input_shape)
    _from_config.__doc__ = Sequential.from_config.__doc__
    Sequential.from_config = classmethod(_from_config)


__all__ = ["merge_of_branches", "merge_model_name", "multi_input_head", "install"]
