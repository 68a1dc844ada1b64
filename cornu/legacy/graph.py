"""Keras 2's symbolic-graph helpers: ``K.function``, ``K.gradients``, ``K.placeholder``,
``K.learning_phase``.

Symbolic tensors (from ``Input``, layer calls and ``cornu.ops`` on them) record
the graph; ``K.function(inputs, outputs)`` returns a callable that runs that
graph on arrays.  It may start from any symbolic tensors, intermediate ones
included, and its outputs may be gradients: ``K.gradients(loss, wrt)`` returns
symbolic placeholders that ``K.function`` fills by differentiating with the
engine (``torch.autograd`` or ``jax.grad``, through
``backend.compute_gradients``).  ``wrt`` may be the model's inputs, any
intermediate tensor (Grad-CAM: a convolution's output) or variables
(``model.trainable_weights``).  Like ``tf.gradients``, the gradient of a
non-scalar loss is that of its sum.
"""
import numpy as np

from cornu import backend, ops
from cornu.backend import KerasTensor
from cornu.utils import tree

_state = {"learning_phase": None}
_LEARNING_PHASE = KerasTensor((), dtype="int32", name="keras_learning_phase")


# -- placeholders and the learning phase ------------------------------------------------------
def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input tensor (Keras 2); ``shape`` includes the batch axis, ``None`` for unknown."""
    if shape is None:
        if ndim is None:
            raise ValueError("K.placeholder needs a `shape` or an `ndim`.")
        shape = (None,) * ndim
    from cornu.layers import Input  # noqa: PLC0415

    return Input(batch_shape=tuple(shape), dtype=dtype or backend.floatx(), sparse=sparse, name=name)


def learning_phase():
    """The learning phase: the value set by ``set_learning_phase``, else a symbolic flag that
    ``K.function`` accepts among its inputs (fed 0 for inference, 1 for training)."""
    value = _state["learning_phase"]
    return _LEARNING_PHASE if value is None else value


def set_learning_phase(value):
    """Fix the learning phase (0: inference, 1: training) for ``K.function`` calls."""
    if value not in (0, 1):
        raise ValueError(f"Expected learning phase to be 0 or 1; received {value!r}.")
    _state["learning_phase"] = value


def reset_learning_phase():
    _state["learning_phase"] = None


# -- gradients --------------------------------------------------------------------------------
class _GradientGroup:
    """One ``K.gradients`` call: d sum(loss) / d w for each w of ``wrt``, filled in one backward pass."""

    def __init__(self, loss, wrt):
        self.loss, self.wrt, self.placeholders = loss, wrt, []


def gradients(loss, variables):
    """Symbolic gradients of ``sum(loss)`` with respect to each of ``variables``.

    ``variables``: a symbolic tensor or variable, or a list of them.  The
    results are symbolic tensors for ``K.function`` (and ops on them).
    """
    if not isinstance(loss, KerasTensor):
        raise NotImplementedError(
            "K.gradients works on symbolic tensors (built from `Input`/model outputs with `cornu.ops` or "
            "`K.*` functions); for eager values use `backend.compute_gradients` or the engine's autograd.")
    wrt = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    group = _GradientGroup(loss, wrt)
    for i, w in enumerate(wrt):
        if not isinstance(w, (KerasTensor, backend.Variable)):
            raise TypeError(f"K.gradients: cannot differentiate with respect to {type(w).__name__}; "
                            "pass symbolic tensors or variables.")
        grad = KerasTensor(tuple(w.shape), dtype=w.dtype, name=f"gradient_{i}")
        grad._cornu_gradient = group
        group.placeholders.append(grad)
    return list(group.placeholders)


# -- running a graph --------------------------------------------------------------------------
class Function:
    """``K.function(inputs, outputs)``: call with a list of arrays, get a list of NumPy arrays."""

    def __init__(self, inputs, outputs, updates=None, name=None):
        self.inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self.outputs_struct = outputs
        self.outputs = tree.flatten(outputs)
        self.name = name
        if updates:
            raise NotImplementedError(
                "K.function(updates=...) (Keras 2 graph-mode variable updates) is not supported; "
                "assign variables explicitly (`variable.assign(...)`) or use an optimizer.")
        for x in self.inputs + self.outputs:
            if not isinstance(x, KerasTensor) and x is not _LEARNING_PHASE:
                raise TypeError(f"K.function inputs and outputs must be symbolic tensors; got {x!r}.")

    def __call__(self, values):
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(self.inputs):
            raise ValueError(f"K.function expects {len(self.inputs)} input value(s); received {len(values)}.")
        training = bool(_state["learning_phase"] or False)
        feed = {}
        for x, v in zip(self.inputs, values):
            if x is _LEARNING_PHASE:
                training = bool(np.asarray(v))
            else:
                feed[id(x)] = backend.convert_to_tensor(np.asarray(v) if not backend.is_tensor(v) else v,
                                                        dtype=x.dtype)
        results = _Evaluator(feed, training).run(self.outputs)
        return [backend.convert_to_numpy(r) for r in results]


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Keras 2 ``K.function``: a callable mapping input values to output values (NumPy)."""
    return Function(inputs, outputs, updates=updates, name=name)


