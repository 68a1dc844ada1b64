"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., "A ConvNet for the 2020s", CVPR 2022).

Depthwise 7x7 convolutions, LayerNorm, inverted MLPs with per-channel
``LayerScale`` and ``StochasticDepth`` on the residual branch. The models take
raw [0, 255] images (ImageNet normalization is a layer of the model), so
``preprocess_input`` is the identity. Channels-last only, as in Keras."""
import numpy as np

from cornu import backend, initializers, layers, ops, random
from cornu.applications import _builder, imagenet_utils
from cornu.layers import Layer
from cornu.models import Functional, Sequential
from cornu.serialization import register_builtin
from cornu.utils import get_uid

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
WEIGHTS_HASHES = {  # sha256 (with classifier, without)
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}


class StochasticDepth(Layer):
    """Drops the whole residual branch per sample with probability ``drop_path_rate``
    during training (kept samples are scaled by ``1 / (1 - drop_path_rate)``).

    Args:
        drop_path_rate: probability of dropping a sample's branch, in ``[0, 1)``.
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(drop_path_rate, (int, float)) or not 0 <= drop_path_rate < 1:
            raise ValueError(f"Layer '{self.name}' (StochasticDepth): `drop_path_rate` must be a float in "
                             f"[0, 1). Received: drop_path_rate={drop_path_rate!r}")
        self.drop_path_rate = drop_path_rate
        self.seed_generator = random.SeedGenerator(None)
        self.built = True

    def call(self, x, training=None):
        if training and self.drop_path_rate > 0:
            keep_prob = 1.0 - self.drop_path_rate
            shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)  # one draw per sample
            mask = ops.floor(keep_prob + random.uniform(shape, 0, 1, dtype=x.dtype, seed=self.seed_generator))
            return (x / keep_prob) * mask
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


class LayerScale(Layer):
    """Multiplies the last axis by a learned vector ``gamma`` initialized to ``init_values``.

    Args:
        init_values: the initial value of every entry of ``gamma``.
        projection_dim: the size of the last axis.
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values), trainable=True)
        self.built = True

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


for _cls in (StochasticDepth, LayerScale):
    # Keras writes the class's private module path; cornu files name it the same way.
    register_builtin("keras.src.applications.convnext", _cls)
    register_builtin("keras.applications.convnext", _cls)


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """A ConvNeXt block as a function of its input: ``x + drop(scale(mlp(norm(dwconv(x)))))``."""
    if name is None:
        name = f"prestem{get_uid('prestem')}"

    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            branch = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            branch = layers.Activation("linear", name=f"{name}_identity")
        return inputs + branch(x)

    return apply


def PreStem(name=None):
    """ImageNet mean/std normalization of [0, 255] inputs (a ``Normalization`` layer)."""
    if name is None:
        name = f"prestem{get_uid('prestem')}"

    def apply(x):
        return layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                    variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                    name=f"{name}_prestem_normalization")(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """Global average pooling, LayerNorm and the ``Dense`` classifier."""
    if name is None:
        name = str(get_uid("head"))

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)

    return apply


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """A ConvNeXt of four stages with ``depths`` blocks of widths ``projection_dims``.

    Args:
        depths: blocks per stage (4 ints).
        projection_dims: channels per stage (4 ints).
        drop_path_rate: stochastic depth rate of the last block (linear from 0).
        layer_scale_init_value: initial ``LayerScale`` value (``None``: no LayerScale).
        default_size: the image side of the ImageNet weights.
        name: the model's name, also the prefix of every layer name.
        include_preprocessing: normalize [0, 255] inputs inside the model (3 channels).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation: as for the other applications.
        weights_name: which published weights (``"convnext_tiny"``...) ``"imagenet"`` means.
    """
    if backend.image_data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. Switch to "
                         "`channels_last` by editing your local config file at ~/.keras/keras.json")
    _builder.check_args(weights, include_top, classes, classifier_activation)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    x = img_input = _builder.make_input(input_tensor, input_shape)
    inputs = _builder.source_inputs(img_input)[0] if input_tensor is not None else img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name=name)(x)

    stem = Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                       layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                      name=f"{name}_stem")
    downsample_layers = [stem] + [
        Sequential([layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
                    layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                                  name=f"{name}_downsampling_conv_{i}")],
                   name=f"{name}_downsampling_block_{i}")
        for i in range(3)]
    rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dim=projection_dims[i], drop_path_rate=rates[cur + j],
                              layer_scale_init_value=layer_scale_init_value, name=f"{name}_stage_{i}_block_{j}")(x)
        cur += depths[i]

    if include_top:
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        x = _builder.pool(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = Functional(inputs=inputs, outputs=x, name=name)
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if list(depths) != expected["depths"] or list(projection_dims) != expected["projection_dims"]:
            raise ValueError(f"Architecture configuration does not match {weights_name} variant. When using "
                             "pre-trained weights, the model architecture must match the pre-trained "
                             f"configuration exactly. Expected depths: {expected['depths']}, got: {depths}. "
                             f"Expected projection_dims: {expected['projection_dims']}, got: {projection_dims}.")
        if weights_name not in name:
            raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}". When using '
                             "imagenet weights, model name must contain the weights variant (e.g., "
                             f'"convnext_{weights_name.split("convnext_")[-1]}").')
        file_name = name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return _builder.load(model, weights, file_name, BASE_WEIGHTS_PATH + file_name, file_hash)
    return _builder.load(model, weights)


# Keras's parameter counts with the 1000-class classifier.
_COUNTS = {"tiny": 28589128, "small": 50223688, "base": 88591464, "large": 197767336, "xlarge": 350196968}


def _variant(key):
    config = MODEL_CONFIGS[key]

    def constructor(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                    input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                    name=f"convnext_{key}"):
        return ConvNeXt(config["depths"], config["projection_dims"], drop_path_rate=0.0,
                        layer_scale_init_value=1e-6, default_size=config["default_size"], name=name,
                        include_preprocessing=include_preprocessing, include_top=include_top, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation, weights_name=f"convnext_{key}")

    count = _COUNTS[key]
    title = "XLarge" if key == "xlarge" else key.capitalize()
    constructor.__name__ = constructor.__qualname__ = f"ConvNeXt{title}"
    constructor.__doc__ = f"""ConvNeXt{title}: depths {config['depths']}, widths {config['projection_dims']}
    ({count:,} parameters with the classifier).

    Args:
        include_top: whether to include the classifier head (``{{name}}_head_*``).
        include_preprocessing: normalize [0, 255] inputs inside the model.
        weights: ``None``, ``"imagenet"`` or the path to a weights file.
        input_tensor: optional symbolic tensor to use as the image input.
        input_shape: shape without batch (channels last) when ``include_top=False``.
        pooling: ``None``, ``"avg"`` or ``"max"`` when ``include_top=False``.
        classes: number of classes (only without ``"imagenet"`` weights).
        classifier_activation: activation of the classifier.
        name: the model's name (prefix of every layer name).

    Returns:
        A ``Model`` taking [0, 255] images.
    """
    return constructor


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


preprocess_input, decode_predictions = imagenet_utils.model_functions("ConvNeXt", None)
