"""Optimizer state helpers: weights in/out, ``.keras`` store layout, stateless apply, initializers."""
import warnings

import numpy as np

from cornu import backend
from cornu import ops


class OptimizerStateMixin:
    """Methods of ``Optimizer`` that read or write all its variables at once."""

    # -- stateless use -------------------------------------------------------------
    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Pure form of ``apply``: values in, ``(new_trainable, new_optimizer)`` values out."""
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {self.__class__.__name__} must be built (i.e. its "
                "variables must have been created). You can build it via "
                "`optimizer.build(trainable_variables)`."
            )
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                f"{self.__class__.__name__}().variables. Received list with length "
                f"{len(optimizer_variables)}, but expected {len(self._variables)} variables."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors corresponding 1:1 to "
                "the trainable variables list that the optimizer was built with. Received "
                f"len(trainable_variables) == {len(trainable_variables)} whereas the optimizer "
                f"was built with {len(self._trainable_variables)} variables."
            )
        mapping = list(zip(self._trainable_variables, trainable_variables))
        mapping += list(zip(self._variables, optimizer_variables))
        with backend.StatelessScope(state_mapping=mapping) as scope:
            self.apply(grads)
        new_trainable = [scope.get_current_value(v) for v in self._trainable_variables]
        new_optimizer = [scope.get_current_value(v) for v in self._variables]
        return new_trainable, new_optimizer

    def scale_loss(self, loss):
        """Multiply ``loss`` by ``loss_scale_factor`` (when set) before differentiating."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- weights and saving --------------------------------------------------------
    def get_weights(self):
        """The values of ``variables`` as NumPy arrays (a Keras 2 method)."""
        return [np.array(v) for v in self._variables]

    def set_weights(self, weights):
        """Set every optimizer variable from a list of arrays (in ``variables`` order)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {tuple(variable.shape)} not "
                    f"compatible with provided weight shape {tuple(np.shape(weight))}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Write variable ``i`` to ``store[str(i)]`` (the ``.keras`` layout)."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read variables from ``store`` written by ``save_own_variables`` (or Keras)."""
        if len(store.keys()) != len(self._variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self._variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if len(self._variables) == 0:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)]))


def as_float(value):
    """A Python float from a number, 0-d array or tensor; ``None`` if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return float(value)
    try:
        array = np.asarray(ops.convert_to_numpy(value))
    except (TypeError, ValueError):
        return None
    if array.shape == () and array.dtype.kind in "fiu":
        return float(array)
    return None


def resolve_initializer(initializer):
    """A value or ``(shape, dtype) -> value`` callable for ``backend.Variable``."""
    if isinstance(initializer, str) and initializer in ("zeros", "ones"):
        fill = 0.0 if initializer == "zeros" else 1.0
        return lambda shape, dtype=None: ops.full(shape, fill, dtype=dtype)
    if isinstance(initializer, (int, float)) and not isinstance(initializer, bool):
        value = float(initializer)
        return lambda shape, dtype=None: ops.full(shape, value, dtype=dtype)
    if isinstance(initializer, (str, dict)):
        from cornu import initializers  # lower stratum; only needed for named initializers

        return initializers.get(initializer)
    return initializer


def constant_initializer(value):
    """An initializer filling a variable with ``value`` (used for accumulators)."""
    value = float(value)
    return lambda shape, dtype=None: ops.full(shape, value, dtype=dtype)
