"""``RMSNormalization``: scale each sample by the inverse root mean square of its features."""
from cornu import ops
from cornu.layers.layer import Layer
from cornu.layers.normalization.layer_normalization import _check_axes, _standardize_axis


class RMSNormalization(Layer):
    """Root-mean-square normalization (Zhang & Sennrich, 2019).

    ``output = x * rsqrt(mean(square(x), axis) + epsilon) * scale`` with a
    learned ``scale`` spanning ``axis`` (initialized to ones).

    Args:
        axis: int or list of ints, the axes to normalize over (default ``-1``).
        epsilon: small float added to the mean square (default ``1e-6``).
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis, self.name, "RMSNormalization")
        if not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(
                f"Layer '{self.name}' (RMSNormalization) expects a non-negative float `epsilon`; "
                f"received epsilon={epsilon!r}."
            )
        self.epsilon = float(epsilon)
        self.supports_masking = True

    @property
    def _axes(self):
        return sorted(self.axis) if isinstance(self.axis, list) else [self.axis]

    def build(self, input_shape):
        _check_axes(self._axes, input_shape, self.name, "RMSNormalization")
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(
                f"Layer '{self.name}' (RMSNormalization) needs known sizes on axes {self.axis}; "
                f"received input shape {tuple(input_shape)}."
            )
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, x):
        return ops.rms_normalization(x, scale=self.scale.value, axis=self._axes, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        _check_axes(self._axes, input_shape, self.name, "RMSNormalization")
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
