"""``OptimizerMap`` and ``MultiOptimizer``: different optimizers for different variables."""
import re
from collections.abc import MutableMapping

import numpy as np

from cornu import serialization
from cornu.optimizers.base_optimizer import Optimizer
from cornu.optimizers.loss_scale_optimizer import LossScaleOptimizer


def _check_member(optimizer, where):
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: optimizer must be a cornu Optimizer instance. Received: {optimizer!r}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: optimizer cannot be a LossScaleOptimizer. Received: {optimizer!r}")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: optimizer cannot be a MultiOptimizer. Received: {optimizer!r}")


class OptimizerMap(MutableMapping):
    """A mapping from variable paths (or path patterns) to optimizers.

    Looking up a key first tries it as an exact key, then every key as a
    regular expression that must match the whole path (``re.fullmatch``);
    paths matched by no key get ``default_optimizer``, paths matched by more
    than one raise a ``ValueError``. Calling the map on a variable looks up
    its ``path``, so the map can be handed to ``MultiOptimizer``.

    ```python
    omap = OptimizerMap(default_optimizer=SGD(0.1))
    omap["encoder/.*"] = Adam(1e-3)      # every variable under layer "encoder"
    omap["head/kernel"] = Lion(1e-4)     # one variable
    ```

    Args:
        default_optimizer: the optimizer of unmatched variables.
        optimizer_map: optional dict ``{key_or_pattern: optimizer}``.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "OptimizerMap: `default_optimizer` must be a cornu Optimizer instance. "
                f"Received: {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: `optimizer_map` must be a dict. Received: {optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        """The optimizer of variables no key matches."""
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"OptimizerMap: multiple optimizers assigned to variable {key!r} "
                f"(patterns {matches} all match)."
            )
        if matches:
            return self._optimizer_map[matches[0]]
        return self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: key must be a string. Received: {key!r}")
        if key in self._optimizer_map:
            raise ValueError(
                f"OptimizerMap: {key!r} already exists in the map with value "
                f"{self._optimizer_map[key]!r}. Please make sure to not use duplicated keys."
            )
        _check_member(optimizer, "OptimizerMap")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        return {
            "default_optimizer": serialization.serialize_keras_object(self._default_optimizer),
            "optimizer_map": {k: serialization.serialize_keras_object(v)
                              for k, v in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        default = serialization.deserialize_keras_object(config["default_optimizer"],
                                                         custom_objects=custom_objects)
        mapping = {k: serialization.deserialize_keras_object(v, custom_objects=custom_objects)
                   for k, v in (config.get("optimizer_map") or {}).items()}
        return cls(default, mapping)


class MultiOptimizer(Optimizer):
    """An optimizer that hands each variable to the optimizer chosen for it.

    ``optimizer_map`` is an ``OptimizerMap`` or any callable taking a
    variable and returning an optimizer. When built, each variable is
    assigned to its optimizer, and each inner optimizer is built on its own
    variables; every step then dispatches the gradients to the inner
    optimizers, which keep their own step counters, learning rates and
    slots. ``variables`` lists this optimizer's ``iteration`` and
    ``learning_rate`` followed by every inner optimizer's variables (the
    order Keras saves them in).

    There is no single learning rate: reading or setting ``learning_rate``
    raises ``AttributeError`` (use ``optimizers``). ``loss_scale_factor``
    overrides the inner optimizers' own.

    ```python
    omap = OptimizerMap(default_optimizer=SGD(0.1), optimizer_map={"head/.*": Adam(1e-3)})
    model.compile(optimizer=MultiOptimizer(omap), loss="mse")
    ```

    Args:
        optimizer_map: an ``OptimizerMap`` or a callable ``variable -> optimizer``.
        loss_scale_factor: float or ``None``, set on every inner optimizer.
        name: string, the optimizer's name.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError(
                "MultiOptimizer: `optimizer_map` must be an OptimizerMap or a callable taking a "
                f"variable and returning an optimizer. Received: {optimizer_map!r}"
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        members = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            members.append(default)
        for optimizer in members:
            self._add_inner(optimizer)

    def _add_inner(self, optimizer):
        if not any(optimizer is o for o in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)

    def _inner_index(self, optimizer):
        return next(i for i, o in enumerate(self._inner_optimizers) if o is optimizer)

    def build(self, var_list):
        """Assign each variable to its optimizer and build every inner optimizer on its variables."""
        if self.built:
            return
        var_list = list(var_list)
        self._var_to_optimizer_idx = {}
        for variable in var_list:
            optimizer = self._optimizer_map(variable)
            _check_member(optimizer, f"MultiOptimizer (variable {getattr(variable, 'path', variable)!r})")
            self._add_inner(optimizer)
            self._var_to_optimizer_idx[self._var_key(variable)] = self._inner_index(optimizer)
        for index, optimizer in enumerate(self._inner_optimizers):
            own = [v for v in var_list if self._var_to_optimizer_idx[self._var_key(v)] == index]
            if own:
                optimizer.build(own)
        super().build(var_list)

    @property
    def optimizers(self):
        """The inner optimizers (map values first, then the default)."""
        return self._inner_optimizers

    @property
    def variables(self):
        out = self._variables[:]
        for optimizer in self._inner_optimizers:
            out.extend(optimizer.variables)
        return out

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on "
            "the individual sub-optimizers (`.optimizers`) instead."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the "
            "individual sub-optimizers (`.optimizers`) instead."
        )

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in getattr(self, "_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    @property
    def iterations(self):
        return self._iterations

    def _split(self, items, variables):
        groups = [[] for _ in self._inner_optimizers]
        for item, variable in zip(items, variables):
            groups[self._var_to_optimizer_idx[self._var_key(variable)]].append((item, variable))
        return groups

    def apply(self, grads, trainable_variables=None):
        """Dispatch ``grads`` to the inner optimizers of their variables."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built "
                    "on a list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"MultiOptimizer: received {len(grads)} gradients for {len(trainable_variables)} "
                "variables; they must match one-to-one."
            )
        self._check_variables_are_known(trainable_variables)
        for optimizer, pairs in zip(self._inner_optimizers, self._split(grads, trainable_variables)):
            if pairs:
                sub_grads, sub_vars = zip(*pairs)
                optimizer.apply(list(sub_grads), list(sub_vars))
        self._iterations.assign(self._iterations.value + 1)

    def finalize_variable_values(self, var_list):
        var_list = list(var_list)
        for optimizer, pairs in zip(self._inner_optimizers, self._split(var_list, var_list)):
            if pairs:
                optimizer.finalize_variable_values([v for v, _ in pairs])

    # -- state in and out: every variable, inner ones included -----------------------
    def get_weights(self):
        return [np.array(v) for v in self.variables]

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` first."
            )
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"MultiOptimizer: expected {len(variables)} weights (its own and its inner "
                f"optimizers'), received {len(weights)}."
            )
        for variable, weight in zip(variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            raise ValueError(
                f"MultiOptimizer '{self.name}' has {len(variables)} variables whereas the saved "
                f"optimizer has {len(store.keys())}."
            )
        for i, variable in enumerate(variables):
            variable.assign(np.asarray(store[str(i)]))

    def get_config(self):
        return {
            "optimizer_map": serialization.serialize_keras_object(self._optimizer_map),
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizer_map"] = serialization.deserialize_keras_object(
            config["optimizer_map"], custom_objects=custom_objects)
        return cls(**config)
