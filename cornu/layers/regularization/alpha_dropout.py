"""``AlphaDropout``: dropout that keeps the self-normalizing property of SELU."""
from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.layers.regularization._validation import check_rate, check_seed

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Sets dropped inputs to SELU's negative saturation value, then applies an affine
    correction so the mean and variance stay unchanged (Klambauer et al., 2017).

    With ``alpha' = -alpha * scale`` of SELU and keep mask ``k``::

        a = ((1 - rate) * (1 + rate * alpha'**2)) ** -0.5
        b = -a * alpha' * rate
        output = a * (x * k + alpha' * (1 - k)) + b

    Args:
        rate: drop probability, in ``[0, 1]``.
        noise_shape: shape of the keep mask (``None`` entries follow the input).
        seed: int for repeatable masks.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(self.name, "AlphaDropout", rate)
        self.seed = check_seed(self.name, "AlphaDropout", seed)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not (training and 0 < self.rate < 1):
            return inputs
        shape = ops.shape(inputs)
        noise_shape = shape if self.noise_shape is None else tuple(
            s if n is None else n for s, n in zip(shape, self.noise_shape))
        alpha_p = -_ALPHA * _SCALE
        kept = ops.cast(ops.greater_equal(random.uniform(noise_shape, seed=self.seed_generator), self.rate),
                        ops.dtype(inputs))
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": None if self.noise_shape is None else list(self.noise_shape)})
        return config
