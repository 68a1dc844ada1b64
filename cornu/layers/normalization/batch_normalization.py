"""``BatchNormalization``: normalize with batch statistics in training, moving ones in inference."""
from cornu import backend, constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer

# Keras 2 (tf.keras) arguments that Keras 3 dropped, with the values that change nothing.
_KERAS2_NO_OPS = {"fused": None, "renorm": False, "renorm_clipping": None, "renorm_momentum": 0.99,
                  "virtual_batch_size": None, "adjustment": None}


class BatchNormalization(Layer):
    """Normalizes inputs to zero mean and unit variance per feature, then scales and shifts.

    In training (``training=True``, as in ``fit``) the layer uses the mean and
    variance of the current batch and updates its moving statistics::

        moving_mean = moving_mean * momentum + mean(batch) * (1 - momentum)
        moving_variance = moving_variance * momentum + var(batch) * (1 - momentum)

    In inference it uses the moving statistics.  Either way the output is
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.  When the layer is
    frozen (``layer.trainable = False``) it always runs in inference mode and
    its moving statistics stay fixed, as in Keras 3.

    Args:
        axis: the features axis (``1`` after a ``channels_first`` convolution).
        momentum: momentum of the moving averages.
        epsilon: small float added to the variance.
        center: whether to add the learned offset ``beta``.
        scale: whether to multiply by the learned ``gamma``.
        beta_initializer, gamma_initializer: initializers of the offset and scale.
        moving_mean_initializer, moving_variance_initializer: initializers of
            the moving statistics.
        beta_regularizer, gamma_regularizer: optional weight regularizers.
        beta_constraint, gamma_constraint: optional weight constraints.
        synchronized: accepted for compatibility; with one device per process
            the batch statistics are already global.

    Call arguments:
        inputs: a tensor of any rank.
        training: use batch statistics (and update the moving ones).
        mask: optional boolean tensor of shape ``inputs.shape[:-1]``; masked
            positions do not count in the batch statistics.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, **kwargs):
        for key, neutral in _KERAS2_NO_OPS.items():
            if key in kwargs:
                value = kwargs.pop(key)
                if value != neutral and not (key == "fused" and value in (True, False)):
                    raise NotImplementedError(
                        f"BatchNormalization received {key}={value!r}, a Keras 2 option that is not "
                        f"supported; only {key}={neutral!r} is accepted."
                    )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]  # Keras 2 configs sometimes store [axis]
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise TypeError(
                f"Layer '{self.name}' (BatchNormalization) expects an integer `axis`; received "
                f"axis={axis!r}."
            )
        if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
            raise TypeError(
                f"Layer '{self.name}' (BatchNormalization) expects a float `momentum`; received "
                f"momentum={momentum!r}."
            )
        if not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) expects a non-negative float `epsilon`; "
                f"received epsilon={epsilon!r}."
            )
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
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
                f"Layer '{self.name}' (BatchNormalization) has axis={self.axis}, which is out of "
                f"range for inputs of rank {ndim} (shape {tuple(input_shape)})."
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) needs a known size on axis {self.axis}; "
                f"received input shape {tuple(input_shape)}."
            )
        shape = (int(dim),)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean",
                                           initializer=self.moving_mean_initializer, trainable=False,
                                           autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: int(dim)})
        self._reduction_axes = [a for a in range(ndim) if a != self.axis % ndim]
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) expects a mask with one dimension less "
                f"than the inputs; received mask.shape={tuple(mask.shape)}, "
                f"inputs.shape={tuple(inputs.shape)}."
            )
        input_dtype = backend.standardize_dtype(inputs.dtype)
        if input_dtype in ("float16", "bfloat16"):
            inputs = ops.cast(inputs, "float32")  # batch statistics overflow in half precision
        dtype = ops.dtype(inputs)
        moving_mean = ops.cast(self.moving_mean.value, dtype)
        moving_variance = ops.cast(self.moving_variance.value, dtype)
        gamma = ops.cast(self.gamma.value, dtype) if self.scale else None
        beta = ops.cast(self.beta.value, dtype) if self.center else None
        outputs = None
        if training and self.trainable:
            fused = None
            if mask is None and not self.synchronized:
                # The engine's native kernel when it has one (torch); None otherwise.
                fused = backend.fused_batch_norm(inputs, gamma, beta, self.axis, self.epsilon)
            if fused is not None:
                outputs, mean, variance = fused
            else:
                mean, variance = self._moments(inputs, mask)
            self.moving_mean.assign(ops.cast(
                moving_mean * self.momentum + mean * (1.0 - self.momentum), self.moving_mean.dtype))
            self.moving_variance.assign(ops.cast(
                moving_variance * self.momentum + variance * (1.0 - self.momentum),
                self.moving_variance.dtype))
        else:
            mean, variance = moving_mean, moving_variance
        if outputs is None:
            outputs = ops.batch_normalization(inputs, mean, variance, axis=self.axis, offset=beta,
                                              scale=gamma, epsilon=self.epsilon)
        if input_dtype in ("float16", "bfloat16"):
            outputs = ops.cast(outputs, input_dtype)
        return outputs

    def _moments(self, inputs, mask):
        axes = self._reduction_axes
        if mask is None:
            return ops.moments(inputs, axes=axes, synchronized=self.synchronized)
        # Masked moments (Keras 3): the mask weights each position; it spans all axes but the last.
        weights = ops.expand_dims(ops.cast(mask, ops.dtype(inputs)), -1)  # (..., 1)
        weighted = weights * inputs
        count = ops.sum(weights, axis=axes, keepdims=True) + backend.epsilon()
        mean = ops.sum(weighted, axis=axes, keepdims=True) / count
        variance = ops.sum(weights * ops.square(weighted - mean), axis=axes, keepdims=True) / count
        return ops.reshape(mean, (-1,)), ops.reshape(variance, (-1,))  # (1, ..., C, ...) -> (C,)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
        })
        return config
