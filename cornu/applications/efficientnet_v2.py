"""EfficientNetV2 B0..B3, S, M, L (Tan & Le, ICML 2021): fused and plain MBConv stages.

The models take raw [0, 255] images: rescaling (and, for the B variants, the
ImageNet mean/variance normalization) is part of the model, so
``preprocess_input`` is the identity. Layer names and order follow Keras's
models, so Keras's published weight files load into them.
"""
import copy
import math

from cornu import backend, initializers, layers
from cornu.applications import _builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
WEIGHTS_HASHES = {  # (with classifier, without), keyed like Keras's ``weights_name``
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
IMAGENET_MEAN_RGB = [0.485, 0.456, 0.406]
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

_BLOCK_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio",
               "strides", "conv_type")
# Stage tables: kernel, repeats, filters in/out, expansion, SE ratio, stride, conv type (1 fused, 0 MBConv).
_B_STAGES = [(3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
             (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0)]
_STAGES = {
    "efficientnetv2-s": [(3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
                         (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
                         (3, 15, 160, 256, 6, 0.25, 2, 0)],
    "efficientnetv2-m": [(3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
                         (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
                         (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)],
    "efficientnetv2-l": [(3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
                         (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
                         (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)],
    **{f"efficientnetv2-b{i}": _B_STAGES for i in range(4)},
}
# The block arguments of each variant, in Keras's dict format (keyed by the default model name).
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_BLOCK_KEYS, row)) for row in rows] for name, rows in _STAGES.items()}


def _conv_init():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="truncated_normal")


def _dense_init():
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """Scale a filter count by ``width_coefficient``, rounded to a multiple of ``depth_divisor``.

    Unlike EfficientNet (V1) there is no correction when rounding loses more than 10%.
    """
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    """Scale a stage's block count by ``depth_coefficient`` (rounded up)."""
    return int(math.ceil(depth_coefficient * repeats))


def _bn(x, axis, momentum, name):
    return layers.BatchNormalization(axis=axis, momentum=momentum, name=name)(x)


def _conv(x, filters, kernel_size, name, strides=1):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=_conv_init(), name=name)(x)


def _squeeze_excite(x, filters, input_filters, se_ratio, activation, axis, name):
    """Channel gates from the pooled features (``se_*`` layers); ``filters`` = channels of ``x``."""
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se = layers.Reshape((1, 1, filters) if axis == 3 else (filters, 1, 1), name=name + "se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation, kernel_initializer=_conv_init(),
                       name=name + "se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=_conv_init(),
                       name=name + "se_expand")(se)
    return layers.Multiply(name=name + "se_excite")([x, se])


def _residual(x, inputs, strides, input_filters, output_filters, drop_rate, name):
    """Identity shortcut (with stochastic depth when ``drop_rate`` > 0) where shapes allow."""
    if strides == 1 and input_filters == output_filters:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.Add(name=name + "add")([x, inputs])
    return x


def mbconv_block(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                 bn_momentum=0.9, activation="swish", survival_probability=0.8, name=""):
    """MBConv: 1x1 expansion, depthwise conv, squeeze-and-excitation, 1x1 projection.

    ``survival_probability`` is, as in Keras, the drop rate of the residual
    branch's stochastic-depth ``Dropout`` (none when 0).
    """
    axis = 3 if backend.image_data_format() == "channels_last" else 1
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(x, filters, 1, name + "expand_conv")
        x = _bn(x, axis, bn_momentum, name + "expand_bn")
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                               depthwise_initializer=_conv_init(), name=name + "dwconv2")(x)
    x = _bn(x, axis, bn_momentum, name + "bn")
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, axis, name)
    x = _conv(x, output_filters, 1, name + "project_conv")
    x = _bn(x, axis, bn_momentum, name + "project_bn")
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def fused_mbconv_block(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
                       se_ratio=0.0, bn_momentum=0.9, activation="swish", survival_probability=0.8, name=""):
    """Fused MBConv: one full ``kernel_size`` convolution replaces expansion + depthwise.

    With ``expand_ratio == 1`` the projection itself is the strided
    ``kernel_size`` convolution, followed by an activation.
    """
    axis = 3 if backend.image_data_format() == "channels_last" else 1
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(x, filters, kernel_size, name + "expand_conv", strides=strides)
        x = _bn(x, axis, bn_momentum, name + "expand_bn")
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, axis, name)
    fused = expand_ratio == 1
    x = _conv(x, output_filters, kernel_size if fused else 1, name + "project_conv", strides=strides if fused else 1)
    x = _bn(x, axis, bn_momentum, name + "project_bn")
    if fused:
        x = layers.Activation(activation, name=name + "project_activation")(x)
    return _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)


