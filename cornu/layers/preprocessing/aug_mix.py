"""``AugMix``: blend an image with a Dirichlet mixture of randomly augmented copies in training."""
import random as py_random

from cornu import ops, random
from cornu.layers.preprocessing._image_base import ImageLayer, _is_number, check_choice, parse_factor
from cornu.layers.preprocessing.auto_contrast import AutoContrast
from cornu.layers.preprocessing.equalization import Equalization
from cornu.layers.preprocessing.random_brightness import RandomBrightness
from cornu.layers.preprocessing.random_color_degeneration import RandomColorDegeneration
from cornu.layers.preprocessing.random_contrast import RandomContrast
from cornu.layers.preprocessing.random_posterization import RandomPosterization
from cornu.layers.preprocessing.random_rotation import RandomRotation
from cornu.layers.preprocessing.random_sharpness import RandomSharpness
from cornu.layers.preprocessing.random_shear import RandomShear
from cornu.layers.preprocessing.random_translation import RandomTranslation
from cornu.layers.preprocessing.solarization import Solarization

# Candidate ops (attribute names, also Keras's weight-file groups); ``all_ops`` adds the colour ones.
BASE_OPS = ("random_shear", "random_translation", "random_rotation", "random_posterization", "solarization",
            "auto_contrast", "equalization")
COLOUR_OPS = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


class AugMix(ImageLayer):
    """AugMix (Hendrycks et al., 2020) in training.

    ``num_chains`` copies of the batch each go through up to ``chain_depth``
    operations, each picked uniformly from the candidates or skipped (a
    host-side choice, redrawn every call). The copies are mixed with
    Dirichlet(``alpha``) weights and the result ``m`` is blended with the input
    as ``w * x + (1 - w) * m``, ``w ~ Beta(alpha, alpha)`` (one draw per call),
    then clipped to ``value_range``. The identity (cast to the compute dtype) in
    inference. Because the choices happen in Python, models holding this layer
    train eagerly (``supports_jit`` is False).

    Args:
        value_range: ``(low, high)`` of the pixel values (default ``(0, 255)``).
        num_chains: number of augmented copies (default 3).
        chain_depth: maximum number of ops per copy (default 3).
        factor: op strength range in ``[0, 1]``; a number ``f`` means ``(0, f)``.
        alpha: positive concentration of the Dirichlet and Beta draws.
        all_ops: also use brightness, colour degeneration, contrast and sharpness.
        interpolation: ``"bilinear"`` (default) or ``"nearest"`` for the geometric ops.
        seed: int for repeatable draws (also seeds the sub-layers and the op choices).
        data_format: ``"channels_last"`` or ``"channels_first"``.
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or \
                value_range[0] > value_range[1]:
            raise ValueError(f"Layer '{self.name}' (AugMix) expects `value_range` as (low, high); "
                             f"received value_range={value_range!r}.")
        for arg, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Layer '{self.name}' (AugMix) expects a positive int `{arg}`; received "
                                 f"{arg}={value!r}.")
        if not _is_number(alpha) or alpha <= 0:
            raise ValueError(f"Layer '{self.name}' (AugMix) expects a positive number `alpha`; received "
                             f"alpha={alpha!r}.")
        self.value_range = tuple(value_range)
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = parse_factor(factor, self.name, "AugMix", bounds=(0.0, 1.0))
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = check_choice(interpolation, ("nearest", "bilinear"), self.name, "AugMix",
                                          "interpolation")
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self._op_rng = py_random.Random(seed)
        self.supports_jit = False
        self._build_ops(data_format)
        self.built = True

    def _build_ops(self, data_format):
        common = {"seed": self.seed, "data_format": data_format, "dtype": self.dtype_policy}
        colour = dict(common, value_range=self.value_range)
        f, interpolation = self.factor, self.interpolation
        self.random_shear = RandomShear(x_factor=f, y_factor=f, interpolation=interpolation, **common)
        self.random_translation = RandomTranslation(height_factor=f, width_factor=f, interpolation=interpolation,
                                                    **common)
        self.random_rotation = RandomRotation(factor=f, interpolation=interpolation, **common)
        self.solarization = Solarization(addition_factor=f, threshold_factor=f, **colour)
        self.random_posterization = RandomPosterization(factor=max(1, int(8 * f[1])), **colour)
        self.auto_contrast = AutoContrast(value_range=self.value_range, data_format=data_format,
                                          dtype=self.dtype_policy)
        self.equalization = Equalization(value_range=self.value_range, data_format=data_format,
                                         dtype=self.dtype_policy)
        self.op_names = BASE_OPS
        if self.all_ops:
            self.random_brightness = RandomBrightness(factor=f, **colour)
            self.random_color_degeneration = RandomColorDegeneration(factor=f, **colour)
            self.random_contrast = RandomContrast(factor=f, **colour)
            self.random_sharpness = RandomSharpness(factor=f, **colour)
            self.op_names = BASE_OPS + COLOUR_OPS

    def draw_chains(self):
        """``num_chains`` lists of op names, each of up to ``chain_depth`` (a skip is drawn as ``None``)."""
        candidates = list(self.op_names) + [None]
        return [[name for name in (self._op_rng.choice(candidates) for _ in range(self.chain_depth))
                 if name is not None] for _ in range(self.num_chains)]

    def mix(self, x, chains, chain_weights, weight):
        """Blends ``x`` with its ``chains`` (lists of op names) mixed by ``chain_weights``."""
        mixed = ops.zeros_like(x)
        for i, chain in enumerate(chains):
            copy = x
            for name in chain:
                copy = ops.cast(getattr(self, name)(copy, training=True), x.dtype)
            mixed = mixed + copy * ops.cast(chain_weights[i], x.dtype)
        weight = ops.cast(weight, x.dtype)
        return ops.clip(weight * x + (1.0 - weight) * mixed, self.value_range[0], self.value_range[1])

    def call(self, inputs, training=True):
        x = self._float_images(inputs)
        if not training:
            return x
        # One Gamma draw gives the Dirichlet chain weights and, from its last two entries, the Beta blend.
        g = random.gamma((self.num_chains + 2,), ops.convert_to_tensor(self.alpha, "float32"), dtype="float32",
                         seed=self.seed_generator)
        chain_weights = g[:self.num_chains] / ops.sum(g[:self.num_chains])
        weight = g[self.num_chains] / (g[self.num_chains] + g[self.num_chains + 1])
        return self.mix(x, self.draw_chains(), chain_weights, weight)

    def get_config(self):
        config = super().get_config()
        config.update({"value_range": self.value_range, "num_chains": self.num_chains,
                       "chain_depth": self.chain_depth, "factor": self.factor, "alpha": self.alpha,
                       "all_ops": self.all_ops, "interpolation": self.interpolation, "seed": self.seed})
        return config
