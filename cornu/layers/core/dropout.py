"""``Dropout``: randomly zero inputs in training, scaling the rest."""
from cornu import random
from cornu.layers.layer import Layer


class Dropout(Layer):
    """Sets inputs to 0 with probability ``rate`` during training, scaling kept ones by ``1/(1-rate)``.

    Args:
        rate: fraction to drop, in ``[0, 1)``.
        noise_shape: shape of the binary mask (``None`` entries follow the input),
            e.g. ``(batch, 1, features)`` to drop the same features at every step.
        seed: int for repeatable masks.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate` of layer '{self.name}': expected a "
                f"float between 0 and 1, got {rate!r}."
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed,
                       "noise_shape": None if self.noise_shape is None else list(self.noise_shape)})
        return config
