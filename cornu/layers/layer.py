"""``Layer``: the base of every layer and model.

House rules: ``__init__`` validates and stores arguments, ``build`` creates
weights with ``add_weight``, ``call`` speaks only ``cornu.ops``.  On the torch
engine every layer is also a ``torch.nn.Module``.
"""
import inspect

import numpy as np

from cornu import backend, dtype_policies
from cornu.backend import KerasTensor, any_symbolic_tensors
from cornu.layers import call_context as cc
from cornu.layers.input_spec import InputSpec, assert_input_compatibility
from cornu.layers.layer_nodes import LayerNodesMixin
from cornu.layers.layer_utils import (  # noqa: F401
    _to_tensor_if_array,
    _autocast,
    _variables_autocast,
    _get_mask,
    _set_mask,
    _auto_mask_kwargs,
    _previous_mask,
    _symbolic_mask_kwargs,
    _recording_build,
    _build_config,
    _shapes_for_build,
    _shape_to_specs,
    _listify_shape,
    _serialize_policy,
    _auto_config,
)
from cornu.ops.node import Node
from cornu.ops.operation import Operation
from cornu.random import SeedGenerator
from cornu.utils import tree

_SKIP_TRACKING = frozenset({
    "_inbound_nodes", "_outbound_nodes", "_call_signature", "_init_args", "_build_shapes",
    "_parameters", "_buffers", "_modules", "_losses", "input_spec", "_input_spec",
})
_ALLOWED_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "input_dim", "weights"}


# Bumped whenever a layer is created or tracks something new; invalidates cached layer walks.
_TRACKING_VERSION = [0]
# torch.nn.Module bookkeeping dicts living in ``__dict__``: never hold cornu sub-layers to discover.
_ENGINE_INTERNALS = frozenset({
    "_parameters", "_buffers", "_modules", "_non_persistent_buffers_set", "_backward_pre_hooks",
    "_backward_hooks", "_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called",
    "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_state_dict_hooks", "_state_dict_pre_hooks",
    "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks", "_inbound_nodes", "_outbound_nodes",
    "_own_variables", "_seed_generators", "_carried_variables", "_losses", "_init_args",
    "_flat_layers_cache",
})


class _CallSignature:
    """What a ``call`` accepts, computed once per class."""

    def __init__(self, fn):
        params = inspect.signature(fn).parameters
        self.names = list(params)
        self.accepts_training = "training" in params
        self.accepts_mask = "mask" in params
        # ``{name}_mask`` parameters filled from the masks of argument ``name``.
        self.mask_args = tuple(n for n in params if n.endswith("_mask") and n[:-5] in params)
        self.var_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
        self.training_default = params["training"].default if self.accepts_training else None


# Keras 1/2 argument spellings (``init=``, ``border_mode=``, ``Convolution2D(32, 3, 3)``...):
# ``cornu.legacy`` (a higher room) installs a translator here at import; the layer base
# keeps no legacy tables.  ``hook(cls, args, kwargs) -> (cls, args, kwargs)``.
LEGACY_ARGS_HOOK = None


class _LayerType(type):
    """Metaclass of ``Layer``: passes constructor arguments through ``LEGACY_ARGS_HOOK``."""

    def __call__(cls, *args, **kwargs):
        if LEGACY_ARGS_HOOK is not None:
            cls, args, kwargs = LEGACY_ARGS_HOOK(cls, args, kwargs)
        return type.__call__(cls, *args, **kwargs)


