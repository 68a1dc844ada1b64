"""``LayerNormalization``: normalize each sample over its feature axes."""
from cornu import constraints, initializers, ops, regularizers
from cornu.layers.layer import Layer


def _standardize_axis(axis, layer_name, cls_name):
    if isinstance(axis, (list, tuple)):
        if not axis or not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            raise TypeError(
                f"Layer '{layer_name}' ({cls_name}) expects `axis` to be an int or a non-empty list "
                f"of ints; received axis={axis!r}."
            )
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(
        f"Layer '{layer_name}' ({cls_name}) expects `axis` to be an int or a list/tuple of ints; "
        f"received axis={axis!r}."
    )


def _check_axes(axes, input_shape, layer_name, cls_name):
    ndim = len(input_shape)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"Layer '{layer_name}' ({cls_name}): axis {a} is out of bounds for input shape "
                f"{tuple(input_shape)}."
            )


class LayerNormalization(Layer):
    """Layer normalization (Ba et al., 2016): per sample, over the ``axis`` features.

    ``output = (x - mean) / sqrt(var + epsilon) * gamma + beta`` where ``mean``
    and ``var`` are taken over ``axis`` for each sample, and ``gamma``/``beta``
    span the ``axis`` dimensions.

    Args:
        axis: int or list of ints, the axes to normalize over (default ``-1``).
        epsilon: small float added to the variance.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned ``gamma``.
        rms_scaling: if True, ``center`` and ``scale`` are ignored and the
            output is ``x / sqrt(var + epsilon) * gamma`` (Keras 3's definition:
            the variance is still the centered one).
        beta_initializer, gamma_initializer: initializers of the weights.
        beta_regularizer, gamma_regularizer: optional weight regularizers.
        beta_constraint, gamma_constraint: optional weight constraints.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis, self.name, "LayerNormalization")
        if not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(
                f"Layer '{self.name}' (LayerNormalization) expects a non-negative float `epsilon`; "
                f"received epsilon={epsilon!r}."
            )
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = None
        self.beta = None

    @property
    def _axes(self):
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def build(self, input_shape):
        _check_axes(self._axes, input_shape, self.name, "LayerNormalization")
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(
                f"Layer '{self.name}' (LayerNormalization) needs known sizes on axes {self.axis}; "
                f"received input shape {tuple(input_shape)}."
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True, autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True, autocast=False)
        self.built = True

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        gamma = None if self.gamma is None else self.gamma.value
        beta = None if self.beta is None else self.beta.value
        return ops.layer_normalization(inputs, gamma, beta, axis=self._axes, epsilon=self.epsilon,
                                       rms_scaling=self.rms_scaling)

    def compute_output_shape(self, input_shape):
        _check_axes(self._axes, input_shape, self.name, "LayerNormalization")
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
