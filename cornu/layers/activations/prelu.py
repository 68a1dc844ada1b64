"""``PReLU``: leaky ReLU with a learned slope per input position."""
from cornu import constraints, initializers, ops, regularizers
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer


class PReLU(Layer):
    """Parametric ReLU: ``f(x) = x if x >= 0 else alpha * x`` with ``alpha`` learned.

    ``alpha`` has the input's shape without the batch axis; axes listed in
    ``shared_axes`` share one value (e.g. ``[1, 2]`` for one slope per channel
    of ``(batch, h, w, c)`` feature maps).

    Args:
        alpha_initializer: initializer of ``alpha`` (default zeros).
        alpha_regularizer: optional regularizer of ``alpha``.
        alpha_constraint: optional constraint of ``alpha``.
        shared_axes: int or list of axes (batch axis excluded, so >= 1) sharing ``alpha``.
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in axes):
                raise ValueError(
                    f"Layer '{self.name}' (PReLU) expects `shared_axes` to be positive ints (the "
                    f"batch axis 0 cannot be shared); received shared_axes={shared_axes!r}."
                )
            self.shared_axes = axes
        self.supports_masking = True

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for a in self.shared_axes:
                if a >= len(input_shape):
                    raise ValueError(
                        f"Layer '{self.name}' (PReLU): shared axis {a} is out of range for input "
                        f"shape {tuple(input_shape)}."
                    )
                param_shape[a - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                f"Layer '{self.name}' (PReLU) needs known sizes on every non-shared axis; received "
                f"input shape {tuple(input_shape)} with shared_axes={self.shared_axes}."
            )
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha.value * ops.relu(ops.negative(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return config