class Layer(LayerNodesMixin, backend.BackendLayer, Operation, metaclass=_LayerType):
    """The base class of layers: a callable holding weights.

    Args:
        trainable: whether the layer's weights are updated in training.
        name: unique name (default: snake_case of the class name, numbered).
        dtype: a dtype name or ``DTypePolicy`` (``"mixed_float16"`` etc.).
        activity_regularizer: a regularizer applied to the layer's output.
        autocast: cast float inputs (and variables) to the compute dtype.
    """

    # False for layers that work on host data (strings): models holding one train eagerly.
    supports_jit = True

    def __new__(cls, *args, **kwargs):
        _TRACKING_VERSION[0] += 1
        obj = super().__new__(cls)
        obj._backend_init()
        object.__setattr__(obj, "_own_variables", [])
        object.__setattr__(obj, "_tracked_layers", [])
        object.__setattr__(obj, "_seed_generators", [])
        object.__setattr__(obj, "_carried_variables", [])
        object.__setattr__(obj, "_losses", [])
        object.__setattr__(obj, "_init_args", (args, kwargs))
        return obj

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:  # record the shapes of direct `build()` calls too, as Keras does
            cls.build = _recording_build(cls.__dict__["build"])

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None, autocast=True,
                 name=None, **kwargs):
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(
                f"Unrecognized keyword argument(s) passed to {type(self).__name__}: "
                f"{sorted(unknown)}"
            )
        Operation.__init__(self, name=name)
        self._dtype_policy = dtype_policies.get(dtype)
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.built = getattr(self, "built", False)
        self.supports_masking = getattr(self, "supports_masking", False)
        self._input_spec = getattr(self, "_input_spec", None)
        from cornu import regularizers  # noqa: PLC0415 - lower stratum, avoids import cycles

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._call_signature = _CallSignature(self.call)
        self._build_shapes = None
        batch_input_shape = kwargs.get("batch_input_shape")
        input_shape = kwargs.get("input_shape")
        if input_shape is None and kwargs.get("input_dim") is not None:
            input_shape = (kwargs["input_dim"],)
        if batch_input_shape is None and input_shape is not None:
            batch_input_shape = (kwargs.get("batch_size"),) + tuple(input_shape)
        self._batch_input_shape = None if batch_input_shape is None else tuple(batch_input_shape)
        self._initial_weights = kwargs.get("weights")

    # -- attribute tracking -------------------------------------------------------
    def __setattr__(self, name, value):
        if name not in _SKIP_TRACKING and not name.startswith("__"):
            self._track_value(name, value)
        object.__setattr__(self, name, value)

    def _track_value(self, name, value):
        if isinstance(value, (Layer, list, tuple, dict)):
            _TRACKING_VERSION[0] += 1
        if isinstance(value, Layer):
            if value is not self and value not in self._tracked_layers:
                self._tracked_layers.append(value)
                self._backend_track_layer(value, name)
        elif isinstance(value, backend.Variable):
            if value not in self._own_variables:
                self._own_variables.append(value)
                self._backend_track_variable(value)
        elif isinstance(value, SeedGenerator):
            if value not in self._seed_generators:
                self._seed_generators.append(value)
        elif isinstance(value, (list, tuple, dict)):
            for item in tree.flatten(value):
                if isinstance(item, (Layer, backend.Variable, SeedGenerator)):
                    self._track_value(name, item)

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer and its sub-layers, depth first, each once.

        Cached until any layer is created or tracks a new sub-layer (the global
        ``_TRACKING_VERSION`` moves), which keeps the per-step cost of
        ``trainable_weights``/``losses`` flat.
        """
        key = (include_self, recursive, _TRACKING_VERSION[0])
        cache = self.__dict__.get("_flat_layers_cache")
        if cache is not None and cache[0] == key:
            return list(cache[1])
        out = self._flatten_layers_uncached(include_self, recursive)
        object.__setattr__(self, "_flat_layers_cache", (key, out))
        return list(out)

    def _flatten_layers_uncached(self, include_self, recursive):
        out, seen = [], set()

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            if recursive or layer is self:
                for sub in layer._sublayers():
                    visit(sub)

        visit(self)
        return out if include_self else out[1:]

    def _sublayers(self):
        # Lists of layers mutated after assignment (``self.blocks.append``) are picked up here.
        for name, value in list(self.__dict__.items()):
            if isinstance(value, (list, tuple, dict)) and name not in _ENGINE_INTERNALS:
                for item in tree.flatten(value):
                    if isinstance(item, Layer) and item is not self and item not in self._tracked_layers:
                        self._tracked_layers.append(item)
                        self._backend_track_layer(item)
        return list(self._tracked_layers)

    # -- weights ------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", name=None, **kwargs):
        """Create a variable owned by this layer.

        Args:
            shape: the variable's shape.
            initializer: name, ``Initializer`` or callable ``(shape, dtype)``;
                defaults to ``"glorot_uniform"`` for floats, ``"zeros"`` otherwise.
            dtype: defaults to the layer's variable dtype.
            trainable: whether optimizers update it.
            regularizer, constraint: optional, applied in training.
            name: the variable's name (unique within the layer).
        """
        if isinstance(shape, str) and name is None:  # Keras 2 order: add_weight(name, shape, ...)
            name, shape = shape, initializer if isinstance(initializer, (tuple, list)) else kwargs.pop("shape", None)
            if isinstance(initializer, (tuple, list)):
                initializer = kwargs.pop("initializer", None)
        kwargs.pop("use_resource", None)
        kwargs.pop("synchronization", None)
        kwargs.pop("partitioner", None)
        if kwargs:
            raise TypeError(f"add_weight() of layer '{self.name}' got unexpected arguments {sorted(kwargs)}")
        from cornu import constraints, initializers, regularizers  # noqa: PLC0415

        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        variable = backend.Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                                    autocast=autocast, aggregation=aggregation, name=name or "variable")
        variable._path = f"{self.name}/{variable.name}"
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        self._own_variables.append(variable)
        self._backend_track_variable(variable)
        return variable

    def _add_carried_variable(self, variable):
        """Track ``variable`` as state carried from call to call that is not a weight.

        Stateful RNN states work this way: as in Keras they stay out of ``weights``,
        ``get_weights()`` and weight files, yet ``variables`` lists them, so a compiled
        step (JAX's stateless, jitted step) threads their new values from batch to batch.
        """
        if variable not in self._carried_variables:
            self._carried_variables.append(variable)
        return variable

    def add_variable(self, *args, **kwargs):
        """Alias of ``add_weight``."""
        return self.add_weight(*args, **kwargs)

    def _collect_variables(self, predicate, stop_if_frozen=None):
        out, seen = [], set()
        for layer in self._flatten_layers():
            for v in layer._own_variables:
                if id(v) not in seen and predicate(layer, v):
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def weights(self):
        """All weights: each layer's trainable then non-trainable ones, depth first."""
        out, seen = [], set()
        for layer in self._flatten_layers():
            own = [v for v in layer._own_variables if v.trainable] + \
                  [v for v in layer._own_variables if not v.trainable]
            for v in own:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        """Weights updated by training (none when ``trainable`` is False)."""
        if not self.trainable:
            return []
        out, seen = [], set()
        for layer in self._flatten_layers():
            if not layer.trainable:
                continue
            for v in layer._own_variables:
                if v.trainable and id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def non_trainable_weights(self):
        """Weights not updated by the optimizer (moving statistics, frozen layers)."""
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def variables(self):
        """Weights plus random-seed states and carried states: everything a compiled step carries."""
        out = list(self.weights)
        for layer in self._flatten_layers():
            for sg in layer._seed_generators:
                out.append(sg.state)
        for layer in self._flatten_layers():
            out.extend(layer._carried_variables)
        return out

    trainable_variables = trainable_weights
    non_trainable_variables = property(
        lambda self: [v for v in self.variables if id(v) not in {id(w) for w in self.trainable_weights}]
    )

    def get_weights(self):
        """The weights as a list of NumPy arrays."""
        # Copies: on torch a NumPy view would keep changing as training goes on.
        return [np.array(backend.convert_to_numpy(v.value), copy=True) for v in self.weights]

    def set_weights(self, weights):
        """Set the weights from a list of arrays in ``weights`` order."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f"Layer '{self.name}' expects {len(params)} weight array(s), but set_weights "
                f"received {len(weights)}."
            )
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight {variable.name!r} has shape {variable.shape}; "
                    f"received an array of shape {value.shape}."
                )
            variable.assign(value)

    def count_params(self):
        """The number of scalars in all weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            object.__setattr__(layer, "_trainable", value)

    # -- dtypes -------------------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = dtype_policies.get(value)

    @property
    def dtype(self):
        """The variable dtype (as in Keras 3)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    # -- input spec ---------------------------------------------------------------
    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        object.__setattr__(self, "_input_spec", value)

    # -- build --------------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the layer's weights for inputs of ``input_shape`` (override in layers)."""
        self.built = True

    build = _recording_build(build)

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        shapes = _shapes_for_build(self.build, self._call_signature, args, kwargs)
        if shapes is None:
            self.build()
        elif isinstance(shapes, dict):
            self.build(**shapes)
        else:
            self.build(shapes)
        self.built = True
        if self._build_shapes is None:  # a build not recorded by `_recording_build`
            self._build_shapes = shapes
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def build_from_config(self, config):
        """Rebuild from ``get_build_config()`` output (used when loading): ``build(input_shape)``,
        or ``build(**shapes_dict)`` for layers built from several shapes."""
        if not config or self.built or not ("input_shape" in config or "shapes_dict" in config):
            return
        if "input_shape" in config:
            shapes = config["input_shape"]
            self.build(shapes)
        else:
            shapes = dict(config["shapes_dict"])
            self.build(**shapes)
        self.built = True
        self._build_shapes = shapes

    def get_build_config(self):
        """The shapes the layer was built with, as Keras stores them: ``{"input_shape": ...}``,
        or ``{"shapes_dict": {"query_shape": ..., ...}}`` when ``build`` took several."""
        return _build_config(self._build_shapes)

    # -- calling ------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        args = tuple(_to_tensor_if_array(a) for a in args)
        if args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(*args, **kwargs)
        sig = self._call_signature
        context = cc.get_call_context()
        outermost = context is None
        if outermost:
            context = cc.CallContext(self)
            cc.set_call_context(context)
            for layer in self._flatten_layers():
                layer._losses = []
        try:
            if sig.accepts_training:
                training = kwargs.get("training")
                if training is None:
                    training = context.training
                if training is None:
                    training = sig.training_default
                if context.training is None and training is not None and kwargs.get("training") is not None:
                    context.training = training
                kwargs["training"] = training
            elif "training" in kwargs and not sig.var_kwargs:
                if kwargs["training"] is not None and context.training is None:
                    context.training = kwargs["training"]
                kwargs.pop("training")
            if (sig.accepts_mask or sig.mask_args) and args:
                kwargs.update(_auto_mask_kwargs(sig, args, kwargs))
            if self.autocast and args:
                args = (_autocast(args[0], self.compute_dtype),) + args[1:]
            self._maybe_build(args, kwargs)
            with _variables_autocast(self):
                outputs = self.call(*args, **kwargs)
            if self.supports_masking or type(self).compute_mask is not Layer.compute_mask:
                previous = _previous_mask(kwargs, args)
                out_mask = self.compute_mask(args[0] if args else None, previous)
                if out_mask is not None:
                    _set_mask(outputs, out_mask)
            if self.activity_regularizer is not None:
                for out in tree.flatten(outputs):
                    self.add_loss(self.activity_regularizer(out))
            return outputs
        finally:
            if outermost:
                cc.set_call_context(None)

    def _symbolic_call(self, *args, **kwargs):
        self._maybe_build(args, kwargs)
        if "training" in kwargs and not self._call_signature.accepts_training and not self._call_signature.var_kwargs:
            kwargs.pop("training")
        # Traced with its inputs' masks (as symbolic tensors); the node records the call as written.
        outputs = self.compute_output_spec(*args, **kwargs, **_symbolic_mask_kwargs(self, args, kwargs))
        if args and (self.supports_masking or type(self).compute_mask is not Layer.compute_mask):
            previous = _previous_mask(kwargs, args)
            if previous is not None or type(self).compute_mask is not Layer.compute_mask:
                mask = backend.compute_output_spec(self.compute_mask, args[0], previous)
                _set_mask(outputs, mask)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, inputs, *args, **kwargs):
        """The layer's computation (override). The identity by default."""
        return inputs

    def compute_output_shape(self, *args, **kwargs):
        """Output shape for ``input_shape`` (override for speed and clarity)."""
        raise NotImplementedError

    def compute_output_spec(self, *args, **kwargs):
        if type(self).compute_output_shape is not Layer.compute_output_shape and args:
            shapes = tree.map_structure(lambda x: x.shape if isinstance(x, KerasTensor) else x, args[0])
            output_shape = self.compute_output_shape(shapes)
            return _shape_to_specs(output_shape, self.compute_dtype)
        return backend.compute_output_spec(self._call_for_spec, *args, **kwargs)

    def _call_for_spec(self, *args, **kwargs):
        return self.__call__(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        """The output mask: passes ``previous_mask`` through when ``supports_masking``."""
        if not self.supports_masking:
            return None
        return previous_mask

    # -- losses -------------------------------------------------------------------
    def add_loss(self, loss):
        """Add a scalar loss (e.g. an activity penalty) to this call's losses."""
        if backend.in_symbolic_scope():
            return
        scope = backend.current_scope()
        self._losses.append(loss)
        if scope is not None:
            scope.losses.append(loss)

    @property
    def losses(self):
        """Losses added during the last call plus weight-regularization penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for v in layer._own_variables:
                if v.regularizer is not None and v.trainable:
                    out.append(v.regularizer(v.value))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            layer._losses = []

    # -- config -------------------------------------------------------------------
    def get_config(self):
        """Constructor arguments as a JSON-able dict (override to add your own)."""
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": _serialize_policy(self._dtype_policy)}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if type(self).get_config is Layer.get_config and type(self).__init__ is not Layer.__init__:
            config.update(_auto_config(self))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "dtype" in config and isinstance(config["dtype"], dict):
            config["dtype"] = dtype_policies.get(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {e}"
            ) from e

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    # Keep hashing by identity (torch.nn.Module and Operation both rely on it).
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


__all__ = ["Layer", "InputSpec"]
