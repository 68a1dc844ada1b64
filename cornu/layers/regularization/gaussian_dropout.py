"""``GaussianDropout``: multiply by 1-centered Gaussian noise in training."""
import math

from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.layers.regularization._validation import check_rate, check_seed


class GaussianDropout(Layer):
    """Multiplicative Gaussian noise of mean 1 and stddev ``sqrt(rate / (1 - rate))``, in training only.

    Args:
        rate: drop probability of the equivalent dropout, in ``[0, 1]``.
        seed: int for repeatable noise.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(self.name, "GaussianDropout", rate)
        self.seed = check_seed(self.name, "GaussianDropout", seed)
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and 0 < self.rate < 1:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(ops.shape(inputs), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
                                  seed=self.seed_generator)
            return inputs * noise
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