def _check_blocks_args(blocks_args, name):
    if isinstance(blocks_args, str) and blocks_args == "default":
        if name not in DEFAULT_BLOCKS_ARGS:
            raise ValueError("EfficientNetV2 with `blocks_args='default'` takes its block table from the "
                             f"model name, one of {sorted(DEFAULT_BLOCKS_ARGS)}. Received: name={name!r}; pass "
                             "`blocks_args` explicitly (a list of dicts) for other names.")
        return DEFAULT_BLOCKS_ARGS[name]
    if not isinstance(blocks_args, (list, tuple)) or not all(isinstance(a, dict) for a in blocks_args):
        raise ValueError("`blocks_args` must be 'default' or a list of dicts with the keys "
                         f"{list(_BLOCK_KEYS)}. Received: blocks_args={blocks_args!r}")
    for args in blocks_args:
        missing = [k for k in _BLOCK_KEYS if k not in args]
        if missing:
            raise ValueError(f"Each dict of `blocks_args` needs the keys {list(_BLOCK_KEYS)}; missing {missing} "
                             f"in {args!r}")
        if args["num_repeat"] <= 0:
            raise ValueError("The number of repeats (`num_repeat` in `blocks_args`) must be > 0. "
                             f"Received: num_repeat={args['num_repeat']}")
        if args["conv_type"] not in (0, 1):
            raise ValueError("`conv_type` in `blocks_args` must be 0 (MBConv) or 1 (fused MBConv). "
                             f"Received: conv_type={args['conv_type']!r}")
    return blocks_args


def _preprocessing(x, name, channels, axis, imagenet_normalization):
    """B variants with 3 channels: V1's [0, 1] rescaling + ImageNet normalization; others: [-1, 1]."""
    if imagenet_normalization is None:  # Keras decides from the model name
        imagenet_normalization = name.split("-")[-1].startswith("b")
    if imagenet_normalization and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(mean=IMAGENET_MEAN_RGB, variance=[s ** 2 for s in IMAGENET_STDDEV_RGB],
                                    axis=axis)(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None,
                   input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None, imagenet_normalization=None):
    """An EfficientNetV2 scaled by ``width_coefficient`` / ``depth_coefficient``.

    Args:
        width_coefficient, depth_coefficient: scaling of filter counts / block repeats.
        default_size: the image side of the pretrained weights.
        dropout_rate: dropout before the classifier.
        drop_connect_rate: the largest stochastic-depth rate (grows with the block index).
        depth_divisor, min_depth: filter counts are multiples of ``depth_divisor``, at least ``min_depth``.
        bn_momentum: momentum of every BatchNormalization.
        activation: activation of the blocks.
        blocks_args: ``"default"`` (the table of the model ``name``) or a list of
            dicts (``DEFAULT_BLOCKS_ARGS`` format).
        include_top, weights, input_tensor, input_shape, pooling, classes,
        classifier_activation, include_preprocessing: as for ``EfficientNetV2B0``.
        weights_name: key of ``WEIGHTS_HASHES`` for ``weights="imagenet"``.
        imagenet_normalization: ``True`` for the B variants' ImageNet
            normalization, ``False`` for [-1, 1] rescaling, ``None`` (as Keras):
            decided from ``name`` (``...-b*``).
    """
    blocks_args = _check_blocks_args(blocks_args, name)
    _builder.check_args(weights, include_top, classes, classifier_activation)
    if weights == "imagenet" and weights_name not in WEIGHTS_HASHES:
        raise ValueError(f"`weights='imagenet'` needs `weights_name`, one of {sorted(WEIGHTS_HASHES)}. "
                         f"Received: weights_name={weights_name!r}")
    if not include_top and pooling not in (None, "avg", "max"):
        raise ValueError(f"`pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    fmt = backend.image_data_format()
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=fmt, require_flatten=include_top,
                                                    weights=weights)
    img_input = _builder.make_input(input_tensor, input_shape)
    axis = 3 if fmt == "channels_last" else 1

    x = img_input
    if include_preprocessing:
        x = _preprocessing(x, name, input_shape[axis - 1], axis, imagenet_normalization)

    def filters(n):
        return round_filters(n, width_coefficient, min_depth, depth_divisor)

    x = _conv(x, filters(blocks_args[0]["input_filters"]), 3, "stem_conv", strides=2)
    x = _bn(x, axis, bn_momentum, "stem_bn")
    x = layers.Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(list(blocks_args))
    b = 0
    total = float(sum(args["num_repeat"] for args in blocks_args))  # (unscaled, as in Keras)
    for i, args in enumerate(blocks_args):
        args["input_filters"] = filters(args["input_filters"])
        args["output_filters"] = filters(args["output_filters"])
        block = fused_mbconv_block if args.pop("conv_type") == 1 else mbconv_block
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total, name=f"block{i + 1}{chr(j + 97)}_",
                      **args)
            b += 1

    x = _conv(x, filters(1280), 1, "top_conv")
    x = _bn(x, axis, bn_momentum, "top_bn")
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=_dense_init(),
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = _builder.pool(x, pooling, named=True)
    model = _builder.finish(img_input, input_tensor, x, name)
    if weights == "imagenet":
        file_name = "efficientnetv2" + ("-" if weights_name.startswith("b") else "") + weights_name
        file_name += ".h5" if include_top else "_notop.h5"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return _builder.load(model, weights, file_name, BASE_WEIGHTS_PATH + file_name, file_hash)
    return _builder.load(model, weights)