class _Evaluator:
    """Computes symbolic tensors from fed values, node by node (iteratively: deep graphs are fine)."""

    def __init__(self, feed, training):
        self.feed = dict(feed)
        self.values = dict(feed)
        self.masks = {}
        self.training = training

    def run(self, tensors):
        for t in tensors:
            self._compute(t)
        return [self.values[id(t)] for t in tensors]

    def _compute(self, target):
        stack = [(target, False)]
        while stack:
            t, ready = stack.pop()
            if id(t) in self.values:
                continue
            group = getattr(t, "_cornu_gradient", None)
            if group is not None:
                self._gradients(group)
                continue
            node = _node_of(t)
            if not ready:
                stack.append((t, True))
                stack.extend((p, False) for p in node.input_tensors if id(p) not in self.values)
                continue
            self._run_node(node)

    def _run_node(self, node):
        from cornu.layers.layer import Layer  # noqa: PLC0415

        def value(x):
            return self.values[id(x)] if isinstance(x, KerasTensor) else x

        args, kwargs = tree.map_structure(value, (node.call_args, dict(node.call_kwargs)))
        operation = node.operation
        first = node.call_args[0] if node.call_args else None
        in_mask = self.masks.get(id(first)) if isinstance(first, KerasTensor) else None
        is_layer = isinstance(operation, Layer)
        if is_layer:
            sig = operation._call_signature
            if sig.accepts_training and kwargs.get("training") is None:
                kwargs["training"] = self.training
            if sig.accepts_mask and in_mask is not None and kwargs.get("mask") is None:
                kwargs["mask"] = in_mask
        outputs = operation(*args, **kwargs)
        out_mask = None
        if is_layer and (in_mask is not None or type(operation).compute_mask is not Layer.compute_mask):
            out_mask = operation.compute_mask(args[0] if args else None, in_mask)
        for x, v in zip(node.outputs, tree.flatten(outputs)):
            self.values[id(x)] = v
            if out_mask is not None:
                self.masks[id(x)] = out_mask

    def _gradients(self, group):
        """Fill every placeholder of ``group``: one backward pass for the fed inputs and variables,
        one more per intermediate tensor (cutting the graph there would block the other paths)."""
        results = {}
        leaves = [w for w in group.wrt if isinstance(w, KerasTensor) and id(w) in self.feed]
        variables = [w for w in group.wrt if not isinstance(w, KerasTensor)]
        if leaves or variables:
            results.update(self._backward(group.loss, leaves, variables))
        for w in group.wrt:
            if isinstance(w, KerasTensor) and id(w) not in self.feed:
                results.update(self._backward(group.loss, [w], []))
        for w, placeholder in zip(group.wrt, group.placeholders):
            self.values[id(placeholder)] = results[id(w)]

    def _backward(self, loss, tensors, variables):
        """``{id(w): d sum(loss) / d w}`` for symbolic ``tensors`` (fed or cut there) and ``variables``."""
        starts = _Evaluator(self.feed, self.training).run(tensors) if tensors else []
        points = [backend.Variable(backend.convert_to_numpy(v), trainable=True, name="gradient_point")
                  for v in starts]
        fixed = {k: v for k, v in self.feed.items() if k not in {id(w) for w in tensors}}

        def loss_fn():
            feed = dict(fixed)
            feed.update((id(w), p.value) for w, p in zip(tensors, points))
            (value,) = _Evaluator(feed, self.training).run([loss])
            return ops.sum(value), None

        _, _, grads = backend.compute_gradients(loss_fn, points + variables)
        return {id(w): g for w, g in zip(list(tensors) + list(variables), grads)}


def _node_of(tensor):
    history = tensor._keras_history
    if history is None:
        raise ValueError(f"K.function: no value was given for the symbolic tensor {tensor.name!r}; "
                         "add it (or the `Input` it comes from) to the function's inputs.")
    node = history.operation._inbound_nodes[history.node_index]
    if node.is_input:
        raise ValueError(f"K.function: the input {tensor.name!r} is needed but was not among the "
                         "function's inputs.")
    return node


__all__ = ["placeholder", "learning_phase", "set_learning_phase", "gradients", "function", "Function"]
