"""``Optimizer``: the base class of every cornu optimizer (``keras.optimizers.Optimizer``).

The base class owns everything that is not the update rule itself: the step
counter, the learning rate (a variable, a schedule or a callable), slot
variable creation, gradient clipping, decoupled weight decay, loss scaling,
EMA of the weights, gradient accumulation, constraints and (de)serialization.
A subclass implements ``build(var_list)`` (creating its slot variables) and
``update_step(gradient, variable, learning_rate)``.

All updates are ``variable.assign(...)`` of ``cornu.ops`` results with no
Python branching on tensor values, so ``apply`` can be traced by ``jax.jit``
under a ``StatelessScope`` once the optimizer is built.

Variables are kept in the order Keras 3 saves them (``optimizer/vars/N`` in a
``.keras`` file): the iteration counter, the learning rate (when it is a
variable), EMA averages, gradient accumulators, then the subclass's slots in
the order it creates them.
"""
import re
import warnings

from cornu import backend
from cornu import ops
from cornu.optimizers import clipping
from cornu.optimizers import legacy_args
from cornu.optimizers.optimizer_state import OptimizerStateMixin, as_float, resolve_initializer
from cornu.optimizers.schedules import learning_rate_schedule as lr_schedule
from cornu.utils import naming


class Optimizer(OptimizerStateMixin):
    """Abstract optimizer base class.

    To write an optimizer, subclass it and override ``build`` (call
    ``super().build(var_list)`` first, then create slots with
    ``add_variable_from_reference`` / ``add_optimizer_variables``),
    ``update_step`` and ``get_config``.

    Args:
        learning_rate: a float, a ``LearningRateSchedule``, or a callable
            taking no arguments and returning the rate.
        weight_decay: float or ``None``; if set, decoupled weight decay
            ``w -= w * weight_decay * learning_rate`` is applied before each
            update.
        clipnorm: float; clip each gradient so its L2 norm is at most this.
        clipvalue: float; clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: float; clip all gradients together so their global
            L2 norm is at most this. Only one of the three clipping
            arguments may be set.
        use_ema: bool; keep an exponential moving average of the weights.
        ema_momentum: float in ``[0, 1]``, the EMA momentum
            (``average = m * average + (1 - m) * weight``).
        ema_overwrite_frequency: int or ``None``; every this many steps the
            weights are overwritten by their average. With ``None``, call
            ``finalize_variable_values`` (``fit`` does it at the end).
        loss_scale_factor: float or ``None``; ``scale_loss`` multiplies the
            loss by it and ``apply`` divides the gradients by it.
        gradient_accumulation_steps: int ``>= 2`` or ``None``; update only
            every this many steps, with the mean of the accumulated gradients.
        name: string, the optimizer's name.

    Legacy (Keras 1/2) keyword arguments are accepted with one
    ``DeprecationWarning`` each: ``lr`` (the learning rate) and ``decay``
    (time-based decay ``lr_t = lr / (1 + decay * iterations)``, applied on top
    of the learning rate or schedule). ``jit_compile`` and
    ``is_legacy_optimizer`` found in Keras 2 configs are ignored.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        learning_rate, self._legacy_decay = legacy_args.pop_legacy_kwargs(
            type(self).__name__, learning_rate, kwargs
        )
        if name is None:
            name = naming.auto_name(self.__class__.__name__)
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps:
            if not gradient_accumulation_steps >= 2:
                raise ValueError(
                    "`gradient_accumulation_steps` must be an integer >= 2. "
                    f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
                )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._model_variables_moving_average = []
        self._accumulated_gradients = []
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

        self._iterations = self._new_variable(0, None, "int32", "iteration")
        self._track_variable(self._iterations)
        if isinstance(learning_rate, lr_schedule.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            value = as_float(learning_rate)
            if value is None:
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of "
                    "LearningRateSchedule, or a callable (that takes in the current "
                    "iteration value and returns the corresponding learning rate value). "
                    f"Received instead: learning_rate={learning_rate!r}"
                )
            self._learning_rate = self._new_variable(value, None, backend.floatx(), "learning_rate")
            self._track_variable(self._learning_rate)

    # -- variables -------------------------------------------------------------
    def _new_variable(self, initializer, shape, dtype, name):
        variable = backend.Variable(initializer, shape=shape, dtype=dtype, trainable=False, name=name)
        variable._path = f"{self.name}/{name}"
        return variable

    def _track_variable(self, variable):
        if not any(v is variable for v in self._variables):
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        self._variables = [v for v in self._variables if v is not variable]

    @property
    def variables(self):
        """Every optimizer variable, in the order Keras 3 saves them."""
        return self._variables[:]

    @property
    def iterations(self):
        """The step counter (update steps when accumulating gradients)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None):
        """Create and track an optimizer variable.

        Args:
            shape: the variable's shape (fully defined).
            initializer: ``"zeros"``, ``"ones"``, a number, an initializer
                name or object, or a callable ``(shape, dtype) -> value``.
            dtype: dtype; defaults to ``floatx``.
            aggregation: kept for API compatibility.
            layout: kept for API compatibility.
            name: the variable's name.
        """
        variable = self._new_variable(
            resolve_initializer(initializer), tuple(shape), dtype, name or "variable"
        )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Create a variable with the shape and dtype of ``reference_variable``.

        Its name is ``<reference path with '/' -> '_'>_<name>``, as in Keras.
        """
        name = name or "var"
        ref = getattr(reference_variable, "path", None) or str(reference_variable.name)
        name = ref.replace("/", "_").replace(":", "_") + "_" + name
        variable = self.add_variable(shape=reference_variable.shape, initializer=initializer,
                                     dtype=reference_variable.dtype, name=name)
        order = getattr(reference_variable, "_memory_order", None)
        if order is not None:  # slots share their variable's layout: elementwise updates stay dense
            variable._prefer_memory_order(order)
        return variable

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Create one slot per trainable variable for each name in ``name``.

        With a list of names the slots are created interleaved per variable
        (``m0, v0, m1, v1, ...``) and a tuple of lists is returned; with one
        name, a list. Variables with ``overwrite_with_gradient`` get ``None``.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str) or not isinstance(initializer, (list, tuple)):
            inits = [initializer] * len(names)
        else:
            inits = list(initializer)
        if len(inits) != len(names):
            raise ValueError(
                "The number of provided names must match the number of provided initializers. "
                f"Received name={name!r}, initializer={initializer!r}"
            )
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            skip = getattr(variable, "overwrite_with_gradient", False)
            for i, (slot_name, init) in enumerate(zip(names, inits)):
                out[i].append(None if skip else self.add_variable_from_reference(
                    variable, name=slot_name, initializer=init))
        return out[0] if isinstance(name, str) else out

    def build(self, var_list):
        """Create the optimizer's variables for ``var_list`` (the trainable variables).

        Calling it again once built does nothing.
        """
        if self.built:
            return
        var_list = list(var_list)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, name="gradient_accumulator") for v in var_list
            ]
        for i, variable in enumerate(var_list):
            self._trainable_variables_indices[self._var_key(variable)] = i
        self._trainable_variables = var_list[:]
        self.built = True

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[self._var_key(variable)]

    def _check_variables_are_known(self, variables):
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'path', v)}. This optimizer can only be "
                    "called for the variables it was originally built with. When working "
                    "with a new set of variables, you should recreate a new optimizer instance."
                )

    # -- assignment helpers ----------------------------------------------------
    def assign(self, variable, value):
        """``variable = value`` (use in ``update_step`` instead of ``variable.assign``)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """``variable += value``."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """``variable -= value``."""
        variable.assign_sub(value)

    def update_step(self, gradient, variable, learning_rate):
        """Apply one update to ``variable`` (implemented by each optimizer)."""
        raise NotImplementedError

    # -- learning rate -----------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate.

        The learning-rate variable itself (so ``float(opt.learning_rate)`` and
        ``opt.learning_rate.assign(x)`` work), a schedule's value at the
        current ``iterations``, or a callable's result. The legacy ``decay=``
        factor is not included here (as in Keras 2, where ``optimizer.lr`` is
        the base rate); it is applied inside ``apply``.
        """
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate if isinstance(self._learning_rate, backend.Variable) else None
        if isinstance(learning_rate, lr_schedule.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(self._learning_rate, backend.Variable):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its "
                    "`learning_rate` constructor argument, hence its learning rate is not "
                    "settable. If you need the learning rate to be settable, you should "
                    "instantiate the optimizer with a float `learning_rate` argument."
                )
            self._learning_rate.assign(ops.cast(ops.convert_to_tensor(learning_rate),
                                                self._learning_rate.dtype))
        if previous is not None and not isinstance(self._learning_rate, backend.Variable):
            self._untrack_variable(previous)

    @property
    def lr(self):
        """Keras 1/2 spelling of ``learning_rate`` (deprecated)."""
        legacy_args.warn_lr_attribute(self)
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        legacy_args.warn_lr_attribute(self)
        self.learning_rate = value

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, lr_schedule.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, backend.Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    def _effective_learning_rate(self):
        """The rate used by one update: current rate with the legacy decay applied."""
        lr = self._get_current_learning_rate()
        if self._legacy_decay:
            lr = ops.convert_to_tensor(lr)
            steps = ops.cast(self._iterations.value, lr.dtype)
            lr = lr / (1.0 + ops.cast(self._legacy_decay, lr.dtype) * steps)
        return lr

    # -- applying gradients ------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply ``[(gradient, variable), ...]``; returns the ``iterations`` variable."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Update ``trainable_variables`` with ``grads`` (one optimizer step).

        ``grads`` map 1:1 to ``trainable_variables`` (or, when those are
        omitted, to the variables the optimizer was built with). The first
        call builds the optimizer. ``None`` gradients are skipped with a
        warning.
        """
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first."
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must "
                    f"match `optimizer.variables` one-to-one. Received a list of {len(grads)} "
                    f"gradients, but the optimizer is tracking {len(self._trainable_variables)} "
                    "trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"Received {len(grads)} gradients for {len(trainable_variables)} variables; "
                    "`grads` and `trainable_variables` must have the same length."
                )
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)

        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads = [ops.convert_to_tensor(g) for g in grads]
        grads, trainable_variables = self._overwrite_variables_directly_with_gradients(
            grads, trainable_variables
        )
        if grads:
            if self.loss_scale_factor is not None:
                grads = [g / self.loss_scale_factor for g in grads]
            self._backend_apply_gradients(grads, trainable_variables)
            for variable in trainable_variables:
                if getattr(variable, "constraint", None) is not None:
                    variable.assign(variable.constraint(variable))
        self._iterations.assign(self._iterations.value + 1)

    def _backend_apply_gradients(self, grads, trainable_variables):
        """Clip, decay and update; with accumulation, commit only on update steps."""
        if self.gradient_accumulation_steps:
            self._accumulating_update(grads, trainable_variables)
        else:
            grads = self._clip_gradients(grads)
            self._apply_weight_decay(trainable_variables)
            self._backend_update_step(grads, trainable_variables, self._effective_learning_rate())
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                overwrite = ops.equal((self.iterations + 1) % self.ema_overwrite_frequency, 0)
                for var, average in zip(self._trainable_variables,
                                        self._model_variables_moving_average):
                    if average is not None:
                        var.assign(ops.where(overwrite, average.value, var.value))

    def _accumulating_update(self, grads, trainable_variables):
        # Traceable form (no data-dependent branch): compute the update on
        # every micro-step and keep its results only on update steps.
        steps = self.gradient_accumulation_steps
        is_update = ops.equal((self._iterations.value + 1) % steps, 0)
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)]
                        for v in trainable_variables]
        summed = [ops.add(g, ops.cast(acc.value, g.dtype)) for g, acc in zip(grads, accumulators)]
        new_accumulators = [ops.where(is_update, ops.zeros_like(s), s) for s in summed]
        grads = [ops.where(is_update, s / steps, g) for s, g in zip(summed, grads)]
        tracked = list(trainable_variables) + [v for v in self._variables
                                                if not any(v is t for t in trainable_variables)]
        before = [ops.copy(v.value) for v in tracked]
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables)
        self._backend_update_step(grads, trainable_variables, self._effective_learning_rate())
        for variable, old in zip(tracked, before):
            variable.assign(ops.where(is_update, variable.value, old))
        for accumulator, value in zip(accumulators, new_accumulators):
            accumulator.assign(value)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        """Run ``update_step`` for every (gradient, variable) pair."""
        for grad, var in zip(grads, trainable_variables):
            self.update_step(grad, var, learning_rate)

    def _slots_for(self, slots, variables):
        """The slot variables of ``slots`` that belong to ``variables``, in their order."""
        return [slots[self._get_variable_index(v)] for v in variables]

    def _filter_empty_gradients(self, grads, variables):
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if g is None:
                missing.append(getattr(v, "path", None) or v.name)
            else:
                kept_grads.append(g)
                kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing the loss. "
                "If using `model.compile()`, did you forget to provide a `loss` argument?",
                stacklevel=3,
            )
        return kept_grads, kept_vars

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        """Variables flagged ``overwrite_with_gradient`` take their gradient as new value."""
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        kept_grads, kept_vars = [], []
        for g, v in zip(grads, variables):
            if not getattr(v, "overwrite_with_gradient", False):
                kept_grads.append(g)
                kept_vars.append(v)
            elif self.gradient_accumulation_steps:
                is_update = ops.equal((self._iterations.value + 1) % self.gradient_accumulation_steps, 0)
                acc = self._accumulated_gradients[self._get_variable_index(v)]
                running = ops.maximum(g, ops.cast(acc.value, g.dtype))
                v.assign(ops.where(is_update, running, v.value))
                acc.assign(ops.where(is_update, ops.zeros_like(running), running))
            else:
                v.assign(g)
        return kept_grads, kept_vars

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # -- weight decay ------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables from weight decay.

        Args:
            var_list: variables to exclude.
            var_names: strings; a variable whose name contains any of them
                (regular-expression search) is excluded, e.g. ``["bias"]``.
        """
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list or ()}
        if var_names:
            self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        key = self._var_key(variable)
        if key not in self._exclude_from_weight_decay_cache:
            pattern = self._exclude_from_weight_decay_pattern
            use = key not in self._exclude_from_weight_decay and not (
                pattern is not None and pattern.search(variable.name) is not None
            )
            self._exclude_from_weight_decay_cache[key] = use
        return self._exclude_from_weight_decay_cache[key]

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        lr_value = self._effective_learning_rate()
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = ops.cast(lr_value, variable.dtype)
                wd = ops.cast(self.weight_decay, variable.dtype)
                variable.assign(variable.value - variable.value * wd * lr)

    # -- EMA -------------------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        not_first_step = ops.not_equal(self.iterations, 0)
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            momentum = ops.cast(not_first_step, var.dtype) * self.ema_momentum
            average.assign(momentum * average.value + (1 - momentum) * var.value)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does "
                "not match the length of model variables stored in the optimizer "
                f"({len(self._model_variables_moving_average)}). Please check if the optimizer "
                "was called on your model."
            )
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is not None:  # a copy: on JAX two variables must not share a (donated) buffer
                var.assign(ops.copy(average.value))

    def finalize_variable_values(self, var_list):
        """At the end of training, replace weights by their EMA when ``use_ema``."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- config ----------------------------------------------------------------------
    def get_config(self):
        """The optimizer's constructor arguments (``learning_rate`` as float or schedule config)."""
        if isinstance(self._learning_rate, lr_schedule.LearningRateSchedule):
            learning_rate = lr_schedule.serialize(self._learning_rate)
        elif isinstance(self._learning_rate, backend.Variable):
            learning_rate = float(self._learning_rate.numpy())
        elif callable(self._learning_rate):
            from cornu import serialization

            learning_rate = serialization.serialize_keras_object(self._learning_rate)
        else:
            learning_rate = float(ops.convert_to_numpy(self._learning_rate))
        config = {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }
        if self._legacy_decay:
            config["decay"] = self._legacy_decay
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from ``get_config()`` output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = lr_schedule.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


BaseOptimizer = Optimizer
