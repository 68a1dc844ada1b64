"""``SpatialDropout1D/2D/3D``: drop whole feature maps instead of single elements."""
from cornu import backend, ops, random
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
from cornu.layers.regularization._validation import check_rate, check_seed


class _SpatialDropout(Layer):
    """Dropout with one keep/drop decision per (sample, channel), shared over spatial positions."""

    _rank = None  # input rank, set by subclasses

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        if kwargs.get("noise_shape", "unset") is None:
            kwargs.pop("noise_shape")  # Keras 2 configs store the (unused) noise_shape=None
        super().__init__(**kwargs)
        cls_name = type(self).__name__
        self.rate = check_rate(self.name, cls_name, rate)
        self.seed = check_seed(self.name, cls_name, seed)
        self.data_format = backend.standardize_data_format(data_format)
        if self.rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.input_spec = InputSpec(ndim=self._rank)
        self.supports_masking = True
        self.built = True

    def _noise_shape(self, inputs):
        shape = ops.shape(inputs)
        spatial = (1,) * (self._rank - 2)
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + spatial
        return (shape[0],) + spatial + (shape[-1],)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self._noise_shape(inputs),
                                  seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class SpatialDropout1D(_SpatialDropout):
    """Spatial 1D dropout: for inputs ``(batch, timesteps, channels)``, drops whole channels.

    Args:
        rate: fraction of the channels to drop, in ``[0, 1]``.
        seed: int for repeatable masks.
    """

    _rank = 3

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Spatial 2D dropout: drops whole 2D feature maps of 4D inputs.

    Args:
        rate: fraction of the feature maps to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(b, h, w, c)``) or ``"channels_first"``.
        seed: int for repeatable masks.
    """

    _rank = 4

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SpatialDropout3D(SpatialDropout2D):
    """Spatial 3D dropout: drops whole 3D feature maps of 5D inputs.

    Args:
        rate: fraction of the feature maps to drop, in ``[0, 1]``.
        data_format: ``"channels_last"`` (``(b, d1, d2, d3, c)``) or ``"channels_first"``.
        seed: int for repeatable masks.
    """

    _rank = 5
