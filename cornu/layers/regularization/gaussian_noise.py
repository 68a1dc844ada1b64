"""``GaussianNoise``: add zero-centered Gaussian noise in training."""
from cornu import ops, random
from cornu.layers.layer import Layer
from cornu.layers.regularization._validation import check_rate, check_seed


class GaussianNoise(Layer):
    """Adds Gaussian noise of mean 0 and standard deviation ``stddev``, in training only.

    Args:
        stddev: standard deviation of the noise, in ``[0, 1]`` (as Keras 3 requires).
        seed: int for repeatable noise.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_rate(self.name, "GaussianNoise", stddev, arg="stddev")
        self.seed = check_seed(self.name, "GaussianNoise", seed)
        if self.stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            return inputs + random.normal(ops.shape(inputs), mean=0.0, stddev=self.stddev,
                                          dtype=self.compute_dtype, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
