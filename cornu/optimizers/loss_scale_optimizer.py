"""``LossScaleOptimizer``: dynamic loss scaling for float16 training."""
from cornu import backend, ops
from cornu.optimizers.base_optimizer import Optimizer


class LossScaleOptimizer(Optimizer):
    """Wraps an optimizer with dynamic loss scaling (for ``mixed_float16``).

    The loss is multiplied by ``dynamic_scale`` before differentiating
    (``scale_loss``); gradients are divided by it again in ``apply``.  When any
    gradient is not finite the update is skipped and the scale halved; after
    ``dynamic_growth_steps`` finite steps in a row the scale doubles.

    Args:
        inner_optimizer: the optimizer that applies the (unscaled) updates.
        initial_scale: the starting loss scale.
        dynamic_growth_steps: finite steps between two doublings of the scale.
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError(
                "LossScaleOptimizer: `inner_optimizer` must be an Optimizer instance. "
                f"Received: {inner_optimizer!r}"
            )
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer", **kwargs)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.step_counter = backend.Variable(0, dtype="int32", trainable=False, name="step_counter")
        self.dynamic_scale = backend.Variable(self.initial_scale, dtype="float32", trainable=False,
                                              name="dynamic_scale")

    def build(self, var_list):
        self.inner_optimizer.build(var_list)
        self.built = True

    @property
    def variables(self):
        return list(self.inner_optimizer.variables) + [self.step_counter, self.dynamic_scale]

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss):
        """``loss * dynamic_scale`` (differentiate this, not the raw loss)."""
        return ops.multiply(loss, ops.cast(self.dynamic_scale.value, loss.dtype))

    def apply(self, grads, trainable_variables=None):
        """Unscale ``grads``; apply them if all are finite, else skip and halve the scale."""
        if not self.inner_optimizer.built:
            self.build(trainable_variables)
        scale = self.dynamic_scale.value
        grads = [None if g is None else ops.divide(ops.cast(g, "float32"), scale) for g in grads]
        finite = ops.all(ops.stack([ops.all(ops.isfinite(g)) for g in grads if g is not None]))
        watched = list(trainable_variables or self.inner_optimizer._trainable_variables) + \
            [v for v in self.inner_optimizer.variables]
        before = [ops.copy(v.value) for v in watched]
        safe = [None if g is None else ops.where(finite, g, ops.zeros_like(g)) for g in grads]
        self.inner_optimizer.apply(safe, trainable_variables)
        for variable, old in zip(watched, before):  # skipped step: keep every value as it was
            variable.assign(ops.where(finite, variable.value, old))
        counter = self.step_counter.value + 1
        grow = ops.logical_and(finite, counter >= self.dynamic_growth_steps)
        new_scale = ops.where(grow, scale * 2.0, ops.where(finite, scale, scale / 2.0))
        self.dynamic_scale.assign(new_scale)
        self.step_counter.assign(ops.where(ops.logical_or(grow, ops.logical_not(finite)), 0, counter))

    def finalize_variable_values(self, var_list):
        """The inner optimizer's end-of-training step (its EMA averages go into the weights)."""
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self):
        from cornu.serialization import serialize_keras_object  # noqa: PLC0415

        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from cornu.serialization import deserialize_keras_object  # noqa: PLC0415

        config = dict(config)
        config["inner_optimizer"] = deserialize_keras_object(config["inner_optimizer"], custom_objects=custom_objects)
        return cls(**config)
