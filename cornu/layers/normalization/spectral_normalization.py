"""``SpectralNormalization``: divide a layer's kernel by its largest singular value."""
from cornu import backend, initializers, ops
from cornu.layers.core.wrapper import Wrapper
from cornu.layers.input_spec import InputSpec
from cornu.serialization import register_builtin

_EPSILON = 1e-7


def _l2_normalize(x):
    """``x / ||x||`` over all entries (the norm floored at 1e-7, as Keras's ``ops.normalize``)."""
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x)), _EPSILON * _EPSILON))


class SpectralNormalization(Wrapper):
    """Keeps the spectral norm (largest singular value) of a layer's kernel at 1.

    Wraps a layer with a ``kernel`` (``Dense``, ``Conv2D``, ...) or an
    ``embeddings`` matrix (``Embedding``). In training calls the matrix
    ``W`` (reshaped to ``(-1, W.shape[-1])``) gets ``power_iterations`` steps
    of power iteration from the stored vector ``u``:
    ``v = normalize(u W^T)``, ``u = normalize(v W)``; then
    ``sigma = v W u^T`` and the kernel is replaced by ``W / sigma`` and ``u``
    is saved in the non-trainable weight ``vector_u`` (shape
    ``(1, W.shape[-1])``). Inference calls use the kernel as stored. This
    bounds the layer's Lipschitz constant (Miyato et al. 2018, GAN training).

    Gradients of a training call are those of the wrapped layer evaluated
    at the normalized kernel, and the optimizer updates that kernel (the
    normalization itself is not differentiated), the same on every engine.

    Args:
        layer: the ``Layer`` to wrap; it must have a ``kernel`` or ``embeddings``.
        power_iterations: positive int, power-iteration steps per training call.
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations <= 0:
            raise ValueError(
                f"SpectralNormalization '{self.name}': argument `power_iterations` must be a positive integer; "
                f"received power_iterations={power_iterations!r}."
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"SpectralNormalization '{self.name}' needs a wrapped layer with a `kernel` or `embeddings` "
                f"weight; {type(self.layer).__name__} '{self.layer.name}' has neither."
            )
        # Tracked as this layer's own weight too, as in Keras's weight files: [kernel, vector_u].
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=kernel.dtype)
        self.built = True

    def normalized_weights(self):
        """``(u, W / sigma)`` after ``power_iterations`` steps, computed without gradients."""
        kernel = ops.stop_gradient(ops.convert_to_tensor(self.kernel.value))
        w = ops.reshape(kernel, (-1, self.kernel_shape[-1]))  # (fan, units)
        u = ops.stop_gradient(ops.convert_to_tensor(self.vector_u.value))  # (1, units)
        v = None
        for _ in range(self.power_iterations):
            v = _l2_normalize(ops.matmul(u, ops.transpose(w)))  # (1, fan)
            u = _l2_normalize(ops.matmul(v, w))  # (1, units)
        sigma = ops.matmul(ops.matmul(v, w), ops.transpose(u))  # (1, 1)
        all_zero = ops.all(ops.equal(w, 0))
        safe_sigma = ops.where(all_zero, ops.ones_like(sigma), sigma)
        new_kernel = ops.reshape(w / safe_sigma, self.kernel_shape)
        new_u = ops.where(all_zero, ops.convert_to_tensor(self.vector_u.value), u)
        return ops.cast(new_u, self.vector_u.dtype), ops.cast(new_kernel, self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            new_u, new_kernel = self.normalized_weights()
            self.vector_u.assign(new_u)
            current = self.kernel.value
            # The normalized value, reached from the kernel by an identity-gradient step.
            self.kernel.assign(current + ops.stop_gradient(new_kernel - current))
        outputs = self.layer(inputs)
        if backend.is_float_dtype(backend.standardize_dtype(inputs.dtype)):
            outputs = ops.cast(outputs, inputs.dtype)  # as Keras: float outputs follow the input dtype
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config


register_builtin("keras.layers", SpectralNormalization)
