"""``GroupNormalization``: normalize each sample over groups of channels."""
from cornu import backend, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class GroupNormalization(Layer):
    """Group normalization (Wu & He, 2018).

    The channels on ``axis`` are split into ``groups``; each sample is
    normalized over every position and channel of each group, then scaled by
    ``gamma`` and shifted by ``beta`` (one value per channel).  ``groups=1``
    is layer normalization over all non-batch axes with per-channel weights;
    ``groups=-1`` (or the number of channels) is instance normalization.

    Args:
        groups: number of groups; must divide the number of channels.
        axis: the channels axis (default ``-1``).
        epsilon: small float added to the variance.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned ``gamma``.
        beta_initializer, gamma_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: optional weight regularizers.
        beta_constraint, gamma_constraint: optional weight constraints.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups < 1 and groups != -1):
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization) expects `groups` to be a positive int "
                f"or -1; received groups={groups!r}."
            )
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                f"Layer '{self.name}' (GroupNormalization) expects an integer `axis`; received "
                f"axis={axis!r}."
            )
        if not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization) expects a non-negative float `epsilon`; "
                f"received epsilon={epsilon!r}."
            )
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): axis {self.axis} is out of bounds for "
                f"input shape {tuple(input_shape)}."
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): axis {self.axis} of the input should "
                f"have a defined dimension; received input shape {tuple(input_shape)}."
            )
        groups = dim if self.groups == -1 else self.groups
        if dim < groups:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): the number of groups ({groups}) cannot "
                f"be more than the number of channels ({dim})."
            )
        if dim % groups != 0:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): the number of channels ({dim}) must be "
                f"a multiple of the number of groups ({groups})."
            )
        self._groups = groups
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(shape=(dim,), name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(shape=(dim,), name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        gamma = self.gamma.value if self.scale else None
        beta = self.beta.value if self.center else None
        fused = backend.fused_group_norm(inputs, gamma, beta, self._groups, self.axis, self.epsilon)
        if fused is not None:  # the engine's native kernels (torch); None: composed below
            return fused
        shape = ops.shape(inputs)
        ndim = len(shape)
        axis = self.axis % ndim
        groups = self._groups
        channels = shape[axis]
        group_shape = list(shape[:axis]) + [groups, channels // groups] + list(shape[axis + 1:])
        group_shape[0] = -1
        x = ops.reshape(inputs, group_shape)  # (..., C, ...) -> (..., G, C/G, ...)
        reduction = [a for a in range(1, ndim + 1) if a != axis]
        mean, variance = ops.moments(x, axes=reduction, keepdims=True)
        inv = ops.rsqrt(variance + self.epsilon)
        param_shape = [1] * (ndim + 1)
        param_shape[axis] = groups
        param_shape[axis + 1] = channels // groups
        if self.scale:
            inv = inv * ops.cast(ops.reshape(self.gamma.value, param_shape), ops.dtype(x))
        shift = -mean * inv
        if self.center:
            shift = shift + ops.cast(ops.reshape(self.beta.value, param_shape), ops.dtype(x))
        out = x * inv + shift
        return ops.reshape(out, (-1,) + tuple(shape[1:]))  # (..., G, C/G, ...) -> (..., C, ...)

    def compute_output_shape(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): axis {self.axis} is out of bounds for "
                f"input shape {tuple(input_shape)}."
            )
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