_SCALING = {  # width, depth, default size
    "b0": (1.0, 1.0, 224), "b1": (1.0, 1.1, 240), "b2": (1.1, 1.2, 260), "b3": (1.2, 1.4, 300),
    "s": (1.0, 1.0, 384), "m": (1.0, 1.0, 480), "l": (1.0, 1.0, 480),
}


def _variant(key):
    width, depth, size = _SCALING[key]
    default_name = f"efficientnetv2-{key}"
    weights_name = key if key.startswith("b") else "-" + key

    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True,
                    name=default_name):
        return EfficientNetV2(width, depth, size, blocks_args=DEFAULT_BLOCKS_ARGS[default_name], name=name,
                              include_top=include_top, weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, weights_name=weights_name,
                              imagenet_normalization=key.startswith("b"))

    title = "EfficientNetV2" + key.upper()
    constructor.__name__ = constructor.__qualname__ = title
    prep = ("rescaled to [0, 1] and normalized with the ImageNet mean and variance" if key.startswith("b")
            else "rescaled to [-1, 1]")
    constructor.__doc__ = f"""{title} (default input {size}x{size}; model name ``{default_name}``).

    Args:
        include_top: whether to end with the ``avg_pool``/``top_dropout``/``predictions`` classifier.
        weights: ``None`` (random), ``"imagenet"`` (Keras's published file, downloaded once
            into ``~/.keras/models``) or the path of a weights file.
        input_tensor: optional tensor (e.g. from ``cornu.Input``) to build the model on.
        input_shape: optional ``(height, width, channels)`` (channels first under
            ``channels_first``); sides of at least 32.
        pooling: without the top: ``None`` (4D features), ``"avg"`` or ``"max"`` (2D).
        classes: number of classes of the top (1000 with ImageNet weights).
        classifier_activation: activation of ``predictions`` (``None`` gives logits).
        include_preprocessing: whether the model starts with its preprocessing
            layers: inputs in [0, 255] are {prep}. Without it, inputs are
            expected already preprocessed.
        name: the model's name.

    Returns:
        A ``cornu.Model``.
    """
    return constructor


EfficientNetV2B0 = _variant("b0")
EfficientNetV2B1 = _variant("b1")
EfficientNetV2B2 = _variant("b2")
EfficientNetV2B3 = _variant("b3")
EfficientNetV2S = _variant("s")
EfficientNetV2M = _variant("m")
EfficientNetV2L = _variant("l")


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 models preprocess their [0, 255] inputs themselves.

    Args:
        x: a float NumPy array or tensor.
        data_format: ``None``, ``"channels_last"`` or ``"channels_first"``
            (checked, otherwise unused).

    Returns:
        ``x`` unchanged (the same object).
    """
    if data_format not in (None, "channels_last", "channels_first"):
        raise ValueError("Expected data_format to be None, `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format!r}")
    return x


_, decode_predictions = imagenet_utils.model_functions("EfficientNetV2", None)
