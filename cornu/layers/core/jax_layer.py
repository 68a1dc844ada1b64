"""``JaxLayer``: a pure JAX function with a params pytree, used as a layer (jax engine only)."""
import inspect

import numpy as np

from cornu import backend
from cornu.layers.layer import Layer
from cornu.random import SeedGenerator
from cornu.serialization import deserialize_keras_object, register_builtin, serialize_keras_object

_CALL_ARGS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGS = ("rng", "inputs", "training")


class JaxLayer(Layer):
    """Wraps a pure JAX model function (and its parameters) as a layer.

    ``call_fn`` takes some of these arguments, by these exact names, in any
    order: ``params`` (the trainable parameters pytree), ``state`` (the
    non-trainable state pytree), ``rng`` (a JAX PRNG key, fresh on each
    training call, ``None`` at inference), ``inputs`` (required: one array or
    pytree of arrays) and ``training`` (a Python bool). It returns the outputs,
    or ``(outputs, new_state)`` when it takes ``state``; the new state is
    written back into the layer's non-trainable weights.

    ``init_fn`` takes ``rng``, ``inputs`` (required; ones of the input shape,
    unknown dimensions set to 1) and ``training`` (always ``True``) and
    returns the initial ``params``, or ``(params, state)`` when ``call_fn``
    takes ``state``. It runs when the layer is built, unless ``params``/
    ``state`` are given, in which case the layer is built at construction.

    Every array leaf (and Python number) of ``params`` becomes a trainable
    weight, of ``state`` a non-trainable weight (floats in the layer's dtype
    policy); other leaves are passed through unchanged as configuration.

    Only available on the jax engine; constructing it on another engine
    raises ``ValueError``. The config stores ``call_fn``/``init_fn`` by their
    registered names (``register_keras_serializable``), never their code.

    Args:
        call_fn: the model function (see above).
        init_fn: optional function creating the initial params/state.
        params: optional pytree of initial trainable parameters.
        state: optional pytree of initial non-trainable state.
        seed: seed of the generator feeding ``rng`` to ``call_fn``.
        **kwargs: other ``Layer`` arguments (``name``, ``trainable``, ``dtype``).
    """

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None, **kwargs):
        helpers = backend.jax_layer
        if not helpers.SUPPORTED:
            raise ValueError(helpers.UNSUPPORTED_MESSAGE)
        self.call_fn_arguments = _validate_signature(call_fn, "call_fn", _CALL_ARGS)
        self.init_fn_arguments = (_validate_signature(init_fn, "init_fn", _INIT_ARGS)
                                  if init_fn is not None else None)
        self.call_fn_has_params = "params" in self.call_fn_arguments
        self.call_fn_has_state = "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and \
                (self.call_fn_has_params or self.call_fn_has_state):
            raise ValueError(
                "JaxLayer: `init_fn`, `params` and `state` cannot all be None when `call_fn` takes a "
                f"`params` or `state` argument. Received: call_fn arguments {self.call_fn_arguments}."
            )
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if "rng" in self.call_fn_arguments else None
        object.__setattr__(self, "params", None)
        object.__setattr__(self, "state", None)
        if params is not None or state is not None:
            self._create_variables(params, trainable=True)
            self._create_variables(state, trainable=False)
            self.built = True

    def _create_variables(self, values, trainable):
        """Replace every array/number leaf of ``values`` with a new weight; keep the structure."""
        helpers = backend.jax_layer
        count = [0]

        def create(value):
            if helpers.is_array(value) or backend.is_tensor(value) or isinstance(value, (bool, int, float)):
                dtype = backend.standardize_dtype(value.dtype if hasattr(value, "dtype") else np.asarray(value).dtype)
                if isinstance(value, float) or backend.is_float_dtype(dtype):
                    dtype = None  # floats follow the layer's dtype policy
                array = backend.convert_to_tensor(value)
                name = f"{'param' if trainable else 'state'}_{count[0]}"
                count[0] += 1
                return self.add_weight(tuple(array.shape), initializer=lambda shape, dtype=None: array,
                                       dtype=dtype, trainable=trainable, name=name)
            return value

        variables = helpers.tree_map(create, values)
        object.__setattr__(self, "params" if trainable else "state", variables)

    def build(self, input_shape=None):
        if self.params is None and self.state is None and (self.call_fn_has_params or self.call_fn_has_state):
            helpers = backend.jax_layer
            inputs = helpers.placeholder_inputs(input_shape)
            args = []
            for name in self.init_fn_arguments:
                if name == "rng":
                    args.append(backend.random.draw_seed(None))
                elif name == "inputs":
                    args.append(inputs)
                else:
                    args.append(True)
            result = self.init_fn(*args)
            if self.call_fn_has_state:
                if not (isinstance(result, (tuple, list)) and len(result) == 2):
                    raise ValueError(
                        f"JaxLayer '{self.name}': `call_fn` takes `state`, so `init_fn` must return "
                        f"`(params, state)`. Received: {type(result).__name__}."
                    )
                params, state = result
            else:
                params, state = result, None
            if any(helpers.is_traced(leaf) for leaf in helpers.tree_leaves((params, state))):
                raise ValueError(f"JaxLayer '{self.name}' cannot be built inside a traced (jitted) function; "
                                 "call or build it once eagerly first.")
            self._create_variables(params, trainable=True)
            self._create_variables(state, trainable=False)
        self.built = True

    def call(self, inputs, training=False):
        helpers = backend.jax_layer

        def unwrap(leaf):
            return leaf.value if isinstance(leaf, backend.Variable) else leaf

        args = []
        for name in self.call_fn_arguments:
            if name == "params":
                args.append(helpers.tree_map(unwrap, self.params))
            elif name == "state":
                args.append(helpers.tree_map(unwrap, self.state))
            elif name == "rng":
                args.append(backend.random.draw_seed(self.seed_generator) if training else None)
            elif name == "inputs":
                args.append(inputs)
            else:
                args.append(bool(training))
        if not self.call_fn_has_state:
            return self.call_fn(*args)
        result = self.call_fn(*args)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise ValueError(
                f"JaxLayer '{self.name}': a `call_fn` taking `state` must return `(outputs, new_state)`. "
                f"Received: {type(result).__name__}."
            )
        outputs, new_state = result
        if not helpers.same_structure(new_state, helpers.tree_map(unwrap, self.state)):
            raise ValueError(
                f"JaxLayer '{self.name}': the state returned by `call_fn` does not have the structure of "
                "the state at initialization."
            )
        helpers.tree_map(lambda value, variable: _assign(variable, value), new_state, self.state)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({
            "call_fn": serialize_keras_object(self.call_fn),
            "init_fn": serialize_keras_object(self.init_fn),
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        helpers = backend.jax_layer
        if not helpers.SUPPORTED:
            raise ValueError(helpers.UNSUPPORTED_MESSAGE)
        config = dict(config)
        config.pop("native_serialization_platforms", None)  # Keras: TensorFlow-only option
        for key in ("call_fn", "init_fn"):
            if config.get(key) is not None and not callable(config[key]):
                config[key] = deserialize_keras_object(config[key], custom_objects=custom_objects,
                                                       printable_module_name=f"JaxLayer {key}")
        return super().from_config(config)


def _assign(variable, value):
    if isinstance(variable, backend.Variable):
        variable.assign(value)


def _validate_signature(fn, fn_name, allowed):
    if not callable(fn):
        raise ValueError(f"JaxLayer: argument `{fn_name}` must be a function. Received: {fn_name}={fn!r}.")
    names = list(inspect.signature(fn).parameters)
    unsupported = [n for n in names if n not in allowed]
    if unsupported:
        raise ValueError(
            f"JaxLayer: unsupported argument(s) {unsupported} in `{fn_name}`; its arguments must be named "
            f"among {list(allowed)}. Received signature: {fn_name}{inspect.signature(fn)}."
        )
    if "inputs" not in names:
        raise ValueError(
            f"JaxLayer: `{fn_name}` must take an argument named `inputs`. "
            f"Received signature: {fn_name}{inspect.signature(fn)}."
        )
    return names


register_builtin("keras.layers", JaxLayer)
